#pragma once

// Test support: the reference data set outside the repository and small file helpers.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "testing/reference_data.hpp"

namespace sg::advisory::testing {

/// The repository root: SG_SOURCE_DIR (set by ctest), else the configured source directory.
inline std::filesystem::path SourceRoot() { return sg::testing::SourceRoot(); }

/// `../shared/reference/sbom-data/<relative>`; throws (failing the test loudly) when missing.
inline std::filesystem::path SbomData(std::string_view relative) {
  const std::filesystem::path path = sg::testing::SbomDataDir() / relative;
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error("missing reference data " + path.string() +
                             " (set SG_SOURCE_DIR to the repository root)");
  }
  return path;
}

/// `src/advisory/testdata/<relative>`; throws when missing.
inline std::filesystem::path TestData(std::string_view relative) {
  const std::filesystem::path path = SourceRoot() / "src" / "advisory" / "testdata" / relative;
  if (!std::filesystem::exists(path))
    throw std::runtime_error("missing test data " + path.string());
  return path;
}

/// The bytes of `path`; throws when unreadable.
inline std::string ReadBytes(const std::filesystem::path& path) {
  return sg::testing::ReadFileBytes(path);
}

/// A fresh empty directory under the system temporary directory, removed on destruction.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(std::string_view name) {
    path_ = std::filesystem::temp_directory_path() /
            (std::string("sg_advisory_") + std::string(name) + "_" +
             std::to_string(static_cast<long long>(::getpid())));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& Path() const { return path_; }

  /// Writes `content` to `relative` (creating folders) and returns its path.
  std::filesystem::path Write(std::string_view relative, std::string_view content) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace sg::advisory::testing
