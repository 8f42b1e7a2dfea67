#include "storage/assignment_store.hpp"

#include <fmt/format.h>

#include <map>

namespace sg::storage {
namespace {

constexpr std::string_view kInsertAssignment =
    "INSERT INTO audit_assignments (auditor_id, vendor_id, starts_on, ends_on, created_by, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kInsertAssignmentContract =
    "INSERT INTO audit_assignment_contracts (assignment_id, contract_id) VALUES ($1, $2)";
constexpr std::string_view kRevokeAssignment =
    "UPDATE audit_assignments SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
constexpr std::string_view kSelectAssignments =
    "SELECT aa.id, aa.auditor_id, u.email, aa.vendor_id, v.tax_id, aa.starts_on, aa.ends_on, "
    "aa.created_at, aa.revoked_at FROM audit_assignments aa JOIN users u ON u.id = aa.auditor_id "
    "JOIN vendors v ON v.id = aa.vendor_id";
constexpr std::string_view kSelectAssignmentContracts =
    "SELECT ac.assignment_id, c.contract_id FROM audit_assignment_contracts ac JOIN contracts c "
    "ON c.id = ac.contract_id ORDER BY c.contract_id";

}  // namespace

Result<std::int64_t> AssignmentStore::Create(const NewAssignment& assignment,
                                             std::string_view now) {
  const Param created_by = assignment.created_by ? Param{*assignment.created_by} : Param{nullptr};
  auto inserted = connection_.Query(
      kInsertAssignment, {assignment.auditor_id, assignment.vendor_id, assignment.starts_on,
                          assignment.ends_on, created_by, std::string(now)});
  if (!inserted) return std::unexpected(inserted.error());
  const std::int64_t id = std::stoll(*inserted->rows.at(0).at(0));
  for (const std::int64_t contract : assignment.contract_ids) {
    if (auto added = connection_.Query(kInsertAssignmentContract, {id, contract}); !added) {
      return std::unexpected(added.error());
    }
  }
  return id;
}

Result<bool> AssignmentStore::Revoke(std::int64_t id, std::string_view now) {
  auto done = connection_.Query(kRevokeAssignment, {std::string(now), id});
  if (!done) return std::unexpected(done.error());
  return done->affected > 0;
}

Result<std::vector<AssignmentRecord>> AssignmentStore::List(
    std::optional<std::int64_t> auditor_id) {
  auto rows = auditor_id
                  ? connection_.Query(fmt::format("{} WHERE aa.auditor_id = $1 ORDER BY "
                                                  "aa.id DESC",
                                                  kSelectAssignments),
                                      {*auditor_id})
                  : connection_.Query(fmt::format("{} ORDER BY aa.id DESC", kSelectAssignments));
  if (!rows) return std::unexpected(rows.error());
  auto contracts = connection_.Query(kSelectAssignmentContracts);
  if (!contracts) return std::unexpected(contracts.error());
  std::map<std::int64_t, std::vector<std::string>> contracts_of;
  for (const Row& row : contracts->rows) contracts_of[std::stoll(*row[0])].push_back(*row[1]);
  std::vector<AssignmentRecord> assignments;
  for (const Row& row : rows->rows) {
    AssignmentRecord record;
    record.id = std::stoll(*row[0]);
    record.auditor_id = std::stoll(*row[1]);
    record.auditor_email = *row[2];
    record.vendor_id = std::stoll(*row[3]);
    record.vendor_tax_id = *row[4];
    record.starts_on = *row[5];
    record.ends_on = *row[6];
    record.created_at = *row[7];
    record.revoked_at = row[8];
    if (auto found = contracts_of.find(record.id); found != contracts_of.end()) {
      record.contract_keys = found->second;
    }
    assignments.push_back(std::move(record));
  }
  return assignments;
}

}  // namespace sg::storage
