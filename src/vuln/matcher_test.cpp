#include "vuln/matcher.hpp"

#include <gtest/gtest.h>

#include "advisory/osv.hpp"
#include "sbom/reader.hpp"
#include "testing/reference_data.hpp"
#include "vuln/scan.hpp"

namespace sg::vuln {
namespace {

std::string SharedFile(const std::string& relative) {
  return testing::ReadFileBytes(testing::SbomDataDir() / relative);
}

advisory::Record Record(std::string_view json) {
  auto record = advisory::ParseOsvJson(json);
  EXPECT_TRUE(record) << (record ? "" : record.error().message);
  return record ? *record : advisory::Record{};
}

PackageVersion Npm(std::string name, std::string version) {
  return {{version::Ecosystem::kNpm, std::move(name)}, std::move(version)};
}

constexpr std::string_view kTwoRanges = R"({
  "id": "GHSA-test-0001", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0001"],
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [
    {"package": {"ecosystem": "npm", "name": "left-pad"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "left-pad"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.5"}]}]},
    {"package": {"ecosystem": "Cobol", "name": "payroll"}, "versions": ["1"]}]})";

TEST(AdvisoryIndex, MatchesOnlyTheVersionsInsideARangeAndGivesTheFixAfterThem) {
  AdvisoryIndex index;
  std::vector<IndexProblem> problems;
  index.Add(Record(kTwoRanges), &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "unsupportedEcosystem");

  auto hit = index.Match(Npm("left-pad", "2.0.1"));
  ASSERT_TRUE(hit);
  ASSERT_EQ(hit->size(), 1u);
  EXPECT_EQ(index.Info((*hit)[0].record).id, "GHSA-test-0001");
  EXPECT_EQ((*hit)[0].fixed, std::vector<std::string>{"2.0.5"});
  ASSERT_TRUE((*hit)[0].severity);
  EXPECT_DOUBLE_EQ((*hit)[0].severity->cvss_v3, 9.8);

  for (const char* outside : {"1.2.0", "1.5.0", "2.0.5", "3.0.0"}) {
    auto miss = index.Match(Npm("left-pad", outside));
    ASSERT_TRUE(miss);
    EXPECT_TRUE(miss->empty()) << outside;
  }
  auto other = index.Match(Npm("right-pad", "1.0.0"));
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
}

TEST(AdvisoryIndex, LeavesWithdrawnRecordsOut) {
  AdvisoryIndex index;
  index.Add(Record(R"({"id": "GHSA-test-0002", "modified": "2024-01-01T00:00:00Z",
    "withdrawn": "2024-02-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.0"]}]})"));
  EXPECT_EQ(index.record_count(), 0u);
  auto match = index.Match(Npm("left-pad", "1.0.0"));
  ASSERT_TRUE(match);
  EXPECT_TRUE(match->empty());
}

TEST(AdvisoryIndex, ARevisedRecordReplacesTheOldOneAndAWithdrawalRemovesIt) {
  AdvisoryIndex index;
  index.Add(Record(kTwoRanges));
  auto revised = advisory::ParseOsvJson(R"({
    "id": "GHSA-test-0001", "modified": "2024-03-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]})");
  ASSERT_TRUE(revised);
  index.Add(*revised);
  EXPECT_EQ(index.record_count(), 1u);
  EXPECT_EQ(index.removed_count(), 1u);
  auto old_range = index.Match(Npm("left-pad", "2.0.1"));
  ASSERT_TRUE(old_range);
  EXPECT_TRUE(old_range->empty());
  auto new_range = index.Match(Npm("left-pad", "0.5.0"));
  ASSERT_TRUE(new_range);
  ASSERT_EQ(new_range->size(), 1u);
  EXPECT_EQ(index.Info((*new_range)[0].record).id, "GHSA-test-0001");
  EXPECT_EQ((*new_range)[0].fixed, std::vector<std::string>{"1.0.0"});

  revised->withdrawn = "2024-04-01T00:00:00Z";
  index.Add(*revised);
  EXPECT_EQ(index.record_count(), 0u);
  EXPECT_EQ(index.package_count(), 0u);
  EXPECT_TRUE(index.Match(Npm("left-pad", "0.5.0"))->empty());
  EXPECT_FALSE(index.Remove("GHSA-test-0001"));
}

TEST(AdvisoryIndex, ReportsAVersionItsEcosystemCannotRead) {
  AdvisoryIndex index;
  index.Add(Record(kTwoRanges));
  auto match = index.Match(Npm("left-pad", "not a version"));
  ASSERT_FALSE(match);
  EXPECT_EQ(match.error().code, "invalidVersion");
}

TEST(Scan, FindsARealRustSecAdvisoryForACargoComponentAndNotesTheRest) {
  AdvisoryIndex index;
  index.Add(Record(SharedFile("osv-rustsec/crates/RUSTSEC-2016-0001.json")));
  const std::string bom = R"({
    "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
    "metadata": {"component": {"type": "application", "name": "gateway", "bom-ref": "app",
                               "purl": "pkg:cargo/openssl@0.8.0"}},
    "components": [
      {"type": "library", "name": "openssl", "version": "0.8.3", "bom-ref": "a",
       "purl": "pkg:cargo/openssl@0.8.3",
       "components": [{"type": "library", "name": "openssl", "version": "0.9.0", "bom-ref": "b",
                       "purl": "pkg:cargo/openssl@0.9.0"}]},
      {"type": "library", "name": "in-house", "version": "1.0", "bom-ref": "c"},
      {"type": "library", "name": "bad", "version": "1.0", "bom-ref": "d", "purl": "pkg:/x"},
      {"type": "library", "name": "web", "version": "1.0", "bom-ref": "e",
       "purl": "pkg:generic/web@1.0"}]})";
  auto document = sbom::ReadSbom(bom);
  ASSERT_TRUE(document) << document.error().message;
  const ScanReport report = Scan(*document, index);
  EXPECT_EQ(report.components, 5u);  // nested included, metadata.component excluded
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(document->components[report.findings[0].component].bom_ref, "a");
  const AdvisoryInfo& info = index.Info(report.findings[0].record);
  EXPECT_EQ(info.id, "RUSTSEC-2016-0001");
  EXPECT_EQ(info.aliases, (std::vector<std::string>{"CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"}));
  EXPECT_EQ(report.findings[0].fixed, std::vector<std::string>{"0.9.0"});
  ASSERT_TRUE(report.findings[0].severity);
  EXPECT_DOUBLE_EQ(report.findings[0].severity->cvss_v3, 8.1);
  std::vector<std::string> codes;
  for (const ComponentNote& note : report.notes) codes.push_back(note.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"noPurl", "invalidPurl", "unsupportedEcosystem"}));
}

}  // namespace
}  // namespace sg::vuln
