#include "advisory/osv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "advisory/source.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::SbomData;
using testing::TestData;

// ---- The data-driven cases of testdata/osv_cases.txt.

struct OsvCase {
  std::string name;
  bool yaml = false;
  bool strict = false;
  std::string text;
  std::vector<std::string> expect;
};

std::vector<OsvCase> LoadOsvCases() {
  std::istringstream lines(ReadBytes(TestData("osv_cases.txt")));
  std::vector<OsvCase> cases;
  std::string line;
  bool in_expect = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) continue;
    if (line.starts_with("case ")) {
      cases.emplace_back();
      cases.back().name = line.substr(5);
      in_expect = false;
      continue;
    }
    if (cases.empty()) continue;
    OsvCase& current = cases.back();
    if (line.empty()) {
      in_expect = false;
      continue;
    }
    if (in_expect) {
      current.expect.push_back(line);
    } else if (line == "expect") {
      in_expect = true;
    } else if (line == "yaml" && current.text.empty()) {
      current.yaml = true;
    } else if (line == "strict" && current.text.empty()) {
      current.strict = true;
    } else {
      current.text += line + "\n";
    }
  }
  return cases;
}

bool HasFieldCode(const Error& error, const std::string& field, const std::string& code) {
  const auto found = error.fields.find(field);
  return found != error.fields.end() &&
         std::find(found->second.begin(), found->second.end(), code) != found->second.end();
}

bool HasIssue(const Record& record, const std::string& field, const std::string& code) {
  return std::any_of(record.issues.begin(), record.issues.end(), [&](const Issue& issue) {
    return issue.field == field && issue.code == code;
  });
}

std::string Describe(const Result<Record>& result) {
  if (!result) {
    std::string text = "error " + result.error().code + ": " + result.error().message + " [";
    for (const auto& [field, codes] : result.error().fields) {
      for (const std::string& code : codes) text += field + "=" + code + " ";
    }
    return text + "]";
  }
  std::string text = "loads with issues [";
  for (const Issue& issue : result->issues) text += issue.field + "=" + issue.code + " ";
  return text + "]";
}

TEST(OsvReader, CasesFromTheDataFileGiveTheirExpectedOutcome) {
  const std::vector<OsvCase> cases = LoadOsvCases();
  ASSERT_GE(cases.size(), 20u);
  for (const OsvCase& test_case : cases) {
    SCOPED_TRACE("case: " + test_case.name);
    ASSERT_FALSE(test_case.expect.empty());
    OsvReader reader(OsvReadOptions{.strict = test_case.strict});
    const Result<Record> result = test_case.yaml ? reader.ReadYaml(test_case.text, "case.yaml")
                                                 : reader.ReadJson(test_case.text, "case.json");
    SCOPED_TRACE("outcome: " + Describe(result));
    const std::string& first = test_case.expect.front();
    if (first == "loads") {
      ASSERT_TRUE(result.has_value());
      std::size_t expected_issues = 0;
      for (std::size_t index = 1; index < test_case.expect.size(); ++index) {
        std::istringstream words(test_case.expect[index]);
        std::string keyword, field, code;
        words >> keyword >> field >> code;
        ASSERT_EQ(keyword, "issue");
        EXPECT_TRUE(HasIssue(*result, field, code)) << field << " " << code;
        ++expected_issues;
      }
      EXPECT_EQ(result->issues.size(), expected_issues);
    } else if (first.starts_with("refused ")) {
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code, "invalidAdvisory");
      EXPECT_EQ(result.error().kind, ErrorKind::kValidationFailed);
      EXPECT_FALSE(result.error().message.empty());
      for (const std::string& expected : test_case.expect) {
        std::istringstream words(expected);
        std::string keyword, field, code;
        words >> keyword >> field >> code;
        ASSERT_EQ(keyword, "refused");
        EXPECT_TRUE(HasFieldCode(result.error(), field, code)) << field << " " << code;
      }
    } else {
      ASSERT_TRUE(first.starts_with("error ")) << first;
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code, first.substr(6));
    }
  }
}

