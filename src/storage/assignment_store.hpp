#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/db.hpp"

namespace sg::storage {

/// An audit assignment: what one auditor may read, and for how long. It names the audited
/// vendor and, optionally, the sampled contracts; without contracts it covers all of the
/// vendor's contracts. The auditor reads the vendor, those contracts, the systems they cover
/// and the agencies that own them, from `starts_on` to `ends_on` (inclusive), read-only.
/// (The joint-audit engagements will create these; until then the CLI and tests do.)
struct NewAssignment {
  std::int64_t auditor_id = 0;
  std::int64_t vendor_id = 0;
  std::vector<std::int64_t> contract_ids;
  std::string starts_on;  // YYYY-MM-DD
  std::string ends_on;
  std::optional<std::int64_t> created_by;
};

struct AssignmentRecord {
  std::int64_t id = 0;
  std::int64_t auditor_id = 0;
  std::string auditor_email;
  std::int64_t vendor_id = 0;
  std::string vendor_tax_id;
  std::vector<std::string> contract_keys;  // contract identifiers; empty: all of the vendor's
  std::string starts_on;
  std::string ends_on;
  std::string created_at;
  std::optional<std::string> revoked_at;
};

class AssignmentStore {
 public:
  explicit AssignmentStore(Connection& connection) : connection_(connection) {}

  Result<std::int64_t> Create(const NewAssignment& assignment, std::string_view now);
  /// False when there is no such assignment or it was revoked already.
  Result<bool> Revoke(std::int64_t id, std::string_view now);
  /// Every assignment (of one auditor when `auditor_id` is given), newest first.
  Result<std::vector<AssignmentRecord>> List(std::optional<std::int64_t> auditor_id = {});

 private:
  Connection& connection_;
};

}  // namespace sg::storage
