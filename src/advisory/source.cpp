#include "advisory/source.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <fstream>
#include <system_error>
#include <utility>

namespace sg::advisory {
namespace {

constexpr std::size_t kReadChunk = 64u << 10;

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(
      suffix.begin(), suffix.end(), text.end() - static_cast<long>(suffix.size()),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// The encoding of a record file by its name; absent for a file that is not a record.
std::optional<OsvEncoding> EncodingOf(std::string_view name) {
  if (EndsWithNoCase(name, ".json")) return OsvEncoding::kJson;
  if (EndsWithNoCase(name, ".yaml") || EndsWithNoCase(name, ".yml")) return OsvEncoding::kYaml;
  return std::nullopt;
}

Error Unreadable(std::string_view origin, std::string detail) {
  return Error{ErrorKind::kBadRequest,
               "fileUnreadable",
               fmt::format("The file {} could not be read.", origin),
               {},
               std::move(detail)};
}

Error RecordFileTooLarge(std::string_view origin, std::uint64_t limit) {
  return Error{ErrorKind::kPayloadTooLarge,
               "recordTooLarge",
               fmt::format("{} is larger than the {} MiB an advisory may have; it was skipped.",
                           origin, limit >> 20),
               {},
               {}};
}

Error DamagedArchive(std::string why, std::string detail = {}) {
  return Error{ErrorKind::kBadRequest,
               "damagedArchive",
               fmt::format("The OSV archive could not be read: {}.", why),
               {},
               std::move(detail)};
}

Error ArchiveTooLarge(std::string why) {
  return Error{ErrorKind::kPayloadTooLarge,
               "archiveTooLarge",
               fmt::format("The OSV archive was refused: {}.", why),
               {},
               {}};
}

// ---- Directory

class DirectorySource final : public RecordSource {
 public:
  DirectorySource(std::filesystem::path root, std::vector<std::filesystem::path> files,
                  OsvReadOptions options)
      : root_(std::move(root)), files_(std::move(files)), reader_(options), options_(options) {}

  Result<std::optional<SourceItem>> Next() override {
    if (next_ >= files_.size()) return std::optional<SourceItem>();
    const std::filesystem::path& file = files_[next_++];
    std::string origin = file.lexically_relative(root_).generic_string();
    const OsvEncoding encoding = *EncodingOf(file.filename().string());
    Result<std::string> text = ReadFile(file, origin);
    if (!text)
      return SourceItem{std::move(origin), std::unexpected(std::move(text.error())), {}, encoding};
    progress_bytes_ += text->size();
    Result<Record> record = reader_.Read(*text, encoding, origin);
    return SourceItem{std::move(origin), std::move(record), std::move(*text), encoding};
  }

  SourceProgress Progress() const override {
    return SourceProgress{next_, files_.size(), progress_bytes_};
  }

 private:
  Result<std::string> ReadFile(const std::filesystem::path& file, std::string_view origin) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    if (error) return Fail(Unreadable(origin, error.message()));
    if (size > options_.max_record_bytes) {
      return Fail(RecordFileTooLarge(origin, options_.max_record_bytes));
    }
    std::ifstream stream(file, std::ios::binary);
    if (!stream) return Fail(Unreadable(origin, "open failed"));
    std::string text(static_cast<std::size_t>(size), '\0');
    stream.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(stream.gcount()));
    if (stream.bad()) return Fail(Unreadable(origin, "read failed"));
    return text;
  }

  std::filesystem::path root_;
  std::vector<std::filesystem::path> files_;
  OsvReader reader_;
  OsvReadOptions options_;
  std::size_t next_ = 0;
  std::uint64_t progress_bytes_ = 0;
};

// ---- ZIP archive

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct EntryCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// One record entry of an archive, as its central directory declares it.
struct ArchiveEntry {
  zip_uint64_t index = 0;
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t compressed_size = 0;
  OsvEncoding encoding = OsvEncoding::kJson;
};

class ZipSource final : public RecordSource {
 public:
  ZipSource(ArchiveLimits limits, OsvReadOptions options) : limits_(limits), reader_(options) {}