TEST(OsvReader, ARefusalNamesTheRecordTheFieldAndTheReason) {
  const Result<Record> result = OsvReader().ReadJson(
      R"({"id": "GHSA-xxxx", "modified": "2024-01-01T00:00:00Z", "affected": [{"package":
      {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"fixed":
      "1.0.0"}]}]}]})",
      "advisories/GHSA-xxxx.json");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message,
            "Advisory GHSA-xxxx (advisories/GHSA-xxxx.json) was refused: "
            "affected[0].ranges[0].events: the range has no \"introduced\" event, so it is not "
            "known where it starts");
}

TEST(OsvReader, InvalidUtf8IsMalformedJson) {
  const Result<Record> result =
      ParseOsvJson("{\"id\": \"TEST-\xff\", \"modified\": \"2024-01-01T00:00:00Z\"}");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, "malformedJson");
  EXPECT_NE(result.error().message.find("UTF-8"), std::string::npos);
}

TEST(OsvReader, DeepNestingIsRefusedWithoutRecursion) {
  const std::string deep = R"({"id": "TEST-1", "modified": "2024-01-01T00:00:00Z", "x": )" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}";
  const Result<Record> json = ParseOsvJson(deep);
  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().code, "malformedJson");

  const std::string deep_yaml =
      "id: TEST-1\nx: " + std::string(50'000, '[') + std::string(50'000, ']') + "\n";
  const Result<Record> yaml = ParseOsvYaml(deep_yaml);
  ASSERT_FALSE(yaml.has_value());
  EXPECT_EQ(yaml.error().code, "malformedYaml");
}

