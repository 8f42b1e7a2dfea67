#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "service/caller.hpp"
#include "storage/db.hpp"

namespace sg::service {

/// One event for the audit log: what happened to which object, and how it went.
struct AuditEvent {
  std::string action;       // e.g. session.sign_in, record.update (docs/IDENTITY-API.md)
  std::string object_type;  // user, session, token, agencies, contracts, …
  std::string object_id;
  boost::json::object changes;      // field: {"from", "to"}, or details; never secrets
  std::string outcome = "success";  // success, failure, denied
};

/// Where services write audit events: in the same transaction as the change they record, so a
/// change and its entry are committed together or not at all.
class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  virtual Result<void> Record(storage::Connection& connection, const Caller& caller,
                              const AuditEvent& event) = 0;
};

/// The tenant label of a caller for the audit log: "authority", "agency:CODE", "vendor:TAXID".
std::string TenantLabel(const Caller& caller);

}  // namespace sg::service

namespace sg::service {

/// The audit trail kept in the database's hash-chained audit log (src/audit).
class StoreAuditTrail final : public AuditTrail {
 public:
  explicit StoreAuditTrail(const Clock& clock) : clock_(clock) {}
  Result<void> Record(storage::Connection& connection, const Caller& caller,
                      const AuditEvent& event) override;
  /// Called with the error whenever an entry cannot be appended (the operator's real-time
  /// notice, 附表十); set once at start-up, before requests are served.
  void SetFailureHandler(std::function<void(const Error&)> handler) {
    on_failure_ = std::move(handler);
  }

 private:
  const Clock& clock_;
  std::function<void(const Error&)> on_failure_;
};

}  // namespace sg::service
