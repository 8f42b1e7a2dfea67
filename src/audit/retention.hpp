#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "audit/server_key.hpp"
#include "core/error.hpp"
#include "storage/audit_store.hpp"

namespace sg::audit {

/// The law asks for at least six months of audit records; the operator may keep more.
inline constexpr int kMinimumRetentionMonths = 6;

struct PruneReport {
  std::string cut;  // entries stamped before it were pruned
  std::int64_t entries_pruned = 0;
  std::optional<storage::AuditCheckpoint> checkpoint;  // none when nothing was old enough
  std::filesystem::path export_path;                   // written only when entries were pruned
  std::string export_sha256;
};

/// The start (00:00 UTC) of the day `retention_months` calendar months before `now`'s UTC day,
/// as RFC 3339 (the 31st going back to a shorter month becomes that month's last day). Refuses a
/// retention shorter than kMinimumRetentionMonths.
Result<std::string> RetentionCut(std::chrono::system_clock::time_point now, int retention_months);

/// Prunes the oldest entries: the longest run from the oldest entry whose `at` is before `cut`
/// (RFC 3339 or YYYY-MM-DD). In one transaction, holding the appenders' lock: verifies the chain
/// up to the cut (a broken chain is not pruned: the checkpoint would launder it), writes the
/// entries as JSON lines to `export_path` (which must not exist yet), records a checkpoint of the
/// chain head at the cut with the export's SHA-256, signed with `key` and stamped `now`, and
/// deletes the entries. The export file appears only if the transaction commits.
Result<PruneReport> Prune(storage::AuditStore& store, const ServerKey& key, std::string_view cut,
                          const std::filesystem::path& export_path, std::string_view now);

/// One line for people, naming the checkpoint, the export and its SHA-256.
std::string Describe(const PruneReport& report);

}  // namespace sg::audit
