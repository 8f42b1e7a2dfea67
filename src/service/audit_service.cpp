#include "service/audit_service.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "audit/export.hpp"
#include "audit/verify.hpp"
#include "storage/audit_store.hpp"

namespace sg::service {
namespace {

namespace json = boost::json;

Result<storage::AuditQuery> QueryOf(const Caller& caller,
                                    const std::map<std::string, std::string>& filters) {
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators read the log."));
  storage::AuditQuery query;
  for (const auto& [name, value] : filters) {
    if (name == "actor") {
      query.actor = value;
    } else if (name == "action") {
      query.action = value;
    } else if (name == "object_type") {
      query.object_type = value;
    } else if (name == "object_id") {
      query.object_id = value;
    } else if (name == "from") {
      query.from = value;
    } else if (name == "to") {
      query.to = value;
    } else if (name == "q") {
      query.q = value;
    } else if (name != "page" && name != "per_page" && name != "format") {
      return Fail(Error::BadRequest(fmt::format("Unknown filter: {}.", name), "unknownParameter"));
    }
  }
  // Tenancy: a tenant administrator's view is their tenant's entries, whatever they ask.
  if (caller.role != domain::Role::kAuthority) {
    query.tenant = TenantLabel(caller);
    if (query.tenant.empty()) return Fail(Error::Forbidden());
  }
  return query;
}

json::value ChangesOf(const std::string& text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error) return json::value(text);
  return value;
}

json::object EntryJson(const storage::AuditEntry& entry) {
  return json::object{{"seq", entry.seq},
                      {"at", entry.at},
                      {"actor_id", entry.actor_id ? json::value(std::to_string(*entry.actor_id))
                                                  : json::value(nullptr)},
                      {"actor_email", entry.actor_email},
                      {"role", entry.role},
                      {"tenant", entry.tenant},
                      {"action", entry.action},
                      {"object_type", entry.object_type},
                      {"object_id", entry.object_id},
                      {"changes", ChangesOf(entry.changes_json)},
                      {"source_ip", entry.source_ip},
                      {"request_id", entry.request_id},
                      {"outcome", entry.outcome},
                      {"hash", entry.hash}};
}

}  // namespace

Result<std::pair<json::array, std::int64_t>> AuditService::Search(
    const Caller& caller, const std::map<std::string, std::string>& filters, int page,
    int per_page) {
  auto query = QueryOf(caller, filters);
  if (!query) return std::unexpected(query.error());
  query->page = page;
  query->per_page = per_page;
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  auto found = store.Search(*query);
  if (!found) return std::unexpected(found.error());
  json::array items;
  for (const auto& entry : found->items) items.push_back(EntryJson(entry));
  return std::pair{std::move(items), found->total};
}

Result<std::string> AuditService::Export(const Caller& caller,
                                         const std::map<std::string, std::string>& filters,
                                         bool csv) {
  if (caller.role != domain::Role::kAuthority) {
    return Fail(Error::Forbidden("Only the authority exports the audit log."));
  }
  auto query = QueryOf(caller, filters);
  if (!query) return std::unexpected(query.error());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  std::string out = csv ? "\xEF\xBB\xBF" : "";
  auto written = audit::ExportEntries(
      store, *query, csv ? audit::ExportFormat::kCsv : audit::ExportFormat::kJsonLines,
      [&](std::string_view chunk) -> Result<void> {
        out.append(chunk);
        if (out.size() > (std::size_t{512} << 20)) {
          return Fail(Error::TooLarge("The export is too large: narrow the filters."));
        }
        return {};
      });
  if (!written) return std::unexpected(written.error());
  if (trail_) {
    json::object details{{"format", csv ? "csv" : "jsonl"}, {"entries", *written}};
    for (const auto& [name, value] : filters) {
      if (name != "format") details[name] = value;
    }
    auto recorded = storage::InTransaction(**connection, [&]() -> Result<void> {
      return trail_->Record(**connection, caller, {"audit_log.export", "audit_log", "", details});
    });
    if (!recorded) return std::unexpected(recorded.error());
  }
  return out;
}

Result<json::object> AuditService::Verify(const Caller& caller) {
  if (caller.role != domain::Role::kAuthority) {
    return Fail(Error::Forbidden("Only the authority verifies the audit log."));
  }
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  auto report = audit::Verify(store, trusted_key_);
  if (!report) return std::unexpected(report.error());
  return json::object{
      {"ok", report->ok},
      {"entries", report->entries_checked},
      {"first_seq", report->first_seq},
      {"last_seq", report->last_seq},
      {"anchors", report->anchors},
      {"first_broken_seq",
       report->first_broken_seq ? json::value(*report->first_broken_seq) : json::value(nullptr)},
      {"reason", report->reason},
      {"summary", audit::Describe(*report)}};
}

}  // namespace sg::service
