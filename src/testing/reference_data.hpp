#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

/// Test support shared by the unit tests: where the repository and the public reference data
/// are, and reading a file whole. Missing data throws, so a test fails instead of passing on
/// nothing.
namespace sg::testing {

/// The repository root: SG_SOURCE_DIR (set by ctest), else the source directory the build was
/// configured from (SG_DEFAULT_SOURCE_DIR, defined for every test by sg_add_test).
inline std::filesystem::path SourceRoot() {
  const char* from_environment = std::getenv("SG_SOURCE_DIR");
  return from_environment != nullptr && *from_environment != '\0'
             ? std::filesystem::path(from_environment)
             : std::filesystem::path(SG_DEFAULT_SOURCE_DIR);
}

/// ../shared/reference/sbom-data beside the repository; throws when it is missing.
inline std::filesystem::path SbomDataDir() {
  const std::filesystem::path directory =
      SourceRoot() / ".." / "shared" / "reference" / "sbom-data";
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("missing test data: " + directory.string() +
                             " (set SG_SOURCE_DIR to the repository root)");
  }
  return directory;
}

/// The bytes of `path`; throws when it cannot be read.
inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read test data: " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace sg::testing
