#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sg::sbom::testing {

/// ../shared/reference/sbom-data next to the repository. The repository root comes from
/// SG_SOURCE_DIR (set by ctest), else from the build's configured source directory. Throws when
/// the folder is missing: the tests must not pass vacuously.
inline std::filesystem::path ReferenceDir() {
  const char* from_environment = std::getenv("SG_SOURCE_DIR");
  const std::filesystem::path root = from_environment ? from_environment : SG_DEFAULT_SOURCE_DIR;
  const std::filesystem::path dir = root / ".." / "shared" / "reference" / "sbom-data";
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error("missing SBOM reference data: " + dir.string());
  }
  return dir;
}

/// The bytes of a file; throws when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

/// A file under ReferenceDir().
inline std::string ReadReference(std::string_view relative) {
  return ReadFile(ReferenceDir() / relative);
}

}  // namespace sg::sbom::testing
