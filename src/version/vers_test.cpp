// vers ranges: every file of the public vers-spec test suite
// (../shared/reference/sbom-data/vers-spec/tests/), then our own edge cases.
//
// The suite runner answers each case as passed, skipped (a test type or native notation we do
// not implement, with the reason) or disputed (a case that contradicts the spec, listed in
// kDisputes with the reason and with what we answer instead, which is asserted). Any other
// outcome fails the test, as does a disputed case that starts to agree with the suite.
#include "version/vers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "testing/reference_data.hpp"

namespace sg::version {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// The suite

/// A suite case we believe wrong per the spec: we answer with an error of `code` whose message
/// contains `message_part`, and the test asserts exactly that.
struct Dispute {
  std::string_view file;
  std::string_view input;
  std::string_view code;
  std::string_view message_part;
  std::string_view reason;
};

constexpr Dispute kDisputes[] = {
    {"vers_canonical_parse_test.json", "vers:npm/1.0%252F0", "invalidVersion", "'1.0%2F0'",
     "decoding once gives '1.0%2F0' (checked through the message), which is not a node-semver "
     "version; spec 5.3.2: a vers of a registered type is invalid if it breaks the type's rules"},
    {"pypi_range_validate_test.json", "vers:pypi/>0.0.0|>=0.0.1|0.0.2|<0.0.3|0.0.4|<0.0.5|>=0.0.6",
     "invalidConstraints", "'<0.0.3' cannot follow the equality '0.0.2'",
     "spec 5.4: ignoring '!=', an equality may be followed only by an equality, '>' or '>=' (here "
     "'<0.0.3' follows '0.0.2'); and '<'/'<=' and '>'/'>=' must alternate (here '>=0.0.1' "
     "follows '>0.0.0')"},
    {"pypi_range_validate_test.json",
     "vers:pypi/>0.0.0|>=0.0.1|>=0.0.1|0.0.2|0.0.3|0.0.4|<0.0.5|<=0.0.6|!=0.7|8.0|>12|<15.3",
     "invalidConstraints", "occur only once",
     "spec 5.4: each version occurs only once, but 0.0.1 is there twice (and the comparators do "
     "not alternate either)"},
    {"pypi_range_validate_test.json",
     "vers:pypi/>0.0.0|>=0.0.1|0.0.2|0.0.3|0.0.4|<0.0.5|>=0.0.6|!=0.8", "invalidConstraints",
     "'<0.0.5' cannot follow the equality '0.0.4'",
     "spec 5.4: ignoring '!=', an equality may be followed only by an equality, '>' or '>=' (here "
     "'<0.0.5' follows '0.0.4'); and '<'/'<=' and '>'/'>=' must alternate (here '>=0.0.1' "
     "follows '>0.0.0')"},
};

/// What the suite's expected failure messages mean, as a part our message must contain.
const std::map<std::string, std::string, std::less<>> kMeanings = {
    {"non-canonical VERS: whitespace is not permitted", "whitespace is not permitted"},
    {"non-canonical VERS: leading pipe is not permitted", "leading pipe"},
    {"non-canonical VERS: trailing pipe is not permitted", "trailing pipe"},
    {"non-canonical VERS: consecutive pipes are not permitted", "consecutive pipes"},
    {"non-canonical VERS: constraints are not sorted by version", "not sorted by version"},
    {"non-canonical VERS: invalid percent-encoding in version", "invalid percent-encoding"},
    {"non-canonical VERS: datetime must use uppercase T and Z", "upper-case 'T'"},
    {"non-canonical VERS: datetime time colons must be unencoded",
     "encodes ':', which must be written unencoded"},
    {"non-canonical VERS: percent-encoding in version is not canonical", "upper-case hex digits"},
};

/// Native notations we do not convert, and why. Each of these schemes needs an ordering that
/// version.hpp does not have, so neither the conversion nor its result could be checked.
const std::map<std::string, std::string, std::less<>> kSkippedNative = {
    {"conan",
     "Conan ranges (include_prerelease, '-' pre-release markers, bounds such as '<2-') need "
     "Conan's own version ordering, which SupplyGuard does not implement"},
    {"nginx",
     "nginx advisories' notation ('0.8.40+' = from 0.8.40 within the 0.8 branch) is a vendor "
     "convention with no ecosystem ordering here"},
    {"openssl",
     "OpenSSL versions with letter suffixes (1.0.2ck) need OpenSSL's ordering, which SupplyGuard "
     "does not implement"},
};

enum class Outcome { kPassed, kSkipped, kDisputed, kFailed };

struct Answer {
  Outcome outcome = Outcome::kPassed;
  std::string note;  // why it was skipped, or what failed
};

Answer Pass() { return {Outcome::kPassed, {}}; }
Answer Skip(std::string reason) { return {Outcome::kSkipped, std::move(reason)}; }
Answer Failed(std::string what) { return {Outcome::kFailed, std::move(what)}; }

std::string Text(const json::value& value) { return std::string(value.as_string()); }

std::vector<std::string> Strings(const json::value& value) {
  std::vector<std::string> strings;
  for (const json::value& item : value.as_array()) strings.push_back(Text(item));
  return strings;
}

/// The error part of `result`, for checking an expected failure.
template <typename T>
std::optional<Error> ErrorOf(const Result<T>& result) {
  if (result) return std::nullopt;
  return result.error();
}

/// An expected failure: `error` must exist and say what `expected_message` means.
Answer CheckExpectedFailure(const std::optional<Error>& error, const json::object& test) {
  if (!error) return Failed("succeeded where the suite expects a failure");
  const json::value* message = test.if_contains("expected_message");
  if (message == nullptr) return Pass();
  const auto meaning = kMeanings.find(message->as_string());
  if (meaning == kMeanings.end()) {
    return Failed(fmt::format("add the meaning of '{}' to kMeanings", Text(*message)));
  }
  if (error->message.find(meaning->second) == std::string::npos) {
    return Failed(
        fmt::format("failed with '{}', which does not say '{}'", error->message, meaning->second));
  }
  return Pass();
}

bool ExpectsFailure(const json::object& test) {
  const json::value* failure = test.if_contains("expected_failure");
  return failure != nullptr && failure->as_bool();
}

Answer RunParse(const json::object& test) {
  const Result<VersRange> range = ParseVers(Text(test.at("input")));
  if (ExpectsFailure(test)) return CheckExpectedFailure(ErrorOf(range), test);
  if (!range) return Failed("failed: " + range.error().message);
  const json::object& expected = test.at("expected_output").as_object();
  json::array constraints;
  for (const VersConstraint& constraint : range->constraints) {
    const std::string_view symbol = Symbol(constraint.comparator);
    constraints.push_back(json::array{symbol.empty() ? "=" : symbol, constraint.version});
  }
  const json::object actual{{"scheme", range->scheme}, {"version_constraints", constraints}};
  if (actual != expected) return Failed("parsed as " + json::serialize(actual));
  return Pass();
}

Answer RunValidate(const json::object& test) {
  const Result<VersRange> range = NormalizeVers(Text(test.at("input")));
  if (ExpectsFailure(test)) return CheckExpectedFailure(ErrorOf(range), test);
  if (!range) return Failed("failed: " + range.error().message);
  const std::string canonical = ToString(*range);
  if (canonical != Text(test.at("expected_output"))) return Failed("gave " + canonical);
  return Pass();
}

Answer RunContainment(const json::object& test) {
  const json::object& input = test.at("input").as_object();
  const Result<VersRange> range = NormalizeVers(Text(input.at("vers")));
  if (!range) {
    return ExpectsFailure(test) ? CheckExpectedFailure(range.error(), test)
                                : Failed("range refused: " + range.error().message);
  }
  const Result<bool> contained = Contains(*range, Text(input.at("version")));
  if (ExpectsFailure(test)) return CheckExpectedFailure(ErrorOf(contained), test);
  if (!contained) return Failed("failed: " + contained.error().message);
  if (*contained != test.at("expected_output").as_bool()) {
    return Failed(fmt::format("answered {}", *contained));
  }
  return Pass();
}

Answer RunComparison(const json::object& test) {
  const json::object& input = test.at("input").as_object();
  const std::string scheme = Text(input.at("input_scheme"));
  std::vector<std::string> versions = Strings(input.at("versions"));
  for (const std::string& version : versions) {
    const Result<int> valid = CompareVersVersions(scheme, version, version);
    if (!valid) {
      return ExpectsFailure(test) ? CheckExpectedFailure(valid.error(), test)
                                  : Failed("failed: " + valid.error().message);
    }
  }
  if (ExpectsFailure(test)) return Failed("every version is valid");
  std::stable_sort(versions.begin(), versions.end(), [&](const auto& a, const auto& b) {
    return CompareVersVersions(scheme, a, b).value() < 0;
  });
  if (versions != Strings(test.at("expected_output"))) {
    return Failed("sorted as " + json::serialize(json::value_from(versions)));
  }
  return Pass();
}

Answer RunEquality(const json::object& test) {
  const json::object& input = test.at("input").as_object();
  const std::string scheme = Text(input.at("input_scheme"));
  const std::vector<std::string> versions = Strings(input.at("versions"));
  bool all_equal = true;
  for (const std::string& version : versions) {
    const Result<int> compared = CompareVersVersions(scheme, versions.front(), version);
    if (!compared) {
      return ExpectsFailure(test) ? CheckExpectedFailure(compared.error(), test)
                                  : Failed("failed: " + compared.error().message);
    }
    all_equal = all_equal && *compared == 0;
  }
  if (all_equal != test.at("expected_output").as_bool()) {
    return Failed(fmt::format("answered {}", all_equal));
  }
  return Pass();
}

Answer RunFromNative(const json::object& test) {
  const json::object& input = test.at("input").as_object();
  const std::string scheme = Text(input.at("scheme"));
  if (const auto skipped = kSkippedNative.find(scheme); skipped != kSkippedNative.end()) {
    return Skip(skipped->second);
  }
  const Result<VersRange> range = VersFromNative(scheme, Text(input.at("native_range")));
  if (ExpectsFailure(test)) return CheckExpectedFailure(ErrorOf(range), test);
  if (!range) return Failed("failed: " + range.error().message);
  const std::string canonical = ToString(*range);
  if (canonical != Text(test.at("expected_output"))) return Failed("gave " + canonical);
  return Pass();
}

/// The disputed entry for this case, if it is one.
const Dispute* FindDispute(std::string_view file, const json::object& test) {
  const json::value& input = test.at("input");
  if (!input.is_string()) return nullptr;
  for (const Dispute& dispute : kDisputes) {
    if (dispute.file == file && dispute.input == input.as_string()) return &dispute;
  }
  return nullptr;
}

/// A disputed case: we must answer with the error the dispute names.
Answer RunDisputed(const Dispute& dispute, const json::object& test) {
  const std::string input = Text(test.at("input"));
  const std::string type = Text(test.at("test_type"));
  const Result<VersRange> range = type == "parse" ? ParseVers(input) : NormalizeVers(input);
  if (range) return Failed("disputed case now succeeds: remove it from kDisputes");
  if (range.error().code != dispute.code ||
      range.error().message.find(dispute.message_part) == std::string::npos) {
    return Failed(fmt::format("disputed case fails differently: {} {}", range.error().code,
                              range.error().message));
  }
  return {Outcome::kDisputed, std::string(dispute.reason)};
}

Answer RunCase(std::string_view file, const json::object& test) {
  if (const Dispute* dispute = FindDispute(file, test)) return RunDisputed(*dispute, test);
  const std::string type = Text(test.at("test_type"));
  if (type == "parse") return RunParse(test);
  if (type == "validate") return RunValidate(test);
  if (type == "containment") return RunContainment(test);
  if (type == "comparison") return RunComparison(test);
  if (type == "equality") return RunEquality(test);
  if (type == "from_native") return RunFromNative(test);
  // "build", "invert" and "merge" are not implemented: SupplyGuard only reads ranges.
  return Skip("test type '" + type + "' is not implemented");
}

TEST(VersSpecSuite, EverySupportedCaseOfEveryFilePasses) {
  const fs::path directory = testing::SbomDataDir() / "vers-spec" / "tests";
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 12U) << "the vers-spec suite has shrunk: " << directory;