  // Opens `archive` (taking it) and lists its record entries, checking the declared sizes.
  Result<void> Start(zip_t* archive) {
    archive_.reset(archive);
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count < 0) return Fail(DamagedArchive("its directory is unreadable"));
    if (static_cast<std::uint64_t>(count) > limits_.max_entries) {
      return Fail(ArchiveTooLarge(fmt::format("it holds {} entries, more than the {} allowed",
                                              count, limits_.max_entries)));
    }
    std::uint64_t declared_total = 0;
    for (zip_uint64_t index = 0; index < static_cast<zip_uint64_t>(count); ++index) {
      zip_stat_t stat;
      zip_stat_init(&stat);
      if (zip_stat_index(archive, index, 0, &stat) != 0 || (stat.valid & ZIP_STAT_NAME) == 0) {
        return Fail(
            DamagedArchive(fmt::format("entry {} is damaged", index), zip_strerror(archive)));
      }
      const std::string_view name = stat.name;
      if (name.empty() || name.back() == '/') continue;  // a directory
      const std::optional<OsvEncoding> encoding = EncodingOf(name);
      if (!encoding) continue;
      const zip_uint64_t needed = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE;
      if ((stat.valid & needed) != needed) {
        return Fail(DamagedArchive(fmt::format("the sizes of {} are unknown", name)));
      }
      declared_total += stat.size;
      if (declared_total > limits_.max_total_bytes) {
        return Fail(ArchiveTooLarge(
            fmt::format("its records expand to more than {} MiB", limits_.max_total_bytes >> 20)));
      }
      entries_.push_back(
          ArchiveEntry{index, std::string(name), stat.size, stat.comp_size, *encoding});
    }
    return {};
  }

  Result<std::optional<SourceItem>> Next() override {
    if (next_ >= entries_.size()) return std::optional<SourceItem>();
    const ArchiveEntry& entry = entries_[next_++];
    Result<std::string> text = ReadEntry(entry);
    if (!text) {
      if (text.error().code == "archiveTooLarge" || text.error().code == "damagedArchive") {
        return Fail(std::move(text.error()));
      }
      return SourceItem{entry.name, std::unexpected(std::move(text.error())), {}, entry.encoding};
    }
    Result<Record> record = reader_.Read(*text, entry.encoding, entry.name);
    return SourceItem{entry.name, std::move(record), std::move(*text), entry.encoding};
  }

  SourceProgress Progress() const override {
    return SourceProgress{next_, entries_.size(), total_read_};
  }

  void KeepBytes(std::string bytes) { bytes_ = std::move(bytes); }
  const std::string& Bytes() const { return bytes_; }

 private:
  Result<std::string> ReadEntry(const ArchiveEntry& entry) {
    if (entry.size > limits_.max_entry_bytes) {
      return Fail(RecordFileTooLarge(entry.name, limits_.max_entry_bytes));
    }
    if (entry.size >= limits_.ratio_exempt_bytes &&
        (entry.compressed_size == 0 ||
         entry.size / entry.compressed_size > limits_.max_compression_ratio)) {
      return Fail(Error{ErrorKind::kPayloadTooLarge,
                        "suspiciousCompression",
                        fmt::format("{} is compressed more strongly than an advisory can be "
                                    "(over {}:1), as a zip bomb is; it was skipped.",
                                    entry.name, limits_.max_compression_ratio),
                        {},
                        {}});
    }
    std::unique_ptr<zip_file_t, EntryCloser> file(zip_fopen_index(archive_.get(), entry.index, 0));
    if (!file) {
      return Fail(Unreadable(entry.name, zip_strerror(archive_.get())));
    }
    // Never read more than declared (plus one byte, to notice a lie) nor past the limits.
    const std::uint64_t allowed = std::min(entry.size, limits_.max_entry_bytes) + 1;
    std::string text;
    text.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(entry.size, 1u << 20)));
    while (text.size() < allowed) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, allowed - text.size()));
      const std::size_t offset = text.size();
      text.resize(offset + want);
      const zip_int64_t got = zip_fread(file.get(), text.data() + offset, want);
      if (got < 0) {
        return Fail(Unreadable(entry.name, zip_file_strerror(file.get())));
      }
      text.resize(offset + static_cast<std::size_t>(got));
      total_read_ += static_cast<std::uint64_t>(got);
      if (total_read_ > limits_.max_total_bytes) {
        return Fail(ArchiveTooLarge(
            fmt::format("its records expand to more than {} MiB", limits_.max_total_bytes >> 20)));
      }
      if (got == 0) break;
    }
    if (text.size() > entry.size) {
      return Fail(Error{ErrorKind::kPayloadTooLarge,
                        "suspiciousCompression",
                        fmt::format("{} inflates to more than the {} bytes it declares, as a zip "
                                    "bomb does; it was skipped.",
                                    entry.name, entry.size),
                        {},
                        {}});
    }
    return text;
  }

  ArchiveLimits limits_;
  OsvReader reader_;
  std::string bytes_;  // the archive, when read from memory (libzip reads it in place)
  std::unique_ptr<zip_t, ArchiveCloser> archive_;
  std::vector<ArchiveEntry> entries_;
  std::size_t next_ = 0;
  std::uint64_t total_read_ = 0;
};

}  // namespace

