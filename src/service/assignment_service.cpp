#include "service/assignment_service.hpp"

#include <boost/json.hpp>
#include <chrono>

#include "domain/rules.hpp"
#include "registry/entity.hpp"
#include "storage/account_store.hpp"
#include "storage/assignment_store.hpp"
#include "storage/registry_store.hpp"

namespace sg::service {
namespace json = boost::json;
using registry::EntityKind;

namespace {

/// A date field: absent gives `fallback`; present must parse (ISO or ROC).
std::optional<std::chrono::year_month_day> DateOf(const std::optional<std::string>& text,
                                                  std::string_view field,
                                                  std::chrono::year_month_day fallback,
                                                  FieldErrors& errors) {
  if (!text) return fallback;
  auto parsed = domain::ParseDate(*text);
  if (!parsed) errors[std::string(field)].push_back("invalidDate");
  return parsed;
}

bool Names(const json::value* list, std::string_view tax_id) {
  if (!list || !list->is_array()) return false;
  for (const json::value& item : list->as_array()) {
    if (item.is_string() && item.as_string() == tax_id) return true;
  }
  return false;
}

}  // namespace

Result<std::int64_t> AssignmentService::Add(const Caller& caller,
                                            const AssignmentRequest& request) {
  if (caller.role != domain::Role::kAuthority) return Fail(Error::Forbidden());
  FieldErrors errors;
  const auto today = TaiwanDate(clock_.Now());
  const auto starts = DateOf(request.starts_on, "from", today, errors);
  const auto ends = DateOf(
      request.ends_on, "until",
      starts ? std::chrono::year_month_day{std::chrono::sys_days{*starts} + std::chrono::days(365)}
             : today,
      errors);
  if (starts && ends && std::chrono::sys_days{*ends} < std::chrono::sys_days{*starts}) {
    errors["until"].push_back("beforeStart");
  }

  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AccountStore accounts(**connection);
  storage::RegistryStore registry(**connection);
  const std::string now = FormatTimestamp(clock_.Now());
  return storage::InTransaction(**connection, [&]() -> Result<std::int64_t> {
    storage::NewAssignment assignment;
    auto auditor = accounts.FindUserByEmail(request.auditor_email);
    if (!auditor) return std::unexpected(auditor.error());
    if (!*auditor) {
      errors["auditor"].push_back("unknown");
    } else if ((*auditor)->role != "auditor") {
      errors["auditor"].push_back("notAnAuditor");
    } else {
      assignment.auditor_id = (*auditor)->id;
    }
    auto vendor = registry.FindByKey(EntityKind::kVendor, request.vendor_tax_id);
    if (!vendor) return std::unexpected(vendor.error());
    if (!*vendor || (*vendor)->deleted) {
      errors["vendor"].push_back("unknown");
    } else {
      assignment.vendor_id = (*vendor)->id;
    }
    const registry::EntityDef& contracts = registry::Definition(EntityKind::kContract);
    for (const std::string& key : request.contract_keys) {
      auto found = registry.FindByKey(EntityKind::kContract, key);
      if (!found) return std::unexpected(found.error());
      if (!*found || (*found)->deleted) {
        errors["contracts"].push_back("unknown:" + key);
        continue;
      }
      auto record = registry.Load(contracts, (*found)->id);
      if (!record) return std::unexpected(record.error());
      // A sampled contract is one the audited vendor holds or is a named subcontractor on.
      const json::value* holder = *record ? (*record)->if_contains("vendor_tax_id") : nullptr;
      const bool holds =
          holder && holder->is_string() && holder->as_string() == request.vendor_tax_id;
      if (!holds && !Names(*record ? (*record)->if_contains("subcontractor_tax_ids") : nullptr,
                           request.vendor_tax_id)) {
        errors["contracts"].push_back("notTheVendors:" + key);
        continue;
      }
      assignment.contract_ids.push_back((*found)->id);
    }
    if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
    assignment.starts_on = domain::ToIsoDate(*starts);
    assignment.ends_on = domain::ToIsoDate(*ends);
    assignment.created_by = caller.user_id;
    auto id = storage::AssignmentStore(**connection).Create(assignment, now);
    if (!id) return id;
    if (auto bumped = registry.BumpGeneration(); !bumped) return std::unexpected(bumped.error());
    if (audit_) {
      json::array keys;
      for (const std::string& key : request.contract_keys) keys.emplace_back(key);
      AuditEvent event{"audit_assignment.create", "audit_assignment", std::to_string(*id),
                       json::object{{"auditor", request.auditor_email},
                                    {"vendor", request.vendor_tax_id},
                                    {"contracts", std::move(keys)},
                                    {"from", assignment.starts_on},
                                    {"until", assignment.ends_on}}};
      if (auto recorded = audit_->Record(**connection, caller, event); !recorded) {
        return std::unexpected(recorded.error());
      }
    }
    return id;
  });
}

Result<void> AssignmentService::Revoke(const Caller& caller, std::int64_t id) {
  if (caller.role != domain::Role::kAuthority) return Fail(Error::Forbidden());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  const std::string now = FormatTimestamp(clock_.Now());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    auto revoked = storage::AssignmentStore(**connection).Revoke(id, now);
    if (!revoked) return std::unexpected(revoked.error());
    if (!*revoked) return Fail(Error::NotFound("No such active audit assignment."));
    if (auto bumped = storage::RegistryStore(**connection).BumpGeneration(); !bumped) {
      return bumped;
    }
    if (!audit_) return {};
    return audit_->Record(**connection, caller,
                          AuditEvent{"audit_assignment.revoke", "audit_assignment",
                                     std::to_string(id), json::object{}});
  });
}

Result<json::array> AssignmentService::List(const Caller& caller) {
  if (caller.role != domain::Role::kAuthority) return Fail(Error::Forbidden());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto assignments = storage::AssignmentStore(**connection).List();
  if (!assignments) return std::unexpected(assignments.error());
  json::array out;
  for (const storage::AssignmentRecord& record : *assignments) {
    json::array contracts;
    for (const std::string& key : record.contract_keys) contracts.emplace_back(key);
    out.push_back(json::object{{"id", record.id},
                               {"auditor", record.auditor_email},
                               {"vendor_tax_id", record.vendor_tax_id},
                               {"contracts", std::move(contracts)},
                               {"from", record.starts_on},
                               {"until", record.ends_on},
                               {"created_at", record.created_at},
                               {"revoked_at", record.revoked_at ? json::value(*record.revoked_at)
                                                                : json::value(nullptr)}});
  }
  return out;
}

}  // namespace sg::service