  int total_passed = 0;
  for (const fs::path& path : files) {
    const std::string file = path.filename().string();
    const json::value document = json::parse(testing::ReadFileBytes(path));
    const json::array& tests = document.at("tests").as_array();
    EXPECT_FALSE(tests.empty()) << file;
    std::map<Outcome, int> counts;
    std::map<std::string, int> skip_reasons;
    for (std::size_t index = 0; index < tests.size(); ++index) {
      const json::object& test = tests[index].as_object();
      const Answer answer = RunCase(file, test);
      ++counts[answer.outcome];
      if (answer.outcome == Outcome::kSkipped) ++skip_reasons[answer.note];
      if (answer.outcome == Outcome::kFailed) {
        ADD_FAILURE() << file << " case " << index << " (" << json::serialize(test.at("input"))
                      << "): " << answer.note;
      }
    }
    total_passed += counts[Outcome::kPassed];
    fmt::print("[vers-spec] {:<42} passed {:>3}  skipped {:>3}  disputed {}  failed {}\n", file,
               counts[Outcome::kPassed], counts[Outcome::kSkipped], counts[Outcome::kDisputed],
               counts[Outcome::kFailed]);
    for (const auto& [reason, count] : skip_reasons) {
      fmt::print("[vers-spec]     skipped {}: {}\n", count, reason);
    }
  }
  EXPECT_GT(total_passed, 50);
}

