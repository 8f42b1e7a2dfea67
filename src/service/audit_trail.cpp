#include "service/audit_trail.hpp"

#include <boost/json.hpp>

#include "audit/chain.hpp"
#include "storage/audit_store.hpp"

namespace sg::service {

Result<void> StoreAuditTrail::Record(storage::Connection& connection, const Caller& caller,
                                     const AuditEvent& event) {
  storage::AuditEntry entry;
  entry.at = FormatTimestamp(clock_.Now());
  entry.actor_id = caller.user_id;
  entry.actor_email = caller.email;
  entry.role = caller.user_id || caller.request_id == "cli"
                   ? std::string(domain::ToString(caller.role))
                   : std::string();
  entry.tenant = caller.user_id || caller.request_id == "cli" ? TenantLabel(caller) : std::string();
  entry.action = event.action;
  entry.object_type = event.object_type;
  entry.object_id = event.object_id;
  entry.changes_json = boost::json::serialize(event.changes);
  entry.source_ip = caller.source_ip;
  entry.request_id = caller.request_id;
  entry.outcome = event.outcome;
  storage::AuditStore store(connection);
  auto appended = audit::AppendInTransaction(store, std::move(entry));
  if (!appended) {
    if (on_failure_) on_failure_(appended.error());
    return std::unexpected(appended.error());
  }
  return {};
}

}  // namespace sg::service
