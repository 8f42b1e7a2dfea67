#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "testing/reference_data.hpp"

namespace sg::sbom::testing {

/// ../shared/reference/sbom-data next to the repository. The repository root comes from
/// SG_SOURCE_DIR (set by ctest), else from the build's configured source directory. Throws when
/// the folder is missing: the tests must not pass vacuously.
inline std::filesystem::path ReferenceDir() { return sg::testing::SbomDataDir(); }

/// The bytes of a file; throws when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  return sg::testing::ReadFileBytes(path);
}

/// A file under ReferenceDir().
inline std::string ReadReference(std::string_view relative) {
  return ReadFile(ReferenceDir() / relative);
}

/// Owned copies of a list of views (a component's CPEs, …), for comparisons.
inline std::vector<std::string> Strings(std::span<const std::string_view> views) {
  return {views.begin(), views.end()};
}

}  // namespace sg::sbom::testing