// ---------------------------------------------------------------------------------------------
// Our own cases

VersRange Parsed(std::string_view text) {
  Result<VersRange> range = ParseVers(text);
  EXPECT_TRUE(range) << text << ": " << (range ? "" : range.error().message);
  return range ? *range : VersRange{};
}

/// Contains for a canonical range; false (with a test failure) when either is refused.
bool In(std::string_view range_text, std::string_view version) {
  const Result<VersRange> range = ParseVers(range_text);
  if (!range) {
    ADD_FAILURE() << range_text << ": " << range.error().message;
    return false;
  }
  const Result<bool> contained = Contains(*range, version);
  if (!contained) {
    ADD_FAILURE() << range_text << " " << version << ": " << contained.error().message;
    return false;
  }
  return *contained;
}

/// The error code of parsing `text` canonically, or "" when it parses.
std::string ParseErrorCode(std::string_view text) {
  const Result<VersRange> range = ParseVers(text);
  return range ? "" : range.error().code;
}

TEST(VersParse, SplitsSchemeComparatorsAndDecodedVersions) {
  const VersRange range = Parsed("vers:npm/<1.0.0|>=2.0.0-rc.1|!=2.1.0|<=3.0.0|4.0.0|>5.0.0");
  EXPECT_EQ(range.scheme, "npm");
  const std::vector<VersConstraint> expected{
      {VersComparator::kLess, "1.0.0"},     {VersComparator::kGreaterOrEqual, "2.0.0-rc.1"},
      {VersComparator::kNotEqual, "2.1.0"}, {VersComparator::kLessOrEqual, "3.0.0"},
      {VersComparator::kEqual, "4.0.0"},    {VersComparator::kGreater, "5.0.0"},
  };
  EXPECT_EQ(range.constraints, expected);
  EXPECT_EQ(ToString(range), "vers:npm/<1.0.0|>=2.0.0-rc.1|!=2.1.0|<=3.0.0|4.0.0|>5.0.0");
}