TEST(OsvReader, ReadsEveryFieldOfAFullRecord) {
  const Result<Record> record = ParseOsvJson(
      ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GHSA-9v2f-6vcg-3hgv.json")));
  ASSERT_TRUE(record.has_value()) << record.error().message;
  EXPECT_EQ(record->schema_version, "1.4.0");
  EXPECT_EQ(record->id, "GHSA-9v2f-6vcg-3hgv");
  EXPECT_EQ(record->modified, "2024-07-03T20:05:21Z");
  EXPECT_EQ(record->published, "2024-07-01T21:31:15Z");
  EXPECT_EQ(record->aliases, std::vector<std::string>{"CVE-2024-39236"});
  EXPECT_FALSE(record->summary.empty());
  EXPECT_FALSE(record->details.empty());
  ASSERT_EQ(record->severity.size(), 1u);
  EXPECT_EQ(record->severity[0].type, SeverityType::kCvssV3);
  EXPECT_EQ(record->severity[0].score, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_EQ(record->affected.size(), 1u);
  EXPECT_EQ(record->affected[0].package.ecosystem, "PyPI");
  EXPECT_EQ(record->affected[0].package.name, "Gradio");
  EXPECT_EQ(record->affected[0].versions, (std::vector<std::string>{"4.36.1", "4.36.-1"}));
  ASSERT_EQ(record->references.size(), 2u);
  EXPECT_EQ(record->references[0].type, "ADVISORY");
  EXPECT_EQ(record->database_severity, "CRITICAL");
  EXPECT_NE(record->database_specific_json.find("\"cwe_ids\":[\"CWE-94\"]"), std::string::npos);
  EXPECT_FALSE(record->IsWithdrawn());
}

TEST(OsvReader, KeepsRangesEventsAndSpecificBlocksOfAGoRecord) {
  const Result<Record> record =
      ParseOsvJson(ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GO-2024-2963.json")));
  ASSERT_TRUE(record.has_value()) << record.error().message;
  ASSERT_EQ(record->affected.size(), 1u);
  const Affected& affected = record->affected[0];
  EXPECT_EQ(affected.package.name, "stdlib");
  ASSERT_EQ(affected.ranges.size(), 1u);
  EXPECT_EQ(affected.ranges[0].type, RangeType::kSemVer);
  ASSERT_EQ(affected.ranges[0].events.size(), 4u);
  EXPECT_EQ(affected.ranges[0].events[2].kind, EventKind::kIntroduced);
  EXPECT_EQ(affected.ranges[0].events[2].version, "1.22.0-0");
  EXPECT_EQ(affected.ranges[0].events[3].kind, EventKind::kFixed);
  EXPECT_NE(affected.ecosystem_specific_json.find("\"path\":\"net/http\""), std::string::npos);
  ASSERT_EQ(record->credits.size(), 1u);
  EXPECT_EQ(record->credits[0].name, "Geoff Franks");
}

TEST(OsvReader, WithoutKeepTextDropsDetailsAndSpecificBlocks) {
  OsvReader reader(OsvReadOptions{.keep_text = false});
  const Result<Record> record = reader.ReadJson(
      ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GHSA-9v2f-6vcg-3hgv.json")));
  ASSERT_TRUE(record.has_value());
  EXPECT_TRUE(record->details.empty());
  EXPECT_TRUE(record->database_specific_json.empty());
  EXPECT_EQ(record->database_severity, "CRITICAL");
}

TEST(OsvReader, ReadsAYamlRecordOfTheRAdvisoryDatabase) {
  const Result<Record> record =
      ParseOsvYaml(ReadBytes(SbomData("osv-r-advisory-database/vulns/readxl/RSEC-2023-1.yaml")));
  ASSERT_TRUE(record.has_value()) << record.error().message;
  EXPECT_EQ(record->id, "RSEC-2023-1");
  EXPECT_EQ(record->modified, "2025-05-16T00:12:44Z");
  EXPECT_EQ(record->upstream, (std::vector<std::string>{"CVE-2018-20450", "CVE-2018-20452"}));
  ASSERT_EQ(record->affected.size(), 1u);
  EXPECT_EQ(record->affected[0].package.ecosystem, "CRAN");
  EXPECT_EQ(record->affected[0].ranges[0].events[1].version, "1.3.0");
  EXPECT_EQ(record->affected[0].versions.size(), 5u);
}

// ---- Real advisory databases.

struct LoadSummary {
  std::size_t loaded = 0;
  std::size_t with_issues = 0;
  std::size_t withdrawn = 0;
  std::map<std::string, std::size_t> issue_codes;
  std::vector<Rejection> rejected;
};

LoadSummary LoadDirectory(const std::filesystem::path& root) {
  Result<std::unique_ptr<RecordSource>> source = OpenOsvDirectory(root);
  if (!source) throw std::runtime_error(source.error().message);
  Result<LoadedRecords> loaded = LoadAll(**source);
  if (!loaded) throw std::runtime_error(loaded.error().message);
  LoadSummary summary;
  summary.loaded = loaded->records.size();
  for (const Record& record : loaded->records) {
    if (!record.issues.empty()) ++summary.with_issues;
    if (record.IsWithdrawn()) ++summary.withdrawn;
    for (const Issue& issue : record.issues) ++summary.issue_codes[issue.code];
  }
  summary.rejected = std::move(loaded->rejected);
  return summary;
}

void Report(std::string_view name, const LoadSummary& summary) {
  std::cout << "[ data     ] " << name << ": " << summary.loaded << " loaded (" << summary.withdrawn
            << " withdrawn, " << summary.with_issues << " with issues";
  for (const auto& [code, count] : summary.issue_codes) std::cout << ", " << code << " " << count;
  std::cout << "), " << summary.rejected.size() << " rejected\n";
  for (const Rejection& rejection : summary.rejected) {
    std::cout << "[ rejected ] " << rejection.origin << ": " << rejection.error.message << "\n";
  }
}

TEST(OsvRealRecords, EveryGoVulnerabilityDatabaseRecordLoads) {
  const LoadSummary summary = LoadDirectory(SbomData("osv-golang-vulndb/data/osv"));
  Report("golang/vulndb", summary);
  EXPECT_GE(summary.loaded, 4000u);
  EXPECT_TRUE(summary.rejected.empty());
}

TEST(OsvRealRecords, EveryRustSecRecordLoads) {
  const LoadSummary summary = LoadDirectory(SbomData("osv-rustsec/crates"));
  Report("RustSec", summary);
  EXPECT_GE(summary.loaded, 1200u);
  EXPECT_TRUE(summary.rejected.empty());
}

TEST(OsvRealRecords, EveryRAdvisoryDatabaseRecordLoadsFromYaml) {
  const LoadSummary summary = LoadDirectory(SbomData("osv-r-advisory-database"));
  Report("R advisory database", summary);
  EXPECT_EQ(summary.loaded, 14u);
  EXPECT_TRUE(summary.rejected.empty());
}

TEST(OsvRealRecords, EveryGhsaConverterOutputLoads) {
  const std::filesystem::path root = SbomData("osv-schema/tools/ghsa/testdata");
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".osv.json")) continue;
    const Result<Record> record = OsvReader().ReadJson(ReadBytes(entry.path()), name);
    EXPECT_TRUE(record.has_value()) << name << ": " << record.error().message;
    ++loaded;
  }
  EXPECT_EQ(loaded, 11u);
}

// ---- The OSV linter's test records: what each must give, leniently and strictly.

struct LinterExpectation {
  std::string file;
  std::string lenient;  // "loads" or "issue <field> <code>" or "refused <field> <code>"
  std::string strict;
};

std::vector<LinterExpectation> LoadLinterExpectations() {
  std::istringstream lines(ReadBytes(TestData("osv_linter_expectations.txt")));
  std::vector<LinterExpectation> expectations;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    const std::size_t arrow = line.find(" => ");
    const std::size_t bar = line.find(" | ");
    if (arrow == std::string::npos || bar == std::string::npos) {
      throw std::runtime_error("bad expectation line: " + line);
    }
    expectations.push_back(LinterExpectation{
        line.substr(0, arrow), line.substr(arrow + 4, bar - arrow - 4), line.substr(bar + 3)});
  }
  return expectations;
}

