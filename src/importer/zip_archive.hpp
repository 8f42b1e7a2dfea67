#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "importer/limits.hpp"

struct zip;

namespace sg::importer {

/// A read-only ZIP archive over bytes in memory (libzip; no temporary files). Every part read
/// counts against `ZipLimits`, checked both on the sizes the archive declares and on the bytes
/// actually inflated, so a lying header cannot get past them. Errors: "notASpreadsheet" for a
/// damaged or missing part, "fileTooLarge" past a limit.
class ZipArchive {
 public:
  /// Opens `bytes`, which must outlive the archive.
  static Result<ZipArchive> Open(std::string_view bytes, ZipLimits limits = {});

  /// True when the archive holds a part named `name` (ASCII case is ignored, as Excel does).
  bool HasEntry(std::string_view name) const;

  /// The uncompressed content of part `name`; its absence is an error.
  Result<std::string> GetEntry(std::string_view name);

 private:
  struct Closer {
    void operator()(zip* archive) const;
  };

  ZipArchive(std::unique_ptr<zip, Closer> archive, ZipLimits limits);

  std::unique_ptr<zip, Closer> archive_;
  ZipLimits limits_;
  std::uint64_t total_read_ = 0;
};

}  // namespace sg::importer
