#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sg::registry {

/// A compact, read-only picture of the registry's live relations, for aggregates over the whole
/// registry (the concentration view; later the exposure graph). Dates are days since 1970-01-01.
struct RegistrySnapshot {
  struct Contract {
    std::int64_t vendor = 0;
    std::int64_t agency = 0;
    std::int32_t start = 0;
    std::int32_t end = 0;
    std::int64_t amount = 0;
    std::uint32_t systems_begin = 0;  // range in `contract_systems`
    std::uint32_t systems_end = 0;
    std::uint32_t subcontractors_begin = 0;  // range in `contract_subcontractors`
    std::uint32_t subcontractors_end = 0;
  };
  struct Vendor {
    std::string tax_id;
    std::string name;
  };

  std::vector<Contract> contracts;                               // live contracts
  std::vector<std::int64_t> contract_systems;                    // live system ids
  std::vector<bool> contract_system_core;                        // parallel to contract_systems
  std::vector<std::int64_t> contract_subcontractors;             // vendor ids
  std::unordered_map<std::int64_t, std::int64_t> agency_parent;  // live agencies; 0 = none
  std::unordered_map<std::int64_t, Vendor> vendors;
  std::int64_t generation = 0;  // the registry generation it was built from
};

/// Whose contracts a concentration view counts (the caller's tenancy).
struct ConcentrationScope {
  enum class Kind { kEverything, kAgencySubtree, kVendor, kNothing };
  Kind kind = Kind::kNothing;
  std::int64_t tenant_id = 0;  // agency (subtree root) or vendor
};

/// Seed 000's table from a snapshot: per vendor, agencies served, systems and core systems run,
/// total amount, and agencies/systems reached as a named subcontractor, counting the contracts in
/// force on `as_of` (days since epoch) within `scope` and, when given, the subtree of
/// `agency_root`. A vendor scope sees its own row only. Rows are ordered by vendor tax id.
boost::json::array Concentration(const RegistrySnapshot& snapshot, const ConcentrationScope& scope,
                                 std::int32_t as_of, std::optional<std::int64_t> agency_root);

}  // namespace sg::registry