void CheckOutcome(const Result<Record>& result, const std::string& expected) {
  SCOPED_TRACE("expected: " + expected + "; outcome: " + Describe(result));
  std::istringstream words(expected);
  std::string keyword, field, code;
  words >> keyword >> field >> code;
  if (keyword == "loads") {
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(result->issues.empty());
  } else if (keyword == "issue") {
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(HasIssue(*result, field, code));
  } else {
    ASSERT_EQ(keyword, "refused");
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(HasFieldCode(result.error(), field, code));
  }
}

TEST(OsvLinterRecords, GoodRecordsLoadAndBadOnesAreRefusedWithTheirReason) {
  const std::filesystem::path root = SbomData("osv-schema/tools/osv-linter/testdata");
  const std::vector<LinterExpectation> expectations = LoadLinterExpectations();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    ++files;
    const std::string name = entry.path().filename().string();
    const auto expectation =
        std::find_if(expectations.begin(), expectations.end(),
                     [&](const LinterExpectation& candidate) { return candidate.file == name; });
    ASSERT_NE(expectation, expectations.end()) << name << " has no expectation";
    SCOPED_TRACE(name);
    const std::string text = ReadBytes(entry.path());
    CheckOutcome(OsvReader().ReadJson(text, name), expectation->lenient);
    CheckOutcome(OsvReader(OsvReadOptions{.strict = true}).ReadJson(text, name),
                 expectation->strict);
  }
  EXPECT_EQ(files, expectations.size());
}

}  // namespace
}  // namespace sg::advisory
