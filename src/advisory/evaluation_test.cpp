#include "advisory/evaluation.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "advisory/source.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::TestData;

// ---- The test ordering: "[epoch:]N(.N)*", numeric, missing parts 0.

std::optional<std::vector<long>> ParseTestVersion(std::string_view text) {
  std::vector<long> parts;
  long epoch = 0;
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + colon, epoch);
    if (error != std::errc() || end != text.data() + colon) return std::nullopt;
    text.remove_prefix(colon + 1);
  }
  parts.push_back(epoch);
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    long value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || error != std::errc() || end != part.data() + part.size()) {
      return std::nullopt;
    }
    parts.push_back(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  while (parts.size() > 2 && parts.back() == 0) parts.pop_back();
  return parts;
}

Result<int> TestCompare(std::string_view a, std::string_view b) {
  const std::optional<std::vector<long>> left = ParseTestVersion(a);
  const std::optional<std::vector<long>> right = ParseTestVersion(b);
  if (!left || !right) {
    return Fail(Error::BadRequest("\"" + std::string(left ? b : a) + "\" is not a test version",
                                  "invalidVersion"));
  }
  if (*left < *right) return -1;
  if (*right < *left) return 1;
  return 0;
}

VersionCompare TestEcosystem(std::string_view name) {
  return name == "Test" ? &TestCompare : nullptr;
}

const Orderings kTestOrderings{&TestCompare, &TestEcosystem};

// ---- testdata/range_cases.txt

struct Check {
  std::string version;
  std::string outcome;  // "affected", "unaffected" or "error"
  std::vector<std::string> fixed;
  std::string error_code;
};

struct RangeCase {
  std::string name;
  std::string affected_json;
  std::vector<Check> checks;
};

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (item.starts_with(' ')) item.remove_prefix(1);
    while (item.ends_with(' ')) item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::vector<RangeCase> LoadRangeCases() {
  std::istringstream lines(ReadBytes(TestData("range_cases.txt")));
  std::vector<RangeCase> cases;
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
    if (cases.empty() || line.empty()) {
      in_expect = false;
      continue;
    }
    RangeCase& current = cases.back();
    if (line == "expect") {
      in_expect = true;
      continue;
    }
    if (!in_expect) {
      current.affected_json += line + "\n";
      continue;
    }
    const std::size_t arrow = line.find(" -> ");
    if (arrow == std::string::npos) throw std::runtime_error("bad check: " + line);
    Check check;
    check.version = line.substr(0, arrow);
    const std::string outcome = line.substr(arrow + 4);
    if (outcome.starts_with("affected")) {
      check.outcome = "affected";
      const std::size_t open = outcome.find('[');
      const std::size_t close = outcome.find(']');
      if (open == std::string::npos || close == std::string::npos) {
        throw std::runtime_error("affected needs its fixed list: " + line);
      }
      check.fixed = SplitList(std::string_view(outcome).substr(open + 1, close - open - 1));
    } else if (outcome.starts_with("error ")) {
      check.outcome = "error";
      check.error_code = outcome.substr(6);
    } else if (outcome == "unaffected") {
      check.outcome = "unaffected";
    } else {
      throw std::runtime_error("bad outcome: " + line);
    }
    current.checks.push_back(std::move(check));
  }
  return cases;
}

Record RecordAround(const std::string& affected_json) {
  const std::string text = R"({"id": "TEST-1", "modified": "2024-01-01T00:00:00Z", "affected": [)" +
                           affected_json + "]}";
  Result<Record> record = ParseOsvJson(text);
  if (!record) throw std::runtime_error(record.error().message);
  return std::move(*record);
}

