#include "storage/audit_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "storage/audit_schema.hpp"

namespace sg::storage {
namespace {

constexpr std::string_view kEntryColumns =
    "seq, at, actor_id, actor_email, role, tenant, action, object_type, object_id, changes, "
    "source_ip, request_id, outcome, prev_hash, hash";
constexpr std::string_view kInsertEntry =
    "INSERT INTO audit_log (seq, at, actor_id, actor_email, role, tenant, action, object_type, "
    "object_id, changes, source_ip, request_id, outcome, prev_hash, hash) VALUES ($1, $2, $3, $4, "
    "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
// Only PostgreSQL needs it: SQLite's BEGIN IMMEDIATE already holds the database's write lock.
// A row lock rather than the unique-violation retry alone, so that an append can share the
// transaction of the change it records (a failed INSERT aborts a PostgreSQL transaction, and
// with it that change) and so that many processes appending at once do not retry in turns.
constexpr std::string_view kLockForAppend =
    "SELECT id FROM audit_append_lock WHERE id = 1 FOR UPDATE";
constexpr std::string_view kLastEntry = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kLastCheckpointHead =
    "SELECT seq, hash FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1";
constexpr std::string_view kSeqRange = "SELECT MIN(seq), MAX(seq) FROM audit_log";
constexpr std::string_view kFirstSeqAtOrAfter = "SELECT MIN(seq) FROM audit_log WHERE at >= $1";

constexpr std::string_view kAnchorColumns = "id, seq, hash, at, signature, public_key";
constexpr std::string_view kInsertAnchor =
    "INSERT INTO audit_anchors (seq, hash, at, signature, public_key) VALUES ($1, $2, $3, $4, $5) "
    "RETURNING id";
constexpr std::string_view kCheckpointColumns =
    "id, seq, hash, at, entries_pruned, export_sha256, signature, public_key";
constexpr std::string_view kInsertCheckpoint =
    "INSERT INTO audit_checkpoints (seq, hash, at, entries_pruned, export_sha256, signature, "
    "public_key) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

constexpr std::string_view kDeleteThrough = "DELETE FROM audit_log WHERE seq <= $1";
// PostgreSQL: the delete guard lets rows up to this seq go while the transaction lasts.
constexpr std::string_view kSetPruneCut = "SELECT set_config('supplyguard.audit_prune', $1, true)";
// SQLite has no session settings a trigger could read: the prune transaction drops the delete
// guard and re-creates it before it commits, so no other connection ever sees the table without it.
constexpr std::string_view kDropSqliteDeleteGuard = "DROP TRIGGER audit_log_no_delete";

/// Entries read per query by ForEach.
constexpr std::int64_t kForEachBatch = 1000;
/// Append's attempts when another appender took the same seq or the database was busy.
constexpr int kAppendAttempts = 8;
constexpr int kMaxPerPage = 1000;

std::int64_t Integer(const std::optional<std::string>& cell) {
  return cell ? std::stoll(*cell) : 0;
}

Param OptionalParam(const std::optional<std::int64_t>& value) {
  return value ? Param{*value} : Param{nullptr};
}

AuditEntry ReadEntry(const Row& row) {
  AuditEntry entry;
  entry.seq = Integer(row[0]);
  entry.at = row[1].value_or("");
  if (row[2]) entry.actor_id = std::stoll(*row[2]);
  entry.actor_email = row[3].value_or("");
  entry.role = row[4].value_or("");
  entry.tenant = row[5].value_or("");
  entry.action = row[6].value_or("");
  entry.object_type = row[7].value_or("");
  entry.object_id = row[8].value_or("");
  entry.changes_json = row[9].value_or("");
  entry.source_ip = row[10].value_or("");
  entry.request_id = row[11].value_or("");
  entry.outcome = row[12].value_or("");
  entry.prev_hash = row[13].value_or("");
  entry.hash = row[14].value_or("");
  return entry;
}

AuditAnchor ReadAnchor(const Row& row) {
  return AuditAnchor{.id = Integer(row[0]),
                     .seq = Integer(row[1]),
                     .hash = row[2].value_or(""),
                     .at = row[3].value_or(""),
                     .signature = row[4].value_or(""),
                     .public_key = row[5].value_or("")};
}

AuditCheckpoint ReadCheckpoint(const Row& row) {
  return AuditCheckpoint{.id = Integer(row[0]),
                         .seq = Integer(row[1]),
                         .hash = row[2].value_or(""),
                         .at = row[3].value_or(""),
                         .entries_pruned = Integer(row[4]),
                         .export_sha256 = row[5].value_or(""),
                         .signature = row[6].value_or(""),
                         .public_key = row[7].value_or("")};
}

bool IsRetryable(const Error& error) {
  return error.code == "uniqueViolation" || error.code == "retry";
}

/// `%text%` for LIKE … ESCAPE '\', with the wildcards of `text` escaped.
std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (const char character : text) {
    if (character == '%' || character == '_' || character == '\\') pattern.push_back('\\');
    pattern.push_back(character);
  }
  pattern.push_back('%');
  return pattern;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && text.size() <= 18 && std::ranges::all_of(text, [](char character) {
    return character >= '0' && character <= '9';
  });
}

/// A WHERE clause under construction; values are bound as $n, never spliced into the SQL.
class Conditions {
 public:
  std::string Bind(Param value) {
    params_.push_back(std::move(value));
    return fmt::format("${}", params_.size());
  }
  void Add(std::string condition) {
    sql_ += sql_.empty() ? " WHERE " : " AND ";
    sql_ += condition;
  }
  const std::string& sql() const { return sql_; }
  const std::vector<Param>& params() const { return params_; }

