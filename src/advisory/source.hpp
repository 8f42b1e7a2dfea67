#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "advisory/osv.hpp"
#include "core/error.hpp"

/// Where OSV records come from: a directory tree of .json/.yaml/.yml files (a clone of an
/// advisory database) or a ZIP archive as osv.dev publishes per ecosystem (`<ecosystem>/all.zip`).
/// Both are read one record at a time, so an importer can store each and report progress;
/// a record that cannot be read is reported with its file and reason and the rest still load.
namespace sg::advisory {

/// Bounds on an OSV archive (zip-bomb defence), checked on the sizes the archive declares and
/// again on the bytes actually inflated, so a lying header gains nothing.
struct ArchiveLimits {
  std::uint64_t max_entries = 2'000'000;        // entries in the archive
  std::uint64_t max_entry_bytes = 16u << 20;    // uncompressed size of one record
  std::uint64_t max_total_bytes = 8ull << 30;   // uncompressed size of all records
  std::uint64_t max_compression_ratio = 200;    // uncompressed : compressed, per entry
  std::uint64_t ratio_exempt_bytes = 1u << 20;  // entries smaller than this skip the ratio
};

/// One record file of a source, read.
struct SourceItem {
  /// The file's path relative to the directory, or the entry's name in the archive.
  std::string origin;
  /// The record, or why it was refused (malformed, invalid, too large, unreadable).
  Result<Record> record;
  /// The file's text as read (empty when it could not be read), for a store that keeps records
  /// as published, and its encoding.
  std::string text = {};
  OsvEncoding encoding = OsvEncoding::kJson;
};

/// How far a source has got, for a progress report.
struct SourceProgress {
  std::size_t items_done = 0;
  std::size_t items_total = 0;   // record files found (known from the start)
  std::uint64_t bytes_read = 0;  // uncompressed bytes read so far
};

/// A stream of OSV record files.
class RecordSource {
 public:
  virtual ~RecordSource() = default;

  /// The next record file; absent at the end. An error means the source as a whole failed
  /// (a limit of the archive passed, the archive damaged): stop iterating then.
  virtual Result<std::optional<SourceItem>> Next() = 0;

  /// Progress so far.
  virtual SourceProgress Progress() const = 0;
};

/// Opens a directory, searched recursively (in name order) for .json, .yaml and .yml files;
/// names starting with "." (".git", ".github") are skipped. Error "notFound" when `root` is not
/// a readable directory.
Result<std::unique_ptr<RecordSource>> OpenOsvDirectory(const std::filesystem::path& root,
                                                       OsvReadOptions options = {});

/// Opens an OSV ZIP archive file. Errors: "damagedArchive" (not a readable ZIP),
/// "archiveTooLarge" (entry count or total declared size past `limits`).
Result<std::unique_ptr<RecordSource>> OpenOsvZip(const std::filesystem::path& file,
                                                 ArchiveLimits limits = {},
                                                 OsvReadOptions options = {});

/// Opens an OSV ZIP archive held in memory (an upload).
Result<std::unique_ptr<RecordSource>> OpenOsvZipBytes(std::string bytes, ArchiveLimits limits = {},
                                                      OsvReadOptions options = {});

/// A record file that was refused.
struct Rejection {
  std::string origin;
  Error error;
};

/// Everything a source held: the records read and the files refused.
struct LoadedRecords {
  std::vector<Record> records;
  std::vector<Rejection> rejected;
};

/// Reads a whole source (convenience for tests and small sources). Errors as Next.
Result<LoadedRecords> LoadAll(RecordSource& source);

}  // namespace sg::advisory