TEST(RangeEvaluation, CasesFromTheDataFileGiveTheirExpectedOutcome) {
  const std::vector<RangeCase> cases = LoadRangeCases();
  ASSERT_GE(cases.size(), 15u);
  for (const RangeCase& range_case : cases) {
    SCOPED_TRACE("case: " + range_case.name);
    ASSERT_FALSE(range_case.checks.empty());
    const Record record = RecordAround(range_case.affected_json);
    Result<CompiledRecord> compiled = Compile(record, kTestOrderings);
    ASSERT_TRUE(compiled.has_value()) << compiled.error().message;
    ASSERT_EQ(compiled->affected.size(), 1u);
    for (const Check& check : range_case.checks) {
      SCOPED_TRACE("version: " + check.version);
      const Result<Evaluation> evaluation = Evaluate(compiled->affected[0], check.version);
      if (check.outcome == "error") {
        ASSERT_FALSE(evaluation.has_value());
        EXPECT_EQ(evaluation.error().code, check.error_code);
        continue;
      }
      ASSERT_TRUE(evaluation.has_value()) << evaluation.error().message;
      EXPECT_EQ(evaluation->affected, check.outcome == "affected");
      EXPECT_EQ(evaluation->fixed, check.fixed);
      // The uncompiled convenience agrees.
      const Result<bool> direct = IsAffected(record.affected[0], check.version, kTestOrderings);
      ASSERT_TRUE(direct.has_value());
      EXPECT_EQ(*direct, check.outcome == "affected");
    }
  }
}

TEST(RangeEvaluation, CompilingSortsEventsOnceAndKeepsTheGreatestLimit) {
  const Record record = RecordAround(R"({"package": {"ecosystem": "Test", "name": "p"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"limit": "3"}, {"fixed": "2"}, {"limit": "5"},
    {"introduced": "0"}, {"introduced": "1:0"}]}]})");
  const Result<CompiledRecord> compiled = Compile(record, kTestOrderings);
  ASSERT_TRUE(compiled.has_value());
  const CompiledRange& range = compiled->affected[0].ranges[0];
  ASSERT_EQ(range.timeline.size(), 3u);
  EXPECT_TRUE(range.timeline[0].lowest);
  EXPECT_EQ(range.timeline[1].version, "2");
  EXPECT_EQ(range.timeline[2].version, "1:0");
  EXPECT_TRUE(range.has_limit);
  EXPECT_EQ(range.limit, "5");
}

TEST(RangeEvaluation, AnEventVersionInvalidInItsEcosystemRefusesTheRecordNamingTheEvent) {
  const Record record = RecordAround(R"({"package": {"ecosystem": "Test", "name": "p"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.x"}]}]})");
  const Result<CompiledRecord> compiled = Compile(record, kTestOrderings);
  ASSERT_FALSE(compiled.has_value());
  EXPECT_EQ(compiled.error().code, "invalidAdvisory");
  ASSERT_TRUE(compiled.error().fields.contains("affected[0].ranges[0].events[1].fixed"));
  EXPECT_EQ(compiled.error().fields.at("affected[0].ranges[0].events[1].fixed"),
            std::vector<std::string>{"invalidVersion"});
  EXPECT_NE(compiled.error().message.find("TEST-1"), std::string::npos);
  EXPECT_NE(compiled.error().message.find("\"1.x\" is not a test version"), std::string::npos);
}

TEST(RangeEvaluation, GitRangeVersionsAreNotCheckedAgainstAnOrdering) {
  const Record record = RecordAround(R"({"package": {"ecosystem": "Test", "name": "p"},
    "ranges": [{"type": "GIT", "repo": "https://example.org/r.git", "events": [
    {"introduced": "0123456789abcdef0123456789abcdef01234567"}]}]})");
  const Result<CompiledRecord> compiled = Compile(record, kTestOrderings);
  ASSERT_TRUE(compiled.has_value());
  EXPECT_EQ(compiled->affected[0].ranges[0].compare, nullptr);
  EXPECT_FALSE(compiled->affected[0].HasUnorderedRanges());
}

TEST(RangeEvaluation, AnEcosystemWithoutAnOrderingIsFlaggedAtCompilation) {
  const Record record = RecordAround(R"({"package": {"ecosystem": "Ubuntu:22.04", "name": "p"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2-3ubuntu1"}]}]})");
  const Result<CompiledRecord> compiled = Compile(record, kTestOrderings);
  ASSERT_TRUE(compiled.has_value());
  EXPECT_TRUE(compiled->affected[0].HasUnorderedRanges());
}