 private:
  std::string sql_;
  std::vector<Param> params_;
};

Conditions Filter(const AuditQuery& query) {
  Conditions where;
  if (!query.actor.empty()) {
    const std::string email = where.Bind(ContainsPattern(query.actor));
    if (AllDigits(query.actor)) {
      where.Add(fmt::format("(actor_id = {} OR LOWER(actor_email) LIKE LOWER({}) ESCAPE '\\')",
                            where.Bind(std::stoll(query.actor)), email));
    } else {
      where.Add(fmt::format("LOWER(actor_email) LIKE LOWER({}) ESCAPE '\\'", email));
    }
  }
  const auto exact = [&where](std::string_view column, const std::string& value) {
    if (!value.empty()) where.Add(fmt::format("{} = {}", column, where.Bind(value)));
  };
  exact("action", query.action);
  exact("object_type", query.object_type);
  exact("object_id", query.object_id);
  exact("tenant", query.tenant);
  if (!query.from.empty()) where.Add(fmt::format("at >= {}", where.Bind(query.from)));
  if (!query.to.empty()) {
    // Every `at` has the same shape, so text order is time order; a bare date means its end.
    const std::string to = query.to.size() == 10 ? query.to + "T23:59:59.999Z" : query.to;
    where.Add(fmt::format("at <= {}", where.Bind(to)));
  }
  if (!query.q.empty()) {
    const std::string pattern = where.Bind(ContainsPattern(query.q));
    // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    where.Add(fmt::format(
        "(LOWER(object_id) LIKE LOWER({0}) ESCAPE '\\' OR LOWER(actor_email) LIKE LOWER({0}) "
        "ESCAPE '\\' OR LOWER(changes) LIKE LOWER({0}) ESCAPE '\\')",
        pattern));
  }
  if (query.after_seq) where.Add(fmt::format("seq > {}", where.Bind(*query.after_seq)));
  return where;
}

}  // namespace

Result<void> AuditStore::LockForAppend() {
  if (connection_.dialect() == Dialect::kSqlite) return {};
  auto locked = connection_.Query(kLockForAppend);
  if (!locked) return std::unexpected(locked.error());
  return {};
}