Result<std::unique_ptr<RecordSource>> OpenOsvDirectory(const std::filesystem::path& root,
                                                       OsvReadOptions options) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    return Fail(Error::NotFound("The advisory directory does not exist or is not a directory."));
  }
  std::vector<std::filesystem::path> files;
  std::filesystem::recursive_directory_iterator walker(
      root, std::filesystem::directory_options::skip_permission_denied, error);
  if (error) {
    return Fail(Error::NotFound("The advisory directory could not be read."));
  }
  for (; walker != std::filesystem::recursive_directory_iterator(); walker.increment(error)) {
    if (error) return Fail(Error::NotFound("The advisory directory could not be read."));
    const std::filesystem::directory_entry& entry = *walker;
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) {
      if (entry.is_directory(error)) walker.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(error) || !EncodingOf(name)) continue;
    files.push_back(entry.path());
  }
  if (error) return Fail(Error::NotFound("The advisory directory could not be read."));
  std::sort(files.begin(), files.end());
  return std::make_unique<DirectorySource>(root, std::move(files), options);
}

Result<std::unique_ptr<RecordSource>> OpenOsvZip(const std::filesystem::path& file,
                                                 ArchiveLimits limits, OsvReadOptions options) {
  int code = 0;
  zip_t* archive = zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
      return Fail(Error::NotFound("The OSV archive does not exist or cannot be opened."));
    }
    return Fail(DamagedArchive("it is not a readable ZIP archive", std::move(detail)));
  }
  auto source = std::make_unique<ZipSource>(limits, options);
  Result<void> started = source->Start(archive);
  if (!started) return Fail(std::move(started.error()));
  return source;
}

Result<std::unique_ptr<RecordSource>> OpenOsvZipBytes(std::string bytes, ArchiveLimits limits,
                                                      OsvReadOptions options) {
  auto source = std::make_unique<ZipSource>(limits, options);
  source->KeepBytes(std::move(bytes));
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer =
      zip_source_buffer_create(source->Bytes().data(), source->Bytes().size(), 0, &error);
  if (buffer == nullptr) {
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Fail(DamagedArchive("it is not a ZIP archive", std::move(detail)));
  }
  zip_t* archive = zip_open_from_source(buffer, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(buffer);  // on failure the source is still ours
    return Fail(DamagedArchive("it is not a readable ZIP archive", std::move(detail)));
  }
  zip_error_fini(&error);
  Result<void> started = source->Start(archive);
  if (!started) return Fail(std::move(started.error()));
  return std::unique_ptr<RecordSource>(std::move(source));
}

Result<LoadedRecords> LoadAll(RecordSource& source) {
  LoadedRecords loaded;
  while (true) {
    Result<std::optional<SourceItem>> item = source.Next();
    if (!item) return Fail(std::move(item.error()));
    if (!item->has_value()) break;
    SourceItem& current = **item;
    if (current.record) {
      loaded.records.push_back(std::move(*current.record));
    } else {
      loaded.rejected.push_back(
          Rejection{std::move(current.origin), std::move(current.record.error())});
    }
  }
  return loaded;
}

}  // namespace sg::advisory