TEST(Matching, AWithdrawnRecordMatchesNothing) {
  Record record = RecordAround(R"({"package": {"ecosystem": "Test", "name": "p"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]})");
  Result<CompiledRecord> in_force = Compile(record, kTestOrderings);
  ASSERT_TRUE(in_force.has_value());
  ASSERT_EQ(FindMatches(*in_force, "Test", "p", "1.0")->size(), 1u);

  record.withdrawn = "2024-02-01T00:00:00Z";
  Result<CompiledRecord> withdrawn = Compile(record, kTestOrderings);
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_TRUE(withdrawn->withdrawn);
  const Result<std::vector<Match>> matches = FindMatches(*withdrawn, "Test", "p", "1.0");
  ASSERT_TRUE(matches.has_value());
  EXPECT_TRUE(matches->empty());
}

TEST(Matching, OnlyEntriesOfThePackageAreEvaluatedAndEachMatchNamesItsEntry) {
  const std::string text = R"({"id": "TEST-2", "modified": "2024-01-01T00:00:00Z", "affected": [
    {"package": {"ecosystem": "Test", "name": "other"}, "ranges": [{"type": "ECOSYSTEM",
      "events": [{"introduced": "0"}]}]},
    {"package": {"ecosystem": "Test", "name": "p"}, "ranges": [{"type": "ECOSYSTEM",
      "events": [{"introduced": "0"}, {"fixed": "2"}]}]},
    {"package": {"ecosystem": "Test", "name": "p"}, "ranges": [{"type": "ECOSYSTEM",
      "events": [{"introduced": "1.5"}, {"fixed": "3"}]}]}]})";
  const Result<Record> record = ParseOsvJson(text);
  ASSERT_TRUE(record.has_value());
  const Result<CompiledRecord> compiled = Compile(*record, kTestOrderings);
  ASSERT_TRUE(compiled.has_value());
  const Result<std::vector<Match>> matches = FindMatches(*compiled, "Test", "p", "1.7");
  ASSERT_TRUE(matches.has_value());
  ASSERT_EQ(matches->size(), 2u);
  EXPECT_EQ((*matches)[0].affected_index, 1u);
  EXPECT_EQ((*matches)[0].fixed, std::vector<std::string>{"2"});
  EXPECT_EQ((*matches)[1].affected_index, 2u);
  EXPECT_EQ((*matches)[1].fixed, std::vector<std::string>{"3"});
  EXPECT_TRUE(FindMatches(*compiled, "Other", "p", "1.7")->empty());
  const Result<std::vector<Match>> invalid = FindMatches(*compiled, "Test", "p", "x");
  ASSERT_FALSE(invalid.has_value());
  EXPECT_EQ(invalid.error().code, "invalidVersion");
}

// ---- Real records with the version module's orderings (testdata/real_ordering_cases.txt).

struct RealCheck {
  std::string ecosystem;
  std::string name;
  Check check;
};

struct RealCase {
  std::string record_path;
  std::vector<RealCheck> checks;
};

std::string Trimmed(std::string_view text) {
  while (text.starts_with(' ')) text.remove_prefix(1);
  while (text.ends_with(' ')) text.remove_suffix(1);
  return std::string(text);
}