TEST(VersParse, RefusesWhatIsNotCanonicalWithTheRightCode) {
  EXPECT_EQ(ParseErrorCode("vers:npm/=1.0.0"), "invalidRange");  // equality is a bare version
  EXPECT_EQ(ParseErrorCode("vers:NPM/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("VERS:npm/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/*|1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/*1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/>="), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("npm/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:1npm/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:np%6D/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0\t"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/>=1.0.0|<2.0.0\n"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0-\xC3\xA9"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0%"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0%4"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:invalid/1.0.0"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:cobol/1.0"), "unknownVersScheme");
}

TEST(VersParse, RefusesInvalidSequencesOfConstraints) {
  EXPECT_EQ(ParseErrorCode("vers:npm/>=1.0.0|>=2.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/<1.0.0|<2.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0|<2.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/>=1.0.0|1.5.0|<2.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/>=1.0.0|<1.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/2.0.0|1.0.0"), "invalidConstraints");
  // "!=" may stand anywhere; equalities may precede bounds.
  EXPECT_EQ(ParseErrorCode("vers:npm/>=1.0.0|!=1.5.0|<2.0.0"), "");
  EXPECT_EQ(ParseErrorCode("vers:npm/!=0.5.0|1.0.0|>=2.0.0|<3.0.0|!=4.0.0"), "");
}

TEST(VersParse, NamesAVersionInvalidInTheScheme) {
  const Result<VersRange> range = ParseVers("vers:npm/>=1.0.0|<banana");
  ASSERT_FALSE(range);
  EXPECT_EQ(range.error().code, "invalidVersion");
  EXPECT_NE(range.error().message.find("banana"), std::string::npos) << range.error().message;
}

TEST(VersParse, VersionsAreUniqueByTheSchemesEquality) {
  // PEP 440 and Maven pad releases with zeros; NuGet ignores case.
  EXPECT_EQ(ParseErrorCode("vers:pypi/1.0|1.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:maven/1.0|1.0.0"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:nuget/1.0.0-Beta|1.0.0-beta"), "invalidConstraints");
  EXPECT_EQ(ParseErrorCode("vers:npm/1.0.0|1.0.0"), "invalidConstraints");
}

TEST(VersEncoding, ReservedCharactersRoundTripPercentEncoded) {
  const VersRange range{"lexicographic",
                        {{VersComparator::kEqual, "a b"}, {VersComparator::kEqual, "a|b<c%"}}};
  const std::string text = ToString(range);
  EXPECT_EQ(text, "vers:lexicographic/a%20b|a%7Cb%3Cc%25");
  EXPECT_EQ(Parsed(text), range);
  EXPECT_TRUE(ValidateVers(range));
  // Canonical form encodes only what must be: upper-case hex, nothing else encoded.
  EXPECT_EQ(ParseErrorCode("vers:lexicographic/a%7cb"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:lexicographic/a%2Eb"), "invalidRange");
  EXPECT_EQ(ParseErrorCode("vers:lexicographic/a<b"), "invalidRange");
}

TEST(VersNormalize, SortsAndRemediesWhatIsUnambiguous) {
  const Result<VersRange> range = NormalizeVers("VERS:PyPI/<2.0|=1.0|>=1.5|!=1.%37");
  ASSERT_TRUE(range) << range.error().message;
  EXPECT_EQ(ToString(*range), "vers:pypi/1.0|>=1.5|!=1.7|<2.0");
  EXPECT_FALSE(NormalizeVers("vers:pypi/1.0| 2.0"));       // white space is never guessed at
  EXPECT_FALSE(NormalizeVers("vers:pypi/2.0|1.0|1.0.0"));  // duplicates stay errors
  EXPECT_FALSE(NormalizeVers("vers:pypi/<2.0|<1.0"));      // so do invalid sequences
}

TEST(VersValidate, ChecksRangesBuiltInCode) {
  EXPECT_TRUE(ValidateVers({"npm", {{VersComparator::kAny, ""}}}));
  EXPECT_FALSE(ValidateVers({"npm", {}}));
  EXPECT_FALSE(
      ValidateVers({"npm", {{VersComparator::kAny, ""}, {VersComparator::kEqual, "1.0.0"}}}));
  EXPECT_FALSE(ValidateVers({"npm", {{VersComparator::kEqual, ""}}}));
  EXPECT_FALSE(ValidateVers(
      {"npm", {{VersComparator::kEqual, "2.0.0"}, {VersComparator::kEqual, "1.0.0"}}}));
  EXPECT_FALSE(ValidateVers({"nope", {{VersComparator::kEqual, "1.0.0"}}}));
}

TEST(VersContains, FollowsTheSpecsAlgorithm) {
  constexpr std::string_view kRange = "vers:npm/<0.5.0|1.0.0|>=2.0.0|!=2.5.0|<3.0.0|4.0.0|>5.0.0";
  EXPECT_TRUE(In(kRange, "0.1.0"));  // below the first "<"
  EXPECT_FALSE(In(kRange, "0.5.0"));
  EXPECT_TRUE(In(kRange, "1.0.0"));   // an equality
  EXPECT_FALSE(In(kRange, "1.5.0"));  // between "<" and ">=": out
  EXPECT_TRUE(In(kRange, "2.0.0"));   // ">=" includes its version
  EXPECT_TRUE(In(kRange, "2.4.9"));
  EXPECT_FALSE(In(kRange, "2.5.0"));  // excluded
  EXPECT_FALSE(In(kRange, "3.0.0"));
  EXPECT_TRUE(In(kRange, "4.0.0"));
  EXPECT_FALSE(In(kRange, "4.5.0"));
  EXPECT_FALSE(In(kRange, "5.0.0"));  // ">" excludes its version
  EXPECT_TRUE(In(kRange, "6.0.0"));   // above the last ">"
}

TEST(VersContains, HandlesSingleBoundsExclusionsAndTheStar) {
  EXPECT_TRUE(In("vers:npm/>1.0.0", "1.0.1"));
  EXPECT_FALSE(In("vers:npm/>1.0.0", "1.0.0"));
  EXPECT_TRUE(In("vers:npm/<=1.0.0", "1.0.0"));
  EXPECT_FALSE(In("vers:npm/<=1.0.0", "1.0.1"));
  EXPECT_TRUE(In("vers:npm/!=1.0.0", "1.0.1"));  // only exclusions: everything else is in
  EXPECT_FALSE(In("vers:npm/!=1.0.0", "1.0.0"));
  EXPECT_FALSE(In("vers:npm/1.0.0|2.0.0", "1.5.0"));
  EXPECT_TRUE(In("vers:npm/*", "0.0.1-alpha"));
  EXPECT_TRUE(In("vers:npm/>=1.0.0-rc.1|<1.0.0", "1.0.0-rc.2"));
}

TEST(VersContains, AnInvalidVersionIsAnErrorNamingIt) {
  const VersRange range = Parsed("vers:npm/>=1.0.0|<2.0.0");
  const Result<bool> contained = Contains(range, "not-a-version");
  ASSERT_FALSE(contained);
  EXPECT_EQ(contained.error().code, "invalidVersion");
  EXPECT_NE(contained.error().message.find("not-a-version"), std::string::npos);
}

TEST(VersSchemes, DebianAndRpmRangesOrderEpochsFirst) {
  EXPECT_TRUE(In("vers:deb/>=1:1.0-1|<1:2.0-1", "1:1.5-3"));
  EXPECT_FALSE(In("vers:deb/>=1:1.0-1|<1:2.0-1", "3.0-1"));  // epoch 0 sorts below epoch 1
  EXPECT_TRUE(In("vers:deb/>=1.0~rc1|<1.0", "1.0~rc2"));
  EXPECT_EQ(ParseErrorCode("vers:deb/1:0.5|2.0"), "invalidConstraints");  // 2.0 < 1:0.5
  const Result<VersRange> sorted = NormalizeVers("vers:deb/1:0.5|2.0");
  ASSERT_TRUE(sorted) << sorted.error().message;
  EXPECT_EQ(ToString(*sorted), "vers:deb/2.0|1:0.5");
  EXPECT_TRUE(In("vers:rpm/>=1:1.0-1.el8|<1:2.0-1.el8", "1:1.5-3.el8"));
  EXPECT_FALSE(In("vers:rpm/>=1:1.0-1.el8|<1:2.0-1.el8", "1.5-3.el8"));
  EXPECT_TRUE(In("vers:rpm/0:1.0-1", "1.0-1"));  // a missing epoch is 0
}

TEST(VersSchemes, MavenQualifiersOrderAsMavenDoes) {
  constexpr std::string_view kRange = "vers:maven/>=1.0-alpha-1|<1.0";
  EXPECT_TRUE(In(kRange, "1.0-beta-2"));
  EXPECT_TRUE(In(kRange, "1.0-RC1"));
  EXPECT_TRUE(In(kRange, "1.0-SNAPSHOT"));  // a snapshot sorts before its release
  EXPECT_FALSE(In(kRange, "1.0"));
  EXPECT_FALSE(In(kRange, "1.0-sp1"));  // a service pack sorts after its release
  EXPECT_TRUE(In("vers:maven/1.0", "1.0.0"));
}

TEST(VersSchemes, GoVersionsWithOrWithoutV) {
  constexpr std::string_view kRange = "vers:golang/>=v1.2.0|<v2.0.0";
  EXPECT_TRUE(In(kRange, "v1.5.0"));
  EXPECT_TRUE(In(kRange, "1.5.0"));
  EXPECT_TRUE(In(kRange, "v1.2.1-0.20210101000000-abcdefabcdef"));  // a pseudo-version
  EXPECT_FALSE(In(kRange, "v2.0.0"));
  EXPECT_FALSE(In(kRange, "v1.2.0-rc.1"));
}

TEST(VersSchemes, LexicographicIsByteOrder) {
  EXPECT_EQ(CompareVersVersions("lexicographic", "B", "a").value(), -1);
  EXPECT_EQ(CompareVersVersions("lexicographic", "z", "\xC3\xA4").value(), -1);
  EXPECT_EQ(CompareVersVersions("lexicographic", "ab", "ab").value(), 0);
}

TEST(VersSchemes, DatetimeOrdersInstants) {
  constexpr std::string_view kJanuary =
      "vers:datetime/>=2024-01-01T00:00:00Z|<2024-02-01T00:00:00Z";
  EXPECT_TRUE(In(kJanuary, "2024-01-31T20:00:00-02:00"));   // 22:00Z
  EXPECT_FALSE(In(kJanuary, "2024-01-31T23:00:00-05:00"));  // 04:00Z on 1 February
  EXPECT_TRUE(In(kJanuary, "2024-01-01T01:00:00.5+01:00"));
  EXPECT_EQ(
      CompareVersVersions("datetime", "2024-01-01T00:00:00.10Z", "2024-01-01T00:00:00.1Z").value(),
      0);
  EXPECT_EQ(
      CompareVersVersions("datetime", "2024-01-01T00:00:00.09Z", "2024-01-01T00:00:00.1Z").value(),
      -1);
  EXPECT_FALSE(CompareVersVersions("datetime", "2023-02-29T00:00:00Z", "2023-02-28T00:00:00Z"));
  EXPECT_FALSE(CompareVersVersions("datetime", "2024-01-01", "2024-01-01"));
  EXPECT_FALSE(CompareVersVersions("datetime", "2024-01-01T00:00:00", "2024-01-01T00:00:00"));
  EXPECT_EQ(CompareVersVersions("cobol", "1", "2").error().code, "unknownVersScheme");
}

std::string FromNative(std::string_view scheme, std::string_view native) {
  const Result<VersRange> range = VersFromNative(scheme, native);
  return range ? ToString(*range) : "error: " + range.error().code;
}

TEST(VersFromNative, ConvertsPep440SpecifierSets) {
  EXPECT_EQ(FromNative("pypi", ">=1.0, <2, !=1.5"), "vers:pypi/>=1.0|!=1.5|<2");
  EXPECT_EQ(FromNative("pypi", "~=1.4.5"), "vers:pypi/>=1.4.5|<1.5.dev0");
  EXPECT_EQ(FromNative("pypi", "==1.4.*"), "vers:pypi/>=1.4.dev0|<1.5.dev0");
  EXPECT_EQ(FromNative("pypi", "==2.0"), "vers:pypi/2.0");
  EXPECT_EQ(FromNative("pypi", ">=1.0,>1.0,<=3"), "vers:pypi/>1.0|<=3");
  EXPECT_EQ(FromNative("pypi", ">=1.0,<2,!=1.0,!=9"), "vers:pypi/>1.0|<2");
  EXPECT_EQ(FromNative("pypi", ">=1.0,<=1.0"), "vers:pypi/1.0");
  EXPECT_EQ(FromNative("pypi", ""), "vers:pypi/*");
  EXPECT_EQ(FromNative("pypi", ">2,<1"), "error: invalidConstraints");
  EXPECT_EQ(FromNative("pypi", "===foo"), "error: invalidRange");
  EXPECT_EQ(FromNative("pypi", "!=1.*"), "error: invalidRange");
  EXPECT_EQ(FromNative("pypi", "~=1"), "error: invalidSpecifier");
}

TEST(VersFromNative, ConvertsRubyGemsRequirements) {
  EXPECT_EQ(FromNative("gem", "~> 1"), "vers:gem/>=1|<2");
  EXPECT_EQ(FromNative("gem", "~> 1.9.9"), "vers:gem/>=1.9.9|<1.10");
  EXPECT_EQ(FromNative("gem", "~> 2.0.0.rc1"), "vers:gem/>=2.0.0.rc1|<2.1");
  EXPECT_EQ(FromNative("gem", ">= 1.0, != 1.5, < 2"), "vers:gem/>=1.0|!=1.5|<2");
  EXPECT_EQ(FromNative("gem", "1.2.3"), "vers:gem/1.2.3");
  EXPECT_EQ(FromNative("gem", "= 1.2.3, > 2"), "error: invalidConstraints");
}

TEST(VersFromNative, ConvertsNuGetIntervals) {
  EXPECT_EQ(FromNative("nuget", "1.0"), "vers:nuget/>=1.0");
  EXPECT_EQ(FromNative("nuget", "[1.0]"), "vers:nuget/1.0");
  EXPECT_EQ(FromNative("nuget", "(1.0,)"), "vers:nuget/>1.0");
  EXPECT_EQ(FromNative("nuget", "(,1.0]"), "vers:nuget/<=1.0");
  EXPECT_EQ(FromNative("nuget", "(1.0, 2.0]"), "vers:nuget/>1.0|<=2.0");
  EXPECT_EQ(FromNative("nuget", "[2.0,1.0]"), "error: invalidConstraints");
  EXPECT_EQ(FromNative("nuget", "(1.0)"), "error: invalidRange");
  EXPECT_EQ(FromNative("nuget", "1.*"), "error: invalidRange");
  EXPECT_EQ(FromNative("conan", "~1"), "error: unknownVersScheme");
  EXPECT_EQ(FromNative("npm", "^1.2.3"), "error: unsupportedNativeRange");
}

}  // namespace
}  // namespace sg::version
