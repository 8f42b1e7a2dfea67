#pragma once

#include <filesystem>
#include <string>

#include "testing/reference_data.hpp"

/// Where the tests find the public version vectors: <repo>/../shared/reference/sbom-data. ctest
/// sets SG_SOURCE_DIR to the repository root; run by hand, the binary falls back to the root it
/// was configured from. Missing data throws, so a test fails instead of passing on nothing.
namespace sg::version::lang::testing {

using sg::testing::SbomDataDir;

inline std::string ReadFile(const std::filesystem::path& path) {
  return sg::testing::ReadFileBytes(path);
}

}  // namespace sg::version::lang::testing
