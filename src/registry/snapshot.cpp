#include "registry/snapshot.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <unordered_set>

namespace sg::registry {
namespace {

namespace json = boost::json;

/// Agencies in the subtree of `root` (root included), from the parent links.
std::unordered_set<std::int64_t> Subtree(const RegistrySnapshot& snapshot, std::int64_t root) {
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> children;
  for (const auto& [agency, parent] : snapshot.agency_parent) {
    if (parent != 0) children[parent].push_back(agency);
  }
  std::unordered_set<std::int64_t> members{root};
  std::vector<std::int64_t> pending{root};
  while (!pending.empty()) {
    const std::int64_t agency = pending.back();
    pending.pop_back();
    const auto found = children.find(agency);
    if (found == children.end()) continue;
    for (const std::int64_t child : found->second) {
      if (members.insert(child).second) pending.push_back(child);
    }
  }
  return members;
}

/// Number of distinct second values per first value, for sorted unique pairs.
void CountDistinct(std::vector<std::pair<std::int64_t, std::int64_t>>& pairs,
                   std::unordered_map<std::int64_t, std::int64_t>& counts) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  for (const auto& [vendor, unused] : pairs) ++counts[vendor];
}

}  // namespace

json::array Concentration(const RegistrySnapshot& snapshot, const ConcentrationScope& scope,
                          std::int32_t as_of, std::optional<std::int64_t> agency_root) {
  using Kind = ConcentrationScope::Kind;
  if (scope.kind == Kind::kNothing) return {};
  std::optional<std::unordered_set<std::int64_t>> tenant_agencies;
  if (scope.kind == Kind::kAgencySubtree) tenant_agencies = Subtree(snapshot, scope.tenant_id);
  std::optional<std::unordered_set<std::int64_t>> requested_agencies;
  if (agency_root) requested_agencies = Subtree(snapshot, *agency_root);

  std::vector<std::pair<std::int64_t, std::int64_t>> vendor_agency, vendor_system, vendor_core;
  std::vector<std::pair<std::int64_t, std::int64_t>> sub_agency, sub_system;
  std::unordered_map<std::int64_t, std::int64_t> amounts;
  for (const auto& contract : snapshot.contracts) {
    if (contract.start > as_of || contract.end < as_of) continue;
    if (tenant_agencies && !tenant_agencies->contains(contract.agency)) continue;
    if (requested_agencies && !requested_agencies->contains(contract.agency)) continue;
    if (scope.kind == Kind::kVendor && contract.vendor != scope.tenant_id) {
      const auto* begin = snapshot.contract_subcontractors.data() + contract.subcontractors_begin;
      const auto* end = snapshot.contract_subcontractors.data() + contract.subcontractors_end;
      if (std::find(begin, end, scope.tenant_id) == end) continue;
    }
    vendor_agency.emplace_back(contract.vendor, contract.agency);
    amounts[contract.vendor] += contract.amount;
    for (auto index = contract.systems_begin; index < contract.systems_end; ++index) {
      const std::int64_t system = snapshot.contract_systems[index];
      vendor_system.emplace_back(contract.vendor, system);
      if (snapshot.contract_system_core[index]) vendor_core.emplace_back(contract.vendor, system);
    }
    for (auto sub = contract.subcontractors_begin; sub < contract.subcontractors_end; ++sub) {
      const std::int64_t vendor = snapshot.contract_subcontractors[sub];
      sub_agency.emplace_back(vendor, contract.agency);
      for (auto index = contract.systems_begin; index < contract.systems_end; ++index) {
        sub_system.emplace_back(vendor, snapshot.contract_systems[index]);
      }
    }
  }
  std::unordered_map<std::int64_t, std::int64_t> agencies, systems, cores, sub_agencies,
      sub_systems;
  CountDistinct(vendor_agency, agencies);
  CountDistinct(vendor_system, systems);
  CountDistinct(vendor_core, cores);
  CountDistinct(sub_agency, sub_agencies);
  CountDistinct(sub_system, sub_systems);

  std::unordered_set<std::int64_t> listed;
  for (const auto* counts : {&agencies, &sub_agencies}) {
    for (const auto& [vendor, unused] : *counts) listed.insert(vendor);
  }
  std::vector<std::pair<std::string_view, std::int64_t>> order;
  for (const std::int64_t vendor : listed) {
    // A vendor may read no other vendor: its view has its own row only.
    if (scope.kind == Kind::kVendor && vendor != scope.tenant_id) continue;
    const auto found = snapshot.vendors.find(vendor);
    if (found == snapshot.vendors.end()) continue;  // a deleted vendor
    order.emplace_back(found->second.tax_id, vendor);
  }
  std::sort(order.begin(), order.end());
  auto count = [](const std::unordered_map<std::int64_t, std::int64_t>& map, std::int64_t key) {
    const auto found = map.find(key);
    return found == map.end() ? std::int64_t{0} : found->second;
  };
  json::array items;
  items.reserve(order.size());
  for (const auto& [tax_id, vendor] : order) {
    items.push_back(json::object{{"vendor_tax_id", tax_id},
                                 {"vendor_name", snapshot.vendors.at(vendor).name},
                                 {"agencies", count(agencies, vendor)},
                                 {"systems", count(systems, vendor)},
                                 {"core_systems", count(cores, vendor)},
                                 {"amount", count(amounts, vendor)},
                                 {"subcontract_agencies", count(sub_agencies, vendor)},
                                 {"subcontract_systems", count(sub_systems, vendor)}});
  }
  return items;
}

}  // namespace sg::registry
