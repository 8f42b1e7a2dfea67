#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sg::importer::testing {

/// The bytes of tests/fixtures/import/`name` (see make_fixtures.py there). The repository root
/// comes from SG_SOURCE_DIR (set by ctest), else from the build's configured source directory.
inline std::string ReadFixture(std::string_view name) {
  const char* from_environment = std::getenv("SG_SOURCE_DIR");
  const std::filesystem::path root = from_environment ? from_environment : SG_DEFAULT_SOURCE_DIR;
  const std::filesystem::path path = root / "tests" / "fixtures" / "import" / name;
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("missing fixture " + path.string());
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace sg::importer::testing
