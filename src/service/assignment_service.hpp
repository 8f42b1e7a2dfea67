#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <vector>

#include "service/audit_trail.hpp"
#include "service/caller.hpp"
#include "storage/db.hpp"

namespace sg::service {

/// An audit assignment by natural keys, as an operator or a test gives it.
struct AssignmentRequest {
  std::string auditor_email;
  std::string vendor_tax_id;
  std::vector<std::string> contract_keys;  // empty: all of the vendor's contracts
  std::optional<std::string> starts_on;    // default today (Taiwan)
  std::optional<std::string> ends_on;      // default a year after the start
};

/// Audit assignments (storage/assignment_store.hpp): the mechanism that scopes an auditor's
/// reads. Only the authority manages them until the joint-audit engagements create them. Every
/// change moves the registry generation (cached answers depend on it) and is audit-logged.
class AssignmentService {
 public:
  AssignmentService(storage::Database& database, const Clock& clock, AuditTrail* audit = nullptr)
      : database_(database), clock_(clock), audit_(audit) {}

  Result<std::int64_t> Add(const Caller& caller, const AssignmentRequest& request);
  Result<void> Revoke(const Caller& caller, std::int64_t id);
  Result<boost::json::array> List(const Caller& caller);

 private:
  storage::Database& database_;
  const Clock& clock_;
  AuditTrail* audit_;
};

}  // namespace sg::service
