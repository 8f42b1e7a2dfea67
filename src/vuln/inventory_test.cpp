#include "vuln/inventory.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "advisory/osv.hpp"
#include "advisory/source.hpp"
#include "sbom/reader.hpp"
#include "testing/reference_data.hpp"
#include "vuln/scan.hpp"

namespace sg::vuln {
namespace {

using version::Ecosystem;

advisory::Record Record(std::string_view json) {
  auto record = advisory::ParseOsvJson(json);
  EXPECT_TRUE(record) << (record ? "" : record.error().message);
  return record ? *record : advisory::Record{};
}

PackageVersion Npm(std::string name, std::string version) {
  return {{Ecosystem::kNpm, std::move(name)}, std::move(version)};
}

PackageKey NpmKey(std::string name) { return {Ecosystem::kNpm, std::move(name)}; }

constexpr std::string_view kLeftPad = R"({
  "id": "GHSA-test-0001", "modified": "2024-01-01T00:00:00Z",
  "affected": [
    {"package": {"ecosystem": "npm", "name": "left-pad"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "left-pad"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.5"}]}]}]})";

constexpr std::string_view kNobodysPackage = R"({
  "id": "GHSA-test-0002", "modified": "2024-01-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "npm", "name": "nobody-uses-this"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]})";

constexpr std::string_view kLodash = R"({
  "id": "GHSA-test-0003", "modified": "2024-01-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]})";

/// The Go vulnerability database as one index, read once for the whole test program.
const AdvisoryIndex& GoIndex() {
  static const AdvisoryIndex index = [] {
    AdvisoryIndex built;
    auto source = advisory::OpenOsvDirectory(
        testing::SbomDataDir() / "osv-golang-vulndb" / "data" / "osv", {.keep_text = false});
    if (!source) throw std::runtime_error(source.error().message);
    auto loaded = advisory::LoadAll(**source);
    if (!loaded) throw std::runtime_error(loaded.error().message);
    for (const advisory::Record& record : loaded->records) built.Add(record);
    return built;
  }();
  return index;
}

sbom::Document ProtonBridge() {
  auto document = sbom::ReadSbom(
      testing::ReadFileBytes(testing::SbomDataDir() / "cyclonedx-bom-examples/SBOM/proton-bridge/"
                                                      "proton-bridge-v1.6.3.bom.json"));
  if (!document) throw std::runtime_error(document.error().message);
  return std::move(*document);
}

/// A finding by what it names, so that the scan's and the inventory's can be compared.
using NamedFinding = std::tuple<std::string, std::string, std::string>;  // name, version, id

std::set<NamedFinding> Named(const Inventory& inventory, const AdvisoryIndex& index,
                             const std::vector<PairHit>& hits) {
  std::set<NamedFinding> named;
  for (const PairHit& hit : hits) {
    named.emplace(inventory.Package(hit.pair).name, std::string(inventory.Version(hit.pair)),
                  index.Info(hit.record).id);
  }
  return named;
}

std::set<NamedFinding> NamedScan(const sbom::Document& document, const AdvisoryIndex& index) {
  std::set<NamedFinding> named;
  for (const ScanFinding& finding : Scan(document, index).findings) {
    auto parsed = purl::ParsePurl(document.components[finding.component].purl);
    const auto package = PackageOfPurl(*parsed);
    named.emplace(package->package.name, package->version, index.Info(finding.record).id);
  }
  return named;
}

TEST(PackagesOfDocument, KeepsTheMatchableKeysInItsOwnArena) {
  DocumentPackages packages;
  {
    auto document = sbom::ReadSbom(
        R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[)"
        R"({"type":"library","name":"a","purl":"pkg:maven/org.example/a-library-name@1.2.3?type=jar"},)"
        R"({"type":"library","name":"b","purl":"pkg:npm/b"},)"
        R"({"type":"library","name":"c","purl":"pkg:generic/c@1"},)"
        R"({"type":"library","name":"d"},)"
        R"({"type":"library","name":"e","purl":"pkg:pypi/Zope_Interface@5.0"}]})");
    ASSERT_TRUE(document) << document.error().message;
    packages = PackagesOfDocument(*document);
  }  // the document and its arena are gone; the keys are not
  ASSERT_EQ(packages.packages.size(), 2u);
  EXPECT_EQ(packages.packages[0].ecosystem, Ecosystem::kMaven);
  EXPECT_EQ(packages.packages[0].name, "org.example:a-library-name");
  EXPECT_EQ(packages.packages[0].version, "1.2.3");
  EXPECT_EQ(packages.packages[1].name, "zope-interface");
  const std::vector<PackageVersion> owned = packages.Owned();
  ASSERT_EQ(owned.size(), 2u);
  EXPECT_EQ(owned[1].package, (PackageKey{Ecosystem::kPyPI, "zope-interface"}));
  EXPECT_EQ(owned[1].version, "5.0");
}

TEST(Inventory, FindsWhatScanFindsInTheProtonBridgeSbomAgainstTheGoDatabase) {
  const AdvisoryIndex& index = GoIndex();
  const sbom::Document document = ProtonBridge();
  const std::vector<PackageVersion> packages = PackagesOfDocument(document).Owned();
  ASSERT_GT(packages.size(), 150u);
  sbom::Document half_document = document;
  half_document.components.resize(document.components.size() / 2);
  const std::vector<PackageVersion> first_half = PackagesOfDocument(half_document).Owned();

  Inventory inventory;
  inventory.ReplaceSystem(1001, 7, packages);
  inventory.ReplaceSystem(1002, 8, first_half);
  inventory.ReplaceSystem(1003, 9, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  const InventoryMatch match = inventory.FullRematch(index);

  const std::set<NamedFinding> expected = NamedScan(document, index);
  ASSERT_GE(expected.size(), 50u);  // 58 with the reference snapshot of the database
  EXPECT_EQ(Named(inventory, index, inventory.FindingsOf(1001, match)), expected);
  EXPECT_EQ(Named(inventory, index, inventory.FindingsOf(1002, match)),
            NamedScan(half_document, index));
  EXPECT_TRUE(inventory.FindingsOf(1003, match).empty());

  // One system's own match (a new SBOM arriving) agrees with the full re-match.
  EXPECT_EQ(inventory.MatchSystem(1001, index), inventory.FindingsOf(1001, match));
  // The work is split by package: one worker or two give the same result.
  EXPECT_EQ(inventory.FullRematch(index, 1).hits, match.hits);

  // Each distinct version once, though two systems share half of them.
  EXPECT_EQ(match.pairs_evaluated, inventory.pair_count());
  EXPECT_EQ(match.findings,
            inventory.FindingsOf(1001, match).size() + inventory.FindingsOf(1002, match).size());
  std::size_t enumerated = 0;
  inventory.ForEachFinding(match, [&](SystemId system, AgencyId agency, const PairHit&) {
    EXPECT_TRUE((system == 1001 && agency == 7) || (system == 1002 && agency == 8));
    ++enumerated;
  });
  EXPECT_EQ(enumerated, match.findings);
  EXPECT_EQ(match.affected_systems, (std::vector<SystemId>{1001, 1002}));
  EXPECT_EQ(match.affected_agencies, (std::vector<AgencyId>{7, 8}));
}

TEST(Inventory, ReplacingASystemSwapsItsComponentsInEveryIndex) {
  AdvisoryIndex index;
  index.Add(Record(kLeftPad));
  index.Add(Record(kLodash));
  Inventory inventory;
  inventory.ReplaceSystem(
      1, 5, std::vector<PackageVersion>{Npm("left-pad", "1.0.0"), Npm("lodash", "4.17.20")});
  inventory.ReplaceSystem(2, 6, std::vector<PackageVersion>{Npm("lodash", "4.17.20")});
  EXPECT_EQ(inventory.component_count(), 3u);
  EXPECT_EQ(inventory.FullRematch(index).affected_systems, (std::vector<SystemId>{1, 2}));

  const InventoryChange change = inventory.ReplaceSystem(
      1, 9, std::vector<PackageVersion>{Npm("left-pad", "1.3.0"), Npm("express", "4.0.0")});
  EXPECT_EQ(change.added, 2u);
  EXPECT_EQ(change.removed, 2u);
  EXPECT_EQ(inventory.system_count(), 2u);
  EXPECT_EQ(inventory.component_count(), 3u);
  EXPECT_EQ(inventory.FindAgency(1), 9u);
  EXPECT_EQ(
      inventory.SystemsWithPackage(NpmKey("lodash")),
      (std::vector<PackageHolding>{{2, 6, *inventory.FindPair(NpmKey("lodash"), "4.17.20")}}));
  EXPECT_EQ(inventory.SystemsWithPackage(NpmKey("left-pad"), "1.0.0"),
            std::vector<PackageHolding>{});
  EXPECT_EQ(inventory.SystemsWithPackage(NpmKey("express")).size(), 1u);
  EXPECT_TRUE(inventory.MatchSystem(1, index).empty());

  const InventoryMatch match = inventory.FullRematch(index);
  EXPECT_EQ(match.affected_systems, std::vector<SystemId>{2});
  EXPECT_EQ(match.affected_agencies, std::vector<AgencyId>{6});
  EXPECT_EQ(match.findings, 1u);
  // Versions nobody holds any more are not evaluated, but keep their ids.
  EXPECT_EQ(match.pairs_evaluated, 3u);
  EXPECT_TRUE(inventory.FindPair(NpmKey("left-pad"), "1.0.0"));

  // The same components again change nothing.
  const InventoryChange same = inventory.ReplaceSystem(
      1, 9, std::vector<PackageVersion>{Npm("express", "4.0.0"), Npm("left-pad", "1.3.0")});
  EXPECT_EQ(same.added + same.removed, 0u);
}

TEST(Inventory, CountsAComponentListedTwiceOnce) {
  Inventory inventory;
  inventory.ReplaceSystem(
      1, 1, std::vector<PackageVersion>{Npm("a", "1.0.0"), Npm("a", "1.0.0"), Npm("a", "2.0.0")});
  EXPECT_EQ(inventory.component_count(), 2u);
  EXPECT_EQ(inventory.pair_count(), 2u);
  EXPECT_EQ(inventory.package_count(), 1u);
  EXPECT_EQ(inventory.FindPairs(1)->size(), 2u);
}

TEST(Inventory, ReverseLookupListsHoldersBySystemWithTheirVersions) {
  Inventory inventory;
  inventory.ReplaceSystem(30, 3, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  inventory.ReplaceSystem(10, 1,
                          std::vector<PackageVersion>{Npm("left-pad", "2.0.1"), Npm("x", "1.0.0")});
  inventory.ReplaceSystem(20, 2, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  inventory.ReplaceSystem(10, 1,
                          std::vector<PackageVersion>{Npm("left-pad", "2.0.1"),
                                                      Npm("left-pad", "1.0.0"), Npm("x", "1.0.0")});
  const PairId old_pad = *inventory.FindPair(NpmKey("left-pad"), "1.0.0");
  const PairId new_pad = *inventory.FindPair(NpmKey("left-pad"), "2.0.1");

  EXPECT_EQ(inventory.SystemsWithPackage(NpmKey("left-pad")),
            (std::vector<PackageHolding>{
                {10, 1, old_pad}, {10, 1, new_pad}, {20, 2, old_pad}, {30, 3, old_pad}}));
  EXPECT_EQ(inventory.SystemsWithPackage(NpmKey("left-pad"), "2.0.1"),
            (std::vector<PackageHolding>{{10, 1, new_pad}}));
  EXPECT_TRUE(inventory.SystemsWithPackage(NpmKey("left-pad"), "9.9.9").empty());
  EXPECT_TRUE(inventory.SystemsWithPackage(NpmKey("right-pad")).empty());
  // Same name, other ecosystem: another package.
  EXPECT_TRUE(inventory.SystemsWithPackage({Ecosystem::kPyPI, "left-pad"}).empty());
  EXPECT_EQ(inventory.Package(new_pad), NpmKey("left-pad"));
  EXPECT_EQ(inventory.Version(new_pad), "2.0.1");
}

TEST(Inventory, MatchesABatchOfNewAdvisoriesAgainstOnlyTheirPackages) {
  Inventory inventory;
  inventory.ReplaceSystem(10, 1, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  inventory.ReplaceSystem(11, 2, std::vector<PackageVersion>{Npm("left-pad", "1.3.0")});
  inventory.ReplaceSystem(
      12, 3, std::vector<PackageVersion>{Npm("left-pad", "2.0.1"), Npm("right-pad", "1.0.0")});
  inventory.ReplaceSystem(13, 1, std::vector<PackageVersion>{Npm("lodash", "4.17.20")});
  inventory.ReplaceSystem(14, 4, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});

  AdvisoryIndex batch;
  batch.Add(Record(kLeftPad));
  batch.Add(Record(kNobodysPackage));
  const InventoryMatch match = inventory.MatchAdvisories(batch);
  EXPECT_EQ(match.pairs_evaluated, 3u);  // left-pad's three versions; lodash is not looked at
  EXPECT_EQ(match.hits.size(), 2u);
  EXPECT_EQ(match.findings, 3u);
  EXPECT_EQ(match.affected_systems, (std::vector<SystemId>{10, 12, 14}));
  EXPECT_EQ(match.affected_agencies, (std::vector<AgencyId>{1, 3, 4}));
  for (const PairHit& hit : match.hits) EXPECT_EQ(batch.Info(hit.record).id, "GHSA-test-0001");
  EXPECT_EQ(inventory.MatchAdvisories(batch, 2).hits, match.hits);

  AdvisoryIndex unrelated;
  unrelated.Add(Record(kNobodysPackage));
  const InventoryMatch none = inventory.MatchAdvisories(unrelated);
  EXPECT_EQ(none.pairs_evaluated, 0u);
  EXPECT_TRUE(none.hits.empty());
  EXPECT_TRUE(none.affected_agencies.empty());
}

TEST(Inventory, LeavesAVersionItsEcosystemCannotReadUnmatchedAndCountsIt) {
  AdvisoryIndex index;
  index.Add(Record(kLeftPad));
  Inventory inventory;
  inventory.ReplaceSystem(
      1, 1,
      std::vector<PackageVersion>{Npm("left-pad", "not a version"), Npm("left-pad", "1.0.0")});
  const InventoryMatch match = inventory.FullRematch(index);
  EXPECT_EQ(match.pairs_evaluated, 2u);
  EXPECT_EQ(match.unreadable_pairs, 1u);
  EXPECT_EQ(match.hits.size(), 1u);
}

TEST(Inventory, AnswersEmptyWhenThereIsNothingToMatch) {
  AdvisoryIndex index;
  index.Add(Record(kLeftPad));
  const Inventory empty;
  EXPECT_EQ(empty.MemoryBytes() > 0, true);
  const InventoryMatch nothing = empty.FullRematch(index);
  EXPECT_EQ(nothing.pairs_evaluated, 0u);
  EXPECT_TRUE(nothing.hits.empty());
  EXPECT_EQ(nothing.findings, 0u);
  EXPECT_TRUE(nothing.affected_systems.empty());
  EXPECT_TRUE(empty.MatchAdvisories(index).hits.empty());
  EXPECT_TRUE(empty.SystemsWithPackage(NpmKey("left-pad")).empty());
  EXPECT_TRUE(empty.MatchSystem(1, index).empty());
  EXPECT_TRUE(empty.FindingsOf(1, nothing).empty());
  EXPECT_FALSE(empty.FindPairs(1));

  Inventory inventory;
  inventory.ReplaceSystem(1, 1, std::vector<PackageVersion>{});
  EXPECT_EQ(inventory.system_count(), 1u);
  EXPECT_EQ(inventory.component_count(), 0u);
  EXPECT_TRUE(inventory.FullRematch(index).affected_systems.empty());
  EXPECT_TRUE(inventory.FullRematch(AdvisoryIndex{}).hits.empty());
  EXPECT_TRUE(inventory.MatchAdvisories(AdvisoryIndex{}).hits.empty());
  EXPECT_FALSE(inventory.RemoveSystem(2));
}

TEST(Inventory, RemovingASystemFreesItsSlotForTheNextOne) {
  AdvisoryIndex index;
  index.Add(Record(kLeftPad));
  Inventory inventory;
  for (SystemId system = 1; system <= 3; ++system) {
    inventory.ReplaceSystem(system, 1, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  }
  EXPECT_TRUE(inventory.RemoveSystem(1));
  EXPECT_FALSE(inventory.RemoveSystem(1));
  EXPECT_EQ(inventory.system_count(), 2u);
  EXPECT_EQ(inventory.component_count(), 2u);
  EXPECT_FALSE(inventory.FindAgency(1));
  // The new system takes the freed slot, below the others': its holder entry goes in place.
  inventory.ReplaceSystem(9, 2, std::vector<PackageVersion>{Npm("left-pad", "1.0.0")});
  const PairId pad = *inventory.FindPair(NpmKey("left-pad"), "1.0.0");
  EXPECT_EQ(inventory.SystemsWithPackage(NpmKey("left-pad")),
            (std::vector<PackageHolding>{{2, 1, pad}, {3, 1, pad}, {9, 2, pad}}));
  const InventoryMatch match = inventory.FullRematch(index);
  EXPECT_EQ(match.affected_systems, (std::vector<SystemId>{2, 3, 9}));
  EXPECT_EQ(match.affected_agencies, (std::vector<AgencyId>{1, 2}));
  EXPECT_EQ(match.findings, 3u);
}

TEST(Inventory, AcceptsInternedPairsAndRefusesUnknownOnes) {
  Inventory inventory;
  const PairId pair = inventory.InternPair(Npm("a", "1.0.0"));
  EXPECT_EQ(inventory.InternPair(Npm("a", "1.0.0")), pair);
  inventory.ReplaceSystemPairs(1, 1, {pair, pair});
  EXPECT_EQ(inventory.component_count(), 1u);
  EXPECT_THROW(inventory.ReplaceSystemPairs(2, 1, {pair + 1}), std::out_of_range);
}

TEST(Inventory, EstimatesItsMemoryFromWhatItHolds) {
  Inventory inventory;
  const std::size_t empty = inventory.MemoryBytes();
  std::vector<PackageVersion> components;
  for (int index = 0; index < 2000; ++index) {
    components.push_back(Npm("package-" + std::to_string(index % 500), std::to_string(index)));
  }
  inventory.ReplaceSystem(1, 1, components);
  inventory.ReplaceSystem(2, 1, components);
  inventory.ShrinkToFit();
  // At least the system's pair list and the holder lists: 4 bytes each per component.
  EXPECT_GE(inventory.MemoryBytes(), empty + 2 * 2000 * 2 * sizeof(std::uint32_t));
  EXPECT_EQ(inventory.pair_count(), 2000u);
  for (int index = 0; index < 2000; ++index) {
    EXPECT_TRUE(inventory.FindPair(NpmKey("package-" + std::to_string(index % 500)),
                                   std::to_string(index)));
  }
}

}  // namespace
}  // namespace sg::vuln
