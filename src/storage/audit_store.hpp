#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/db.hpp"

namespace sg::storage {

/// The `prev_hash` of the first entry of a log that has never been pruned: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit log (稽核紀錄). Times are RFC 3339 UTC with milliseconds.
struct AuditEntry {
  std::int64_t seq = 0;       // 1, 2, 3, … assigned by Append
  std::string at{};           // when it happened; Append's caller sets it
  std::string actor_email{};  // empty for an unknown account
  std::string role{};
  std::string tenant{};  // "agency:A0101", "vendor:04595252", "authority" or empty
  std::string action{};  // session.sign_in, record.update, … (docs/IDENTITY-API.md)
  std::string object_type{};
  std::string object_id{};
  std::string changes_json = "{}";  // fields before → after; never passwords or tokens
  std::string source_ip{};
  std::string request_id{};
  std::string outcome = "success";  // "success", "failure" or "denied"
  std::string prev_hash{};          // the previous entry's hash (set by Append)
  std::string hash{};               // SHA-256 over prev_hash and this entry (set by Append)
  std::optional<std::int64_t> actor_id{};
};

/// The newest link of the chain: the last entry, or the latest checkpoint when every entry has
/// been pruned, or seq 0 with kGenesisHash for an empty log.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash{};
};

/// A chain head signed with the server's Ed25519 key; hex signature and public key.
struct AuditAnchor {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::string hash{};
  std::string at{};
  std::string signature{};
  std::string public_key{};
};

/// A retention cut: entries up to `seq` were exported (the export's SHA-256 is recorded) and
/// deleted; `hash` is entry `seq`'s, from which the chain continues. Signed like an anchor.
struct AuditCheckpoint {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::string hash{};
  std::string at{};
  std::int64_t entries_pruned = 0;
  std::string export_sha256{};
  std::string signature{};
  std::string public_key{};
};

/// Filters of the audit-log viewer; empty means "any". Tenancy: a tenant administrator's query
/// carries their tenant, the authority's none.
struct AuditQuery {
  std::string actor{};        // an actor id (all digits) or part of an e-mail address
  std::string action{};       // exact
  std::string object_type{};  // exact
  std::string object_id{};    // exact
  std::string from{};         // at >= from (RFC 3339 or YYYY-MM-DD)
  std::string to{};           // at <= to; a bare date YYYY-MM-DD includes that whole day (UTC)
  std::string tenant{};       // exact
  std::string q{};            // part of object_id, actor_email or changes (case-insensitive ASCII)
  std::optional<std::int64_t> after_seq{};  // seq > after_seq (keyset paging, exports)
  int page = 1;
  int per_page = 50;
  bool descending = true;  // newest first
  bool with_total = true;  // false skips counting (exports page through everything anyway)
};

struct AuditPage {
  std::vector<AuditEntry> items;
  std::int64_t total = 0;  // entries matching the filters, over all pages (0 without with_total)
};

/// Computes an entry's hash from its fields, seq and prev_hash included: audit::EntryHash.
/// (The chain's encoding belongs to the audit module; the store only runs SQL.)
using AuditHasher = std::function<std::string(const AuditEntry&)>;

/// The audit log's tables over one Connection, in either dialect. The tables are append-only
/// (triggers, see audit_schema.hpp); the chain's rules live in src/audit.
class AuditStore {
 public:
  explicit AuditStore(Connection& connection) : connection_(connection) {}

  Connection& connection() { return connection_; }

  /// Appends `entry` (its seq, prev_hash and hash are ignored and set here) in a transaction of
  /// its own and returns it as stored. Safe from several threads and processes: PostgreSQL
  /// appenders lock `audit_append_lock` before reading the head, SQLite's serialise on BEGIN
  /// IMMEDIATE, and a duplicate seq (an appender that skipped the lock) fails on the primary key
  /// and is retried.
  Result<AuditEntry> Append(AuditEntry entry, const AuditHasher& hasher);
  /// The same inside a transaction the caller has begun on this connection, so that the entry
  /// commits or rolls back with the change it records. On PostgreSQL the lock is then held until
  /// the caller's transaction ends.
  Result<AuditEntry> AppendInTransaction(AuditEntry entry, const AuditHasher& hasher);

  /// Takes the appenders' lock until the current transaction ends (PostgreSQL; a no-op on
  /// SQLite, whose BEGIN IMMEDIATE already excludes other writers).
  Result<void> LockForAppend();

  Result<AuditPage> Search(const AuditQuery& query);
  /// Calls `visit` for every entry with from_seq <= seq <= through_seq in seq order, reading in
  /// batches so that memory stays bounded; stops early when `visit` returns false.
  Result<void> ForEach(std::int64_t from_seq, const std::function<bool(const AuditEntry&)>& visit,
                       std::int64_t through_seq = std::numeric_limits<std::int64_t>::max());
  Result<std::optional<AuditEntry>> FindEntry(std::int64_t seq);
  /// The lowest and highest seq present; nullopt for an empty table.
  Result<std::optional<std::pair<std::int64_t, std::int64_t>>> SeqRange();
  Result<AuditHead> Head();
  /// The first seq whose `at` is at or after `at`; nullopt when none is.
  Result<std::optional<std::int64_t>> FirstSeqAtOrAfter(std::string_view at);

  Result<std::int64_t> InsertAnchor(const AuditAnchor& anchor);
  /// Every anchor, by seq then id.
  Result<std::vector<AuditAnchor>> Anchors();
  Result<std::optional<AuditAnchor>> LatestAnchor();

  Result<std::int64_t> InsertCheckpoint(const AuditCheckpoint& checkpoint);
  /// Every checkpoint, by seq then id.
  Result<std::vector<AuditCheckpoint>> Checkpoints();
  Result<std::optional<AuditCheckpoint>> LatestCheckpoint();

  /// Deletes the entries with seq <= `checkpoint_seq` and returns how many. Must run inside the
  /// transaction that inserted the checkpoint at `checkpoint_seq` (audit::Prune does): PostgreSQL
  /// allows it through `supplyguard.audit_prune`, SQLite by dropping and re-creating the delete
  /// trigger.
  Result<std::int64_t> DeleteThrough(std::int64_t checkpoint_seq);

 private:
  Connection& connection_;
};

}  // namespace sg::storage
