#include "registry/snapshot.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sg::registry {
namespace {

namespace json = boost::json;
using Kind = ConcentrationScope::Kind;

/// Agencies 1 > 2 > 3 and 4; vendors 10 (main) and 11 (its subcontractor on contract 1).
/// Contract 1: agency 2, vendor 10, days 100–200, systems 20 (core) and 21, sub 11.
/// Contract 2: agency 4, vendor 10, days 100–150, system 22.
/// Contract 3: agency 3, vendor 11, days 300–400, system 20.
RegistrySnapshot Sample() {
  RegistrySnapshot snapshot;
  snapshot.agency_parent = {{1, 0}, {2, 1}, {3, 2}, {4, 0}};
  snapshot.vendors = {{10, {"04595252", "Main"}}, {11, {"22099131", "Sub"}}};
  snapshot.contract_systems = {20, 21, 22, 20};
  snapshot.contract_system_core = {true, false, false, true};
  snapshot.contract_subcontractors = {11};
  snapshot.contracts = {{10, 2, 100, 200, 1000, 0, 2, 0, 1},
                        {10, 4, 100, 150, 500, 2, 3, 1, 1},
                        {11, 3, 300, 400, 70, 3, 4, 1, 1}};
  return snapshot;
}

json::object Row(const json::array& items, std::string_view tax_id) {
  for (const auto& item : items) {
    if (item.as_object().at("vendor_tax_id").as_string() == tax_id) return item.as_object();
  }
  return {};
}

TEST(Concentration, CountsDistinctAgenciesSystemsAndCoreSystemsOfContractsInForce) {
  const auto items = Concentration(Sample(), {Kind::kEverything, 0}, 120, std::nullopt);
  ASSERT_EQ(items.size(), 2u);
  const auto main_vendor = Row(items, "04595252");
  EXPECT_EQ(main_vendor.at("agencies"), 2);
  EXPECT_EQ(main_vendor.at("systems"), 3);
  EXPECT_EQ(main_vendor.at("core_systems"), 1);
  EXPECT_EQ(main_vendor.at("amount"), 1500);
  const auto sub_vendor = Row(items, "22099131");
  EXPECT_EQ(sub_vendor.at("agencies"), 0);
  EXPECT_EQ(sub_vendor.at("subcontract_agencies"), 1);
  EXPECT_EQ(sub_vendor.at("subcontract_systems"), 2);
}

TEST(Concentration, ContractsOutsideTheirDatesDoNotCount) {
  auto items = Concentration(Sample(), {Kind::kEverything, 0}, 175, std::nullopt);
  EXPECT_EQ(Row(items, "04595252").at("agencies"), 1);
  items = Concentration(Sample(), {Kind::kEverything, 0}, 250, std::nullopt);
  EXPECT_TRUE(items.empty());
  items = Concentration(Sample(), {Kind::kEverything, 0}, 400, std::nullopt);
  EXPECT_EQ(Row(items, "22099131").at("agencies"), 1);
}

TEST(Concentration, AnAgencyScopeCountsItsSubtreeOnly) {
  auto items = Concentration(Sample(), {Kind::kAgencySubtree, 1}, 120, std::nullopt);
  EXPECT_EQ(Row(items, "04595252").at("agencies"), 1);
  EXPECT_EQ(Row(items, "04595252").at("amount"), 1000);
  items = Concentration(Sample(), {Kind::kEverything, 0}, 120, std::int64_t{4});
  EXPECT_EQ(Row(items, "04595252").at("systems"), 1);
  EXPECT_TRUE(Row(items, "22099131").empty());
}

TEST(Concentration, AVendorSeesItsOwnRowOnly) {
  const auto items = Concentration(Sample(), {Kind::kVendor, 11}, 120, std::nullopt);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items.at(0).at("vendor_tax_id"), "22099131");
  EXPECT_EQ(items.at(0).at("subcontract_systems"), 2);
}

TEST(Concentration, NothingScopeSeesNothing) {
  EXPECT_TRUE(Concentration(Sample(), {Kind::kNothing, 0}, 120, std::nullopt).empty());
}

}  // namespace
}  // namespace sg::registry
