#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

/// Where the tests find the public version vectors: <repo>/../shared/reference/sbom-data. ctest
/// sets SG_SOURCE_DIR to the repository root; run by hand, the binary falls back to the root it
/// was configured from. Missing data throws, so a test fails instead of passing on nothing.
namespace sg::version::lang::testing {

inline std::filesystem::path SbomDataDir() {
  const char* from_environment = std::getenv("SG_SOURCE_DIR");
  const std::filesystem::path root = from_environment ? from_environment : SG_DEFAULT_SOURCE_DIR;
  const std::filesystem::path directory = root / ".." / "shared" / "reference" / "sbom-data";
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("missing test data: " + directory.string());
  }
  return directory;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("missing test data: " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace sg::version::lang::testing