std::vector<RealCase> LoadRealCases() {
  std::istringstream lines(ReadBytes(TestData("real_ordering_cases.txt")));
  std::vector<RealCase> cases;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    if (line.starts_with("record ")) {
      cases.emplace_back();
      cases.back().record_path = line.substr(7);
      continue;
    }
    if (cases.empty()) throw std::runtime_error("check before any record: " + line);
    const std::size_t first_bar = line.find(" | ");
    const std::size_t second_bar = line.find(" | ", first_bar + 3);
    const std::size_t arrow = line.find(" -> ");
    if (first_bar == std::string::npos || second_bar == std::string::npos ||
        arrow == std::string::npos) {
      throw std::runtime_error("bad check: " + line);
    }
    RealCheck real;
    real.ecosystem = Trimmed(std::string_view(line).substr(0, first_bar));
    real.name = Trimmed(std::string_view(line).substr(first_bar + 3, second_bar - first_bar - 3));
    real.check.version =
        Trimmed(std::string_view(line).substr(second_bar + 3, arrow - second_bar - 3));
    const std::string outcome = line.substr(arrow + 4);
    if (outcome.starts_with("affected")) {
      real.check.outcome = "affected";
      const std::size_t open = outcome.find('[');
      const std::size_t close = outcome.find(']');
      real.check.fixed = SplitList(std::string_view(outcome).substr(open + 1, close - open - 1));
    } else if (outcome.starts_with("error ")) {
      real.check.outcome = "error";
      real.check.error_code = outcome.substr(6);
    } else {
      real.check.outcome = "unaffected";
    }
    cases.back().checks.push_back(std::move(real));
  }
  return cases;
}

Record LoadRecord(const std::string& relative) {
  const std::filesystem::path path = relative.starts_with("testdata/")
                                         ? TestData(relative.substr(9))
                                         : testing::SbomData(relative);
  const std::string text = ReadBytes(path);
  Result<Record> record = relative.ends_with(".yaml") ? ParseOsvYaml(text) : ParseOsvJson(text);
  if (!record) throw std::runtime_error(record.error().message);
  return std::move(*record);
}

TEST(RealOrderings, RecordsOfEachEcosystemMatchVersionsAsTheirOrderingSays) {
  const std::vector<RealCase> cases = LoadRealCases();
  ASSERT_GE(cases.size(), 10u);
  for (const RealCase& real_case : cases) {
    SCOPED_TRACE("record: " + real_case.record_path);
    const Record record = LoadRecord(real_case.record_path);
    const Result<CompiledRecord> compiled = Compile(record);
    ASSERT_TRUE(compiled.has_value()) << compiled.error().message;
    for (const RealCheck& real : real_case.checks) {
      SCOPED_TRACE(real.ecosystem + " " + real.name + " " + real.check.version);
      const Result<std::vector<Match>> matches =
          FindMatches(*compiled, real.ecosystem, real.name, real.check.version);
      if (real.check.outcome == "error") {
        ASSERT_FALSE(matches.has_value());
        EXPECT_EQ(matches.error().code, real.check.error_code);
        continue;
      }
      ASSERT_TRUE(matches.has_value()) << matches.error().message;
      if (real.check.outcome == "unaffected") {
        EXPECT_TRUE(matches->empty());
      } else {
        ASSERT_EQ(matches->size(), 1u);
        EXPECT_EQ(matches->front().fixed, real.check.fixed);
      }
    }
  }
}

struct CompileSummary {
  std::size_t compiled = 0;
  std::vector<std::string> refused;
};

CompileSummary CompileDirectory(std::string_view relative) {
  Result<std::unique_ptr<RecordSource>> source = OpenOsvDirectory(testing::SbomData(relative));
  if (!source) throw std::runtime_error(source.error().message);
  Result<LoadedRecords> loaded = LoadAll(**source);
  if (!loaded) throw std::runtime_error(loaded.error().message);
  CompileSummary summary;
  for (const Record& record : loaded->records) {
    Result<CompiledRecord> compiled = Compile(record);
    if (compiled) {
      ++summary.compiled;
    } else {
      summary.refused.push_back(compiled.error().message);
    }
  }
  std::cout << "[ data     ] " << relative << ": " << summary.compiled << " compiled, "
            << summary.refused.size() << " refused\n";
  for (const std::string& message : summary.refused)
    std::cout << "[ refused  ] " << message << "\n";
  return summary;
}

TEST(RealOrderings, EveryGoRustSecAndCranRecordCompilesWithTheRealOrderings) {
  EXPECT_TRUE(CompileDirectory("osv-golang-vulndb/data/osv").refused.empty());
  EXPECT_TRUE(CompileDirectory("osv-rustsec/crates").refused.empty());
  EXPECT_TRUE(CompileDirectory("osv-r-advisory-database").refused.empty());
}

}  // namespace
}  // namespace sg::advisory