Result<AuditEntry> AuditStore::AppendInTransaction(AuditEntry entry, const AuditHasher& hasher) {
  if (auto locked = LockForAppend(); !locked) return std::unexpected(locked.error());
  auto head = Head();
  if (!head) return std::unexpected(head.error());
  entry.seq = head->seq + 1;
  entry.prev_hash = std::move(head->hash);
  entry.hash = hasher(entry);
  auto inserted = connection_.Query(
      kInsertEntry,
      {entry.seq, entry.at, OptionalParam(entry.actor_id), entry.actor_email, entry.role,
       entry.tenant, entry.action, entry.object_type, entry.object_id, entry.changes_json,
       entry.source_ip, entry.request_id, entry.outcome, entry.prev_hash, entry.hash});
  if (!inserted) return std::unexpected(inserted.error());
  return entry;
}

Result<AuditEntry> AuditStore::Append(AuditEntry entry, const AuditHasher& hasher) {
  for (int attempt = 1;; ++attempt) {
    auto appended = InTransaction(
        connection_, [&]() -> Result<AuditEntry> { return AppendInTransaction(entry, hasher); });
    if (appended || attempt == kAppendAttempts || !IsRetryable(appended.error())) return appended;
  }
}

Result<AuditPage> AuditStore::Search(const AuditQuery& query) {
  if (query.page < 1 || query.per_page < 1 || query.per_page > kMaxPerPage) {
    FieldErrors fields;
    if (query.page < 1) fields["page"].push_back("outOfRange");
    if (query.per_page < 1 || query.per_page > kMaxPerPage) {
      fields["per_page"].push_back("outOfRange");
    }
    return Fail(Error::Validation(std::move(fields)));
  }
  Conditions where = Filter(query);
  AuditPage page;
  if (query.with_total) {
    auto counted =
        connection_.Query("SELECT COUNT(*) FROM audit_log" + where.sql(), where.params());
    if (!counted) return std::unexpected(counted.error());
    page.total = Integer(counted->rows.at(0).at(0));
  }

  const std::string limit = where.Bind(std::int64_t{query.per_page});
  const std::string offset =
      where.Bind(static_cast<std::int64_t>(query.page - 1) * std::int64_t{query.per_page});
  const std::string sql =
      fmt::format("SELECT {} FROM audit_log{} ORDER BY seq {} LIMIT {} OFFSET {}", kEntryColumns,
                  where.sql(), query.descending ? "DESC" : "ASC", limit, offset);
  auto rows = connection_.Query(sql, where.params());
  if (!rows) return std::unexpected(rows.error());
  page.items.reserve(rows->rows.size());
  for (const Row& row : rows->rows) page.items.push_back(ReadEntry(row));
  return page;
}

