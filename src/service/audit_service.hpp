#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>

#include "audit/server_key.hpp"
#include "service/audit_trail.hpp"
#include "service/caller.hpp"
#include "storage/db.hpp"

namespace sg::service {

/// Reading the audit log: search for the viewer, export and chain verification. The authority
/// sees every entry; a tenant's administrators see the entries of their own tenant.
class AuditService {
 public:
  AuditService(storage::Database& database, std::optional<audit::PublicKey> trusted_key,
               AuditTrail* trail)
      : database_(database), trusted_key_(std::move(trusted_key)), trail_(trail) {}

  /// `filters`: actor, action, object_type, object_id, from, to, q, page, per_page.
  Result<std::pair<boost::json::array, std::int64_t>> Search(
      const Caller& caller, const std::map<std::string, std::string>& filters, int page,
      int per_page);
  /// The filtered entries as JSON lines or CSV (the authority only); the export is itself
  /// recorded in the log.
  Result<std::string> Export(const Caller& caller,
                             const std::map<std::string, std::string>& filters, bool csv);
  Result<boost::json::object> Verify(const Caller& caller);

 private:
  storage::Database& database_;
  std::optional<audit::PublicKey> trusted_key_;
  AuditTrail* trail_;
};

}  // namespace sg::service
