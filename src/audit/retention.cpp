#include "audit/retention.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "audit/chain.hpp"
#include "audit/export.hpp"
#include "audit/verify.hpp"

namespace sg::audit {
namespace {

/// Bytes gathered before each write to the export file.
constexpr std::size_t kWriteBuffer = 1 << 16;

Error FileError(std::string message, std::string detail) {
  Error error = Error::Internal(std::move(detail));
  error.message = std::move(message);
  return error;
}

bool LooksLikeTime(std::string_view text) {
  if (text.size() < 10) return false;
  for (std::size_t index = 0; index < 10; ++index) {
    const bool dash = index == 4 || index == 7;
    if (dash ? text[index] != '-' : (text[index] < '0' || text[index] > '9')) return false;
  }
  return true;
}

/// The export being written: a temporary file next to its final name, and the SHA-256 of every
/// byte written. Removes what it created unless Publish succeeded and Keep was called.
class ExportFile {
 public:
  explicit ExportFile(std::filesystem::path path) : path_(std::move(path)) {
    crypto_hash_sha256_init(&hash_);
  }
  ExportFile(const ExportFile&) = delete;
  ExportFile& operator=(const ExportFile&) = delete;
  ~ExportFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!temporary_.empty()) ::unlink(temporary_.c_str());
    if (published_ && !kept_) ::unlink(path_.c_str());
  }

  Result<void> Open() {
    std::array<unsigned char, 8> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    std::array<char, 17> hex{};
    sodium_bin2hex(hex.data(), hex.size(), nonce.data(), nonce.size());
    std::filesystem::path temporary = path_;
    temporary += fmt::format(".{}.partial", hex.data());
    fd_ = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) return Fail(Failure(fmt::format("open {}: {}", temporary.string(), Errno())));
    temporary_ = std::move(temporary);
    return {};
  }

  Result<void> Write(std::string_view bytes) {
    crypto_hash_sha256_update(&hash_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    buffer_ += bytes;
    if (buffer_.size() >= kWriteBuffer) return Flush();
    return {};
  }

  /// Flushes, syncs and links the file under its final name (never replacing a file).
  Result<std::string> Publish() {
    if (auto flushed = Flush(); !flushed) return std::unexpected(flushed.error());
    if (::fsync(fd_) != 0) return Fail(Failure(fmt::format("fsync: {}", Errno())));
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return Fail(Failure(fmt::format("close: {}", Errno())));
    if (::link(temporary_.c_str(), path_.c_str()) != 0) {
      return Fail(Failure(fmt::format("link {}: {}", path_.string(), Errno())));
    }
    published_ = true;
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&hash_, digest.data());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return std::string(hex.data());
  }

  /// The transaction committed: the export stays.
  void Keep() {
    kept_ = true;
    const std::filesystem::path directory = path_.parent_path();
    const int handle =
        ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (handle >= 0) {
      ::fsync(handle);
      ::close(handle);
    }
  }

 private:
  static std::string Errno() { return std::strerror(errno); }

  Error Failure(std::string detail) const {
    return FileError(fmt::format("Cannot write the audit log export {}.", path_.string()),
                     std::move(detail));
  }

  Result<void> Flush() {
    std::string_view rest = buffer_;
    while (!rest.empty()) {
      const ssize_t written = ::write(fd_, rest.data(), rest.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return Fail(Failure(fmt::format("write: {}", Errno())));
      rest.remove_prefix(static_cast<std::size_t>(written));
    }
    buffer_.clear();
    return {};
  }

  std::filesystem::path path_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::string buffer_;
  crypto_hash_sha256_state hash_{};
  bool published_ = false;
  bool kept_ = false;
};

}  // namespace

Result<std::string> RetentionCut(std::chrono::system_clock::time_point now, int retention_months) {
  using namespace std::chrono;
  if (retention_months < kMinimumRetentionMonths) {
    return Fail(Error::Validation(
        {{"retention_months", {"tooShort"}}},
        fmt::format("Audit records are kept at least {} months.", kMinimumRetentionMonths)));
  }
  const year_month_day today(floor<days>(now));
  year_month_day cut = today - months(retention_months);
  if (!cut.ok()) cut = year_month_day(cut.year() / cut.month() / last);
  return UtcTimestamp(sys_days(cut));
}