Result<void> AuditStore::ForEach(std::int64_t from_seq,
                                 const std::function<bool(const AuditEntry&)>& visit,
                                 std::int64_t through_seq) {
  const std::string sql =
      fmt::format("SELECT {} FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                  kEntryColumns);
  std::int64_t next = from_seq;
  while (next <= through_seq) {
    auto rows = connection_.Query(sql, {next, through_seq, kForEachBatch});
    if (!rows) return std::unexpected(rows.error());
    for (const Row& row : rows->rows) {
      const AuditEntry entry = ReadEntry(row);
      if (!visit(entry)) return {};
      next = entry.seq + 1;
    }
    if (static_cast<std::int64_t>(rows->rows.size()) < kForEachBatch) break;
  }
  return {};
}

Result<std::optional<AuditEntry>> AuditStore::FindEntry(std::int64_t seq) {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM audit_log WHERE seq = $1", kEntryColumns), {seq});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<AuditEntry>{};
  return std::optional<AuditEntry>(ReadEntry(rows->rows.front()));
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> AuditStore::SeqRange() {
  auto rows = connection_.Query(kSeqRange);
  if (!rows) return std::unexpected(rows.error());
  const Row& row = rows->rows.at(0);
  if (!row.at(0) || !row.at(1)) return std::optional<std::pair<std::int64_t, std::int64_t>>{};
  return std::optional(std::pair(Integer(row[0]), Integer(row[1])));
}

Result<AuditHead> AuditStore::Head() {
  for (const std::string_view sql : {kLastEntry, kLastCheckpointHead}) {
    auto rows = connection_.Query(sql);
    if (!rows) return std::unexpected(rows.error());
    if (!rows->rows.empty()) {
      return AuditHead{.seq = Integer(rows->rows[0][0]), .hash = rows->rows[0][1].value_or("")};
    }
  }
  return AuditHead{.seq = 0, .hash = std::string(kGenesisHash)};
}

Result<std::optional<std::int64_t>> AuditStore::FirstSeqAtOrAfter(std::string_view at) {
  auto rows = connection_.Query(kFirstSeqAtOrAfter, {std::string(at)});
  if (!rows) return std::unexpected(rows.error());
  const auto& cell = rows->rows.at(0).at(0);
  if (!cell) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(std::stoll(*cell));
}

Result<std::int64_t> AuditStore::InsertAnchor(const AuditAnchor& anchor) {
  auto rows = connection_.Query(
      kInsertAnchor, {anchor.seq, anchor.hash, anchor.at, anchor.signature, anchor.public_key});
  if (!rows) return std::unexpected(rows.error());
  return Integer(rows->rows.at(0).at(0));
}

Result<std::vector<AuditAnchor>> AuditStore::Anchors() {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM audit_anchors ORDER BY seq, id", kAnchorColumns));
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditAnchor> anchors;
  anchors.reserve(rows->rows.size());
  for (const Row& row : rows->rows) anchors.push_back(ReadAnchor(row));
  return anchors;
}

Result<std::optional<AuditAnchor>> AuditStore::LatestAnchor() {
  auto rows = connection_.Query(fmt::format(
      "SELECT {} FROM audit_anchors ORDER BY seq DESC, id DESC LIMIT 1", kAnchorColumns));
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<AuditAnchor>{};
  return std::optional(ReadAnchor(rows->rows.front()));
}

Result<std::int64_t> AuditStore::InsertCheckpoint(const AuditCheckpoint& checkpoint) {
  auto rows = connection_.Query(
      kInsertCheckpoint, {checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.entries_pruned,
                          checkpoint.export_sha256, checkpoint.signature, checkpoint.public_key});
  if (!rows) return std::unexpected(rows.error());
  return Integer(rows->rows.at(0).at(0));
}

Result<std::vector<AuditCheckpoint>> AuditStore::Checkpoints() {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM audit_checkpoints ORDER BY seq, id", kCheckpointColumns));
  if (!rows) return std::unexpected(rows.error());
  std::vector<AuditCheckpoint> checkpoints;
  checkpoints.reserve(rows->rows.size());
  for (const Row& row : rows->rows) checkpoints.push_back(ReadCheckpoint(row));
  return checkpoints;
}

Result<std::optional<AuditCheckpoint>> AuditStore::LatestCheckpoint() {
  auto rows = connection_.Query(fmt::format(
      "SELECT {} FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1", kCheckpointColumns));
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<AuditCheckpoint>{};
  return std::optional(ReadCheckpoint(rows->rows.front()));
}

Result<std::int64_t> AuditStore::DeleteThrough(std::int64_t checkpoint_seq) {
  if (connection_.dialect() == Dialect::kPostgres) {
    auto opened = connection_.Query(kSetPruneCut, {std::to_string(checkpoint_seq)});
    if (!opened) return std::unexpected(opened.error());
    auto deleted = connection_.Query(kDeleteThrough, {checkpoint_seq});
    if (!deleted) return std::unexpected(deleted.error());
    auto closed = connection_.Query(kSetPruneCut, {std::string()});
    if (!closed) return std::unexpected(closed.error());
    return deleted->affected;
  }
  if (auto dropped = connection_.ExecScript(kDropSqliteDeleteGuard); !dropped) {
    return std::unexpected(dropped.error());
  }
  auto deleted = connection_.Query(kDeleteThrough, {checkpoint_seq});
  if (!deleted) return std::unexpected(deleted.error());
  if (auto restored = connection_.ExecScript(kAuditLogSqliteDeleteGuard); !restored) {
    return std::unexpected(restored.error());
  }
  return deleted->affected;
}

}  // namespace sg::storage
