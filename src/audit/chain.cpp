#include "audit/chain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <system_error>

#include "auth/crypto.hpp"

namespace sg::audit {
namespace {

constexpr std::string_view kEntryTag = "sg-audit-entry-v1\n";
constexpr std::string_view kAnchorTag = "sg-audit-anchor-v1\n";
constexpr std::string_view kCheckpointTag = "sg-audit-checkpoint-v1\n";
constexpr std::array<std::string_view, 3> kOutcomes = {"success", "failure", "denied"};

void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += '\n';
}

void AppendField(std::string& out, std::int64_t value) { AppendField(out, std::to_string(value)); }

Result<storage::AuditEntry> Checked(storage::AuditEntry entry) {
  FieldErrors fields;
  if (entry.action.empty()) fields["action"].push_back("required");
  if (std::ranges::find(kOutcomes, entry.outcome) == kOutcomes.end()) {
    fields["outcome"].push_back("unknownOutcome");
  }
  std::error_code error;
  const auto changes = boost::json::parse(entry.changes_json, error);
  if (error || !changes.is_object()) fields["changes"].push_back("notJsonObject");
  for (const auto& [name, value] :
       {std::pair<std::string_view, const std::string*>{"at", &entry.at},
        {"actor_email", &entry.actor_email},
        {"role", &entry.role},
        {"tenant", &entry.tenant},
        {"action", &entry.action},
        {"object_type", &entry.object_type},
        {"object_id", &entry.object_id},
        {"changes", &entry.changes_json},
        {"source_ip", &entry.source_ip},
        {"request_id", &entry.request_id}}) {
    // PostgreSQL's text cannot hold NUL; refuse it in both dialects alike.
    if (value->find('\0') != std::string::npos) fields[std::string(name)].push_back("nulByte");
  }
  if (!fields.empty()) {
    return Fail(Error::Validation(std::move(fields), "The audit entry is invalid."));
  }
  if (entry.at.empty()) entry.at = UtcTimestamp(std::chrono::system_clock::now());
  return entry;
}

}  // namespace

std::string CanonicalEncoding(const storage::AuditEntry& entry) {
  std::string out(kEntryTag);
  out.reserve(256 + entry.changes_json.size());
  AppendField(out, entry.seq);
  AppendField(out, entry.at);
  AppendField(out, entry.actor_id ? std::to_string(*entry.actor_id) : std::string());
  AppendField(out, entry.actor_email);
  AppendField(out, entry.role);
  AppendField(out, entry.tenant);
  AppendField(out, entry.action);
  AppendField(out, entry.object_type);
  AppendField(out, entry.object_id);
  AppendField(out, entry.changes_json);
  AppendField(out, entry.source_ip);
  AppendField(out, entry.request_id);
  AppendField(out, entry.outcome);
  return out;
}

std::string EntryHash(const storage::AuditEntry& entry) {
  return auth::Sha256Hex(entry.prev_hash + CanonicalEncoding(entry));
}

std::string AnchorMessage(const storage::AuditAnchor& anchor) {
  std::string out(kAnchorTag);
  AppendField(out, anchor.seq);
  AppendField(out, anchor.hash);
  AppendField(out, anchor.at);
  return out;
}

std::string CheckpointMessage(const storage::AuditCheckpoint& checkpoint) {
  std::string out(kCheckpointTag);
  AppendField(out, checkpoint.seq);
  AppendField(out, checkpoint.hash);
  AppendField(out, checkpoint.at);
  AppendField(out, checkpoint.entries_pruned);
  AppendField(out, checkpoint.export_sha256);
  return out;
}

std::string UtcTimestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto milliseconds = floor<std::chrono::milliseconds>(time);
  const auto day = floor<days>(milliseconds);
  const year_month_day date(day);
  const hh_mm_ss clock(milliseconds - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

Result<storage::AuditEntry> Append(storage::AuditStore& store, storage::AuditEntry entry) {
  auto checked = Checked(std::move(entry));
  if (!checked) return checked;
  return store.Append(std::move(*checked), &EntryHash);
}

Result<storage::AuditEntry> AppendInTransaction(storage::AuditStore& store,
                                                storage::AuditEntry entry) {
  auto checked = Checked(std::move(entry));
  if (!checked) return checked;
  return store.AppendInTransaction(std::move(*checked), &EntryHash);
}

Result<std::optional<storage::AuditAnchor>> Anchor(storage::AuditStore& store, const ServerKey& key,
                                                   std::string_view now) {
  auto head = store.Head();
  if (!head) return std::unexpected(head.error());
  if (head->seq == 0) return std::optional<storage::AuditAnchor>{};
  auto latest = store.LatestAnchor();
  if (!latest) return std::unexpected(latest.error());
  if (*latest && (*latest)->seq == head->seq && (*latest)->hash == head->hash) {
    return std::optional<storage::AuditAnchor>{};
  }
  storage::AuditAnchor anchor{.seq = head->seq, .hash = head->hash, .at = std::string(now)};
  anchor.signature = key.Sign(AnchorMessage(anchor));
  anchor.public_key = key.public_key().Hex();
  auto id = store.InsertAnchor(anchor);
  if (!id) return std::unexpected(id.error());
  anchor.id = *id;
  return std::optional(std::move(anchor));
}

}  // namespace sg::audit