Result<PruneReport> Prune(storage::AuditStore& store, const ServerKey& key, std::string_view cut,
                          const std::filesystem::path& export_path, std::string_view now) {
  if (!LooksLikeTime(cut)) {
    return Fail(Error::Validation({{"cut", {"invalidTime"}}},
                                  "The cut is a time (RFC 3339) or a date (YYYY-MM-DD)."));
  }
  std::error_code ignored;
  if (std::filesystem::exists(export_path, ignored)) {
    return Fail(
        Error::BadRequest(fmt::format("The export file {} exists already: choose another name.",
                                      export_path.string()),
                          "exportExists"));
  }
  PruneReport report;
  report.cut = std::string(cut);
  ExportFile file(export_path);
  auto pruned = InTransaction(store.connection(), [&]() -> Result<void> {
    if (auto locked = store.LockForAppend(); !locked) return locked;
    auto range = store.SeqRange();
    if (!range) return std::unexpected(range.error());
    if (!range->has_value()) return {};
    auto first_kept = store.FirstSeqAtOrAfter(cut);
    if (!first_kept) return std::unexpected(first_kept.error());
    const auto [oldest, newest] = **range;
    const std::int64_t cut_seq = first_kept->has_value() ? **first_kept - 1 : newest;
    if (cut_seq < oldest) return {};

    auto verified = Verify(store, key.public_key());
    if (!verified) return std::unexpected(verified.error());
    if (!verified->ok && verified->first_broken_seq.value_or(0) <= cut_seq) {
      return Fail(Error::Conflict(
          fmt::format("The audit log is broken at entry {} ({}): it is not pruned, since a "
                      "checkpoint would hide the break.",
                      verified->first_broken_seq.value_or(0), verified->reason),
          "auditLogBroken"));
    }

    if (auto opened = file.Open(); !opened) return opened;
    storage::AuditCheckpoint checkpoint{.seq = cut_seq, .at = std::string(now)};
    Result<void> written;
    auto exported = store.ForEach(
        oldest,
        [&](const storage::AuditEntry& entry) {
          written = file.Write(JsonLine(entry));
          checkpoint.hash = entry.hash;
          ++checkpoint.entries_pruned;
          return written.has_value();
        },
        cut_seq);
    if (!exported) return std::unexpected(exported.error());
    if (!written) return written;
    if (checkpoint.entries_pruned != cut_seq - oldest + 1) {
      return Fail(Error::Internal(fmt::format("prune: read {} entries from {} to {}",
                                              checkpoint.entries_pruned, oldest, cut_seq)));
    }
    auto sha256 = file.Publish();
    if (!sha256) return std::unexpected(sha256.error());
    checkpoint.export_sha256 = *sha256;
    checkpoint.signature = key.Sign(CheckpointMessage(checkpoint));
    checkpoint.public_key = key.public_key().Hex();
    auto id = store.InsertCheckpoint(checkpoint);
    if (!id) return std::unexpected(id.error());
    checkpoint.id = *id;

    auto deleted = store.DeleteThrough(cut_seq);
    if (!deleted) return std::unexpected(deleted.error());
    if (*deleted != checkpoint.entries_pruned) {
      return Fail(Error::Internal(fmt::format("prune: exported {} entries but deleted {}",
                                              checkpoint.entries_pruned, *deleted)));
    }
    report.entries_pruned = checkpoint.entries_pruned;
    report.export_path = export_path;
    report.export_sha256 = checkpoint.export_sha256;
    report.checkpoint = std::move(checkpoint);
    return {};
  });
  if (!pruned) return std::unexpected(pruned.error());
  if (report.checkpoint) file.Keep();
  return report;
}

std::string Describe(const PruneReport& report) {
  if (!report.checkpoint) {
    return fmt::format("audit log: no entries before {} to prune", report.cut);
  }
  return fmt::format(
      "audit log pruned: {} entries before {} exported to {} (sha256 {}); checkpoint #{} at entry "
      "{} signed by public key {}",
      report.entries_pruned, report.cut, report.export_path.string(), report.export_sha256,
      report.checkpoint->id, report.checkpoint->seq, report.checkpoint->public_key);
}

}  // namespace sg::audit
