#include "cpe/cpe.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <expected>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/reference_data.hpp"

namespace sg::cpe {

// Shows a WFN in gtest messages as its formatted string.
void PrintTo(const Wfn& wfn, std::ostream* stream) { *stream << ToFormattedString(wfn); }

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Test data, outside the repository at <repo>/../shared/reference/sbom-data.

using sg::testing::SbomDataDir;

json::value ReadJson(const fs::path& path) { return json::parse(sg::testing::ReadFileBytes(path)); }

std::string Text(const json::value* value) {
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string Describe(const Wfn& wfn) { return ToFormattedString(wfn); }

std::string Describe(Relation relation) {
  switch (relation) {
    case Relation::kDisjoint:
      return "DISJOINT";
    case Relation::kSubset:
      return "SUBSET";
    case Relation::kSuperset:
      return "SUPERSET";
    case Relation::kEqual:
      return "EQUAL";
    case Relation::kUndefined:
      return "UNDEFINED";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// go-cpe vectors (cpe/go-cpe-test-vectors.json; see the README beside it).

const json::value& GoCpeVectors() {
  static const json::value vectors = ReadJson(SbomDataDir() / "cpe" / "go-cpe-test-vectors.json");
  return vectors;
}

const json::array& VectorsOf(std::string_view test_name) {
  for (const auto& [file, tests] : GoCpeVectors().at("files").as_object()) {
    for (const json::value& test : tests.as_array()) {
      if (Text(test.as_object().if_contains("test")) == test_name) {
        return test.at("vectors").as_array();
      }
    }
  }
  throw std::runtime_error("go-cpe vectors have no test " + std::string(test_name));
}

std::optional<Attribute> FindAttribute(std::string_view name) {
  for (const Attribute attribute : kAttributes) {
    if (AttributeName(attribute) == name) return attribute;
  }
  return std::nullopt;
}

// A vector's {"wfn": {attribute: value}}: a string in WFN form, or {"logical": "ANY"|"NA"}; an
// absent attribute is ANY (go-cpe compares nil with nil as EQUAL).
std::expected<Wfn, std::string> WfnFromJson(const json::value& value) {
  Wfn wfn;
  for (const auto& [name, attribute_value] : value.at("wfn").as_object()) {
    const auto attribute = FindAttribute(name);
    if (!attribute) return std::unexpected("unknown attribute " + std::string(name));
    if (attribute_value.is_string()) {
      auto parsed = AttributeValue::FromWfnString(std::string(attribute_value.as_string()));
      if (!parsed) return std::unexpected(parsed.error().message);
      wfn.Get(*attribute) = std::move(*parsed);
    } else if (attribute_value.is_object()) {
      const std::string logical = Text(attribute_value.as_object().if_contains("logical"));
      if (logical == "ANY") {
        wfn.Get(*attribute) = AttributeValue::Any();
      } else if (logical == "NA") {
        wfn.Get(*attribute) = AttributeValue::Na();
      } else {
        return std::unexpected("unknown logical value " + logical);
      }
    } else {
      return std::unexpected("the " + std::string(name) +
                             " value is not a string: " + json::serialize(attribute_value));
    }
  }
  return wfn;
}

// A vector this module deliberately does not follow; listed here with the reason. The test
// fails if a listed vector passes or an unlisted one fails.
struct KnownDeviation {
  std::string_view test;
  std::size_t index;
  std::string_view reason;
};

constexpr KnownDeviation kGoCpeDeviations[] = {
    {"TestMatcher", 17,
     "Compares version '3' with '33.0.1750.126', whose dots are not quoted: not a well-formed "
     "WFN (NISTIR 7695 §5.3.2), so AttributeValue::FromWfnString refuses it. The README notes "
     "the NIST reference implementation refuses it too; only go-cpe is permissive."},
    {"TestBindToURI", 3,
     "The vendor is the integer 1, a Go-typing robustness case with no C++ counterpart (the "
     "README says to skip it)."},
    {"TestBindToFS", 3,
     "The vendor is the integer 1, a Go-typing robustness case with no C++ counterpart (the "
     "README says to skip it)."},
};

// Vector groups that test go-cpe's internal helpers, which have no counterpart in this module's
// API; counted, not run.
constexpr std::string_view kInternalHelperTests[] = {"TestIsEvenWildcards", "TestGetCompURI",
                                                     "TestGetCompFS"};

using VectorCheck = std::function<std::optional<std::string>(const json::object&)>;

void RunGoCpeVectors(std::string_view test_name, const VectorCheck& check) {
  const json::array& vectors = VectorsOf(test_name);
  std::size_t passed = 0;
  std::size_t deviations = 0;
  for (std::size_t index = 0; index < vectors.size(); ++index) {
    const std::optional<std::string> failure = check(vectors[index].as_object());
    const auto deviation = std::ranges::find_if(kGoCpeDeviations, [&](const KnownDeviation& entry) {
      return entry.test == test_name && entry.index == index;
    });
    const std::string where = std::string(test_name) + " #" + std::to_string(index) + " " +
                              json::serialize(vectors[index]);
    if (deviation != std::end(kGoCpeDeviations)) {
      if (failure) {
        ++deviations;
      } else {
        ADD_FAILURE() << where << ": listed as a deviation but now behaves as the vector expects";
      }
    } else if (failure) {
      ADD_FAILURE() << where << ": " << *failure;
    } else {
      ++passed;
    }
  }
  for (const KnownDeviation& entry : kGoCpeDeviations) {
    if (entry.test == test_name && entry.index >= vectors.size()) {
      ADD_FAILURE() << "deviation entry " << entry.test << " #" << entry.index << " matches no "
                    << "vector";
    }
  }
  std::cout << "go-cpe " << test_name << ": " << vectors.size() << " vectors, " << passed
            << " as expected, " << deviations << " listed deviations\n";
}

// The expectation of an unbind vector: either "wantErr" or the expected WFN.
std::optional<std::string> CheckUnbound(const json::object& vector, const Result<Wfn>& unbound) {
  if (vector.contains("wantErr")) {
    if (unbound) return "accepted as " + Describe(*unbound) + " but the vector wants an error";
    return std::nullopt;
  }
  if (!unbound) return "rejected: " + unbound.error().message;
  const auto expected = WfnFromJson(vector.at("expected"));
  if (!expected) return "cannot build the expected WFN: " + expected.error();
  if (*unbound != *expected) {
    return "got " + Describe(*unbound) + ", expected " + Describe(*expected);
  }
  return std::nullopt;
}

TEST(GoCpeVectors, MatcherVectorsGiveTheExpectedNameRelations) {
  RunGoCpeVectors("TestMatcher", [](const json::object& vector) -> std::optional<std::string> {
    const auto source = WfnFromJson(vector.at("wfn"));
    const auto target = WfnFromJson(vector.at("wfn2"));
    if (!source) return "source: " + source.error();
    if (!target) return "target: " + target.error();
    std::string failure;
    const auto check = [&](std::string_view name, bool actual, const char* key) {
      if (actual != vector.at(key).as_bool()) {
        failure += std::string(name) + " is " + (actual ? "true" : "false") + "; ";
      }
    };
    check("IsDisjoint", IsDisjoint(*source, *target), "expectedIsDisjoint");
    check("IsEqual", IsEqual(*source, *target), "expectedIsEqual");
    check("IsSubset", IsSubset(*source, *target), "expectedIsSubset");
    check("IsSuperset", IsSuperset(*source, *target), "expectedIsSuperset");
    if (failure.empty()) return std::nullopt;
    for (const Relation relation : CompareNames(*source, *target)) {
      failure += Describe(relation) + " ";
    }
    return failure;
  });
}

TEST(GoCpeVectors, BindingToUriGivesTheExpectedText) {
  RunGoCpeVectors("TestBindToURI", [](const json::object& vector) -> std::optional<std::string> {
    const auto wfn = WfnFromJson(vector.at("w"));
    if (!wfn) return wfn.error();
    const std::string bound = ToUri(*wfn);
    const std::string expected = Text(vector.if_contains("expected"));
    if (bound != expected) return "got '" + bound + "', expected '" + expected + "'";
    return std::nullopt;
  });
}

TEST(GoCpeVectors, BindingToFormattedStringGivesTheExpectedText) {
  RunGoCpeVectors("TestBindToFS", [](const json::object& vector) -> std::optional<std::string> {
    const auto wfn = WfnFromJson(vector.at("w"));
    if (!wfn) return wfn.error();
    const std::string bound = ToFormattedString(*wfn);
    const std::string expected = Text(vector.if_contains("expected"));
    if (bound != expected) return "got '" + bound + "', expected '" + expected + "'";
    return std::nullopt;
  });
}

TEST(GoCpeVectors, UnbindingUriGivesTheExpectedNameOrAnError) {
  RunGoCpeVectors("TestUnbindURI", [](const json::object& vector) {
    return CheckUnbound(vector, ParseUri(Text(vector.if_contains("s"))));
  });
}

TEST(GoCpeVectors, UnbindingFormattedStringGivesTheExpectedNameOrAnError) {
  RunGoCpeVectors("TestUnbindFS", [](const json::object& vector) {
    return CheckUnbound(vector, ParseFormattedString(Text(vector.if_contains("s"))));
  });
}

// go-cpe's unpack helper takes a packed edition alone; here it goes through ParseUri as the
// edition of an otherwise empty URI, and only the five packed attributes are compared.
TEST(GoCpeVectors, UnpackingAPackedEditionGivesTheExpectedAttributes) {
  RunGoCpeVectors("TestUnpack", [](const json::object& vector) -> std::optional<std::string> {
    const std::string uri = "cpe:/a:::::" + Text(vector.if_contains("s"));
    const auto unbound = ParseUri(uri);
    if (!unbound) return "rejected: " + unbound.error().message;
    const auto expected = WfnFromJson(vector.at("expected"));
    if (!expected) return expected.error();
    for (const Attribute attribute :
         {Attribute::kEdition, Attribute::kSwEdition, Attribute::kTargetSw, Attribute::kTargetHw,
          Attribute::kOther}) {
      if (unbound->Get(attribute) != expected->Get(attribute)) {
        return "got " + Describe(*unbound) + ", expected " + Describe(*expected);
      }
    }
    return std::nullopt;
  });
}

TEST(GoCpeVectors, EveryVectorGroupIsRunOrAnInternalHelper) {
  const std::set<std::string_view> run = {"TestMatcher",   "TestBindToURI", "TestBindToFS",
                                          "TestUnbindURI", "TestUnbindFS",  "TestUnpack"};
  std::size_t internal = 0;
  for (const auto& [file, tests] : GoCpeVectors().at("files").as_object()) {
    for (const json::value& test : tests.as_array()) {
      const std::string name = Text(test.as_object().if_contains("test"));
      if (std::ranges::find(kInternalHelperTests, name) != std::end(kInternalHelperTests)) {
        internal += test.at("vectors").as_array().size();
      } else {
        EXPECT_TRUE(run.contains(name)) << "vector group " << name << " is not run";
      }
    }
  }
  std::cout << "go-cpe internal-helper vectors not applicable: " << internal << "\n";
}

// ---------------------------------------------------------------------------------------------
// DependencyTrack's CPE matching cases (matching-semantics/dependency-track-cpe-cases.json): a
// source CPE with an optional NVD range, a target CPE, whether DependencyTrack reports a match.

struct DependencyTrackDeviation {
  std::string_view source;
  std::string_view target;
  std::string_view reason;
};

constexpr DependencyTrackDeviation kDependencyTrackDeviations[] = {
    {"cpe:2.3:a:ven*:product:1.0.0:update:edition:lang:swEdition:targetSw:targetHw:other",
     "cpe:2.3:a:vendor:product:1.0.0:update:edition:lang:swEdition:targetSw:targetHw:other",
     "DependencyTrack cannot expand a wildcard in the source vendor (its database query needs "
     "the vendor literally); its own test says the relation *should* be SUPERSET (NISTIR 7696 "
     "Table 6-2 row 15), which we follow, so the criterion applies."},
    {"cpe:2.3:a:vendor:pro*:1.0.0:update:edition:lang:swEdition:targetSw:targetHw:other",
     "cpe:2.3:a:vendor:product:1.0.0:update:edition:lang:swEdition:targetSw:targetHw:other",
     "The same limitation for a wildcard in the source product; NISTIR 7696 says SUPERSET, so "
     "the criterion applies."},
};

TEST(DependencyTrackCpeCases, ApplicabilityAgreesWithEveryCaseOrIsAListedDeviation) {
  const json::value document =
      ReadJson(SbomDataDir() / "matching-semantics" / "dependency-track-cpe-cases.json");
  std::size_t ran = 0;
  std::size_t passed = 0;
  std::size_t deviations = 0;
  std::vector<bool> deviation_seen(std::size(kDependencyTrackDeviations), false);
  for (const auto& [table, cases] : document.at("tables").as_object()) {
    for (const json::value& entry : cases.as_array()) {
      const json::object& test = entry.as_object();
      ++ran;
      const std::string source_text = Text(test.if_contains("source"));
      const std::string target_text = Text(test.if_contains("target"));
      const bool expect_match = test.at("expect_match").as_bool();
      std::optional<std::string> failure;
      const auto source = ParseCpe(source_text);
      const auto target = ParseCpe(target_text);
      if (!source || !target) {
        failure = "cannot parse: " + (source ? target.error().message : source.error().message);
      } else {
        MatchCriterion criterion{*source, {}, {}, {}, {}};
        if (const json::value* range = test.if_contains("range"); range && range->is_object()) {
          const json::object& bounds = range->as_object();
          const auto bound = [&](const char* key) -> std::optional<std::string> {
            if (const json::value* value = bounds.if_contains(key)) return Text(value);
            return std::nullopt;
          };
          criterion.version_start_including = bound("versionStartIncluding");
          criterion.version_start_excluding = bound("versionStartExcluding");
          criterion.version_end_including = bound("versionEndIncluding");
          criterion.version_end_excluding = bound("versionEndExcluding");
        }
        const bool applicable = IsApplicable(criterion, *target);
        if (applicable != expect_match) {
          failure = std::string(applicable ? "applies" : "does not apply") + "; relations: ";
          for (const Relation relation : CompareNames(*source, *target)) {
            *failure += Describe(relation) + " ";
          }
        }
      }
      const auto deviation =
          std::ranges::find_if(kDependencyTrackDeviations, [&](const auto& listed) {
            return listed.source == source_text && listed.target == target_text;
          });
      const std::string where =
          std::string(table) + ": " + source_text +
          (test.at("range").is_null() ? "" : " " + json::serialize(test.at("range"))) + " -> " +
          target_text + " (expect " + (expect_match ? "match" : "no match") + ")";
      if (deviation != std::end(kDependencyTrackDeviations)) {
        deviation_seen[deviation - std::begin(kDependencyTrackDeviations)] = true;
        if (failure) {
          ++deviations;
        } else {
          ADD_FAILURE() << where << ": listed as a deviation but now agrees";
        }
      } else if (failure) {
        ADD_FAILURE() << where << ": " << *failure;
      } else {
        ++passed;
      }
    }
  }
  for (std::size_t index = 0; index < std::size(kDependencyTrackDeviations); ++index) {
    if (!deviation_seen[index]) {
      ADD_FAILURE() << "deviation entry matches no case: "
                    << kDependencyTrackDeviations[index].source;
    }
  }
  EXPECT_EQ(ran, 195u);
  std::cout << "DependencyTrack CPE cases: " << ran << " run, " << passed << " agree, "
            << deviations << " listed deviations\n";
}

// ---------------------------------------------------------------------------------------------
// Real NVD records (dependency-track-nvd-samples: CVE API 2.0 JSON).

std::vector<json::object> NvdMatchCriteria() {
  std::vector<json::object> criteria;
  const fs::path directory =
      SbomDataDir() / "dependency-track-nvd-samples" / "src" / "test" / "resources";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  // Iterative walk: the records are nested objects and arrays.
  for (const fs::path& path : files) {
    std::vector<json::value> pending = {ReadJson(path)};
    while (!pending.empty()) {
      json::value value = std::move(pending.back());
      pending.pop_back();
      if (value.is_object()) {
        if (value.as_object().contains("criteria")) criteria.push_back(value.as_object());
        for (const auto& [key, child] : value.as_object()) pending.push_back(child);
      } else if (value.is_array()) {
        for (const json::value& child : value.as_array()) pending.push_back(child);
      }
    }
  }
  return criteria;
}

TEST(NvdRecords, EveryMatchCriterionParsesAndBindsBackUnchanged) {
  const std::vector<json::object> criteria = NvdMatchCriteria();
  ASSERT_GE(criteria.size(), 20u);
  for (const json::object& criterion : criteria) {
    const std::string text = Text(criterion.if_contains("criteria"));
    const auto parsed = ParseFormattedString(text);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(ToFormattedString(*parsed), text);
  }
}

TEST(NvdRecords, FortinetRangesApplyOnlyToVersionsInsideThem) {
  std::vector<MatchCriterion> fortios;
  for (const json::object& criterion : NvdMatchCriteria()) {
    const std::string text = Text(criterion.if_contains("criteria"));
    if (text.find(":fortinet:fortios:") == std::string::npos) continue;
    MatchCriterion match{ParseFormattedString(text).value(), {}, {}, {}, {}};
    if (criterion.contains("versionStartIncluding")) {
      match.version_start_including = Text(criterion.if_contains("versionStartIncluding"));
    }
    if (criterion.contains("versionEndIncluding")) {
      match.version_end_including = Text(criterion.if_contains("versionEndIncluding"));
    }
    fortios.push_back(std::move(match));
  }
  ASSERT_EQ(fortios.size(), 3u);  // 7.0.0–7.0.13, 7.2.0–7.2.6, 7.4.0–7.4.2
  const auto affected = [&](std::string_view version) {
    const Wfn target = ParseFormattedString("cpe:2.3:o:fortinet:fortios:" + std::string(version) +
                                            ":*:*:*:*:*:*:*")
                           .value();
    return std::ranges::any_of(
        fortios, [&](const MatchCriterion& criterion) { return IsApplicable(criterion, target); });
  };
  EXPECT_TRUE(affected("7.0.0"));
  EXPECT_TRUE(affected("7.0.13"));
  EXPECT_TRUE(affected("7.2.5"));
  EXPECT_TRUE(affected("7.4.2"));
  EXPECT_FALSE(affected("7.0.14"));
  EXPECT_FALSE(affected("7.2.7"));
  EXPECT_FALSE(affected("7.3.0"));
  EXPECT_FALSE(affected("7.4.3"));
  EXPECT_FALSE(affected("6.4.15"));
}

// ---------------------------------------------------------------------------------------------
// Behaviour the vectors do not pin down.

AttributeValue Value(std::string_view wfn) { return AttributeValue::FromWfnString(wfn).value(); }

TEST(CompareAttributes, FollowsEveryRowOfNistir7696Table62) {
  const AttributeValue any = AttributeValue::Any();
  const AttributeValue na = AttributeValue::Na();
  const AttributeValue value = Value("7\\.1");
  const AttributeValue other_value = Value("8\\.0");
  const AttributeValue pattern = Value("7\\.*");
  struct Row {
    int number;
    const AttributeValue& source;
    const AttributeValue& target;
    Relation expected;
  };
  const Row rows[] = {
      {1, any, any, Relation::kEqual},
      {2, any, na, Relation::kSuperset},
      {3, any, value, Relation::kSuperset},
      {4, any, pattern, Relation::kUndefined},
      {5, na, any, Relation::kSubset},
      {6, na, na, Relation::kEqual},
      {7, na, value, Relation::kDisjoint},
      {8, na, pattern, Relation::kUndefined},
      {9, value, any, Relation::kSubset},
      {10, value, na, Relation::kDisjoint},
      {11, value, value, Relation::kEqual},
      {11, value, other_value, Relation::kDisjoint},
      {12, value, pattern, Relation::kUndefined},
      {13, pattern, any, Relation::kSubset},
      {14, pattern, na, Relation::kDisjoint},
      {15, pattern, value, Relation::kSuperset},
      {15, pattern, other_value, Relation::kDisjoint},
      {16, pattern, pattern, Relation::kUndefined},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(Describe(CompareAttributes(row.source, row.target)), Describe(row.expected))
        << "row " << row.number;
  }
}

TEST(CompareAttributes, IgnoresCaseAndQuoting) {
  EXPECT_EQ(CompareAttributes(Value("Microsoft"), Value("microsoft")), Relation::kEqual);
  EXPECT_EQ(CompareAttributes(Value("Micro*"), Value("microSOFT")), Relation::kSuperset);
  EXPECT_EQ(CompareAttributes(Value("\\$0\\.99*"), Value("\\$0\\.99_kindle")), Relation::kSuperset);
}

TEST(CompareAttributes, TakesEachEdgeQuestionMarkAsAtMostOneCharacter) {
  EXPECT_EQ(CompareAttributes(Value("??crosoft"), Value("microsoft")), Relation::kSuperset);
  EXPECT_EQ(CompareAttributes(Value("??crosoft"), Value("crosoft")), Relation::kSuperset);
  EXPECT_EQ(CompareAttributes(Value("?crosoft"), Value("microsoft")), Relation::kDisjoint);
  EXPECT_EQ(CompareAttributes(Value("micro*"), Value("micro")), Relation::kSuperset);
  EXPECT_EQ(CompareAttributes(Value("*soft*"), Value("microsoftware")), Relation::kSuperset);
  EXPECT_TRUE(Value("*").IsAny());
}

TEST(AttributeValue, RefusesMalformedWfnStringsAndSaysWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "it is empty"},
      {"8.0", "'.' must be quoted as '\\.'"},
      {"ab\\", "ends with a lone '\\'"},
      {"mi*crosoft", "the wildcard '*' is inside the value"},
      {"mi?crosoft", "the wildcard '?' is inside the value"},
      {"*?", "only wildcards"},
      {"**", "only wildcards"},
      {"a b", "outside printable ASCII"},
      {"caf\xC3\xA9", "outside printable ASCII"},
  };
  for (const auto& [input, reason] : cases) {
    const auto value = AttributeValue::FromWfnString(input);
    ASSERT_FALSE(value) << input;
    EXPECT_EQ(value.error().code, "invalidCpe");
    EXPECT_NE(value.error().message.find(reason), std::string::npos) << value.error().message;
  }
  EXPECT_EQ(Value("\\a\\_b").wfn_string(), "a_b");
  EXPECT_EQ(Value("8\\.0\\.6001").Unquoted(), "8.0.6001");
  EXPECT_TRUE(Value("??com_sexypolling??").HasWildcards());
  EXPECT_FALSE(Value("\\*star").HasWildcards());
}

TEST(ParseFormattedString, SaysWhichFieldIsMalformed) {
  const auto parsed =
      ParseFormattedString("cpe:2.3:a:2g*lux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "invalidCpe");
  EXPECT_EQ(parsed.error().message,
            "CPE 'cpe:2.3:a:2g*lux:com_sexypolling:0.9.1:-:-:*:-:joomla\\!:*:*' is invalid: the "
            "vendor '2g*lux' is malformed: the wildcard '*' is inside the value; an unquoted '*' "
            "or '?' may only begin or end it");
}

TEST(ParseFormattedString, RefusesWrongFieldCountsPartsAndSizes) {
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:a:b:c:d:e:f:g:h:i:j:k:l"));
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:"));
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:x:vendor:product"));
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:a:vendor:product\\"));
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:a:vendor::1.0"));
  EXPECT_FALSE(ParseFormattedString("cpe:2.3:a:" + std::string(kMaxCpeLength, 'v')));
  EXPECT_FALSE(ParseCpe("cpe:2.4:a:vendor:product"));
}

TEST(ParseFormattedString, TakesOmittedTrailingFieldsAsAny) {
  const auto parsed = ParseFormattedString("cpe:2.3:a:nginx:nginx:1.21.1");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(ToFormattedString(*parsed), "cpe:2.3:a:nginx:nginx:1.21.1:*:*:*:*:*:*:*");
}

TEST(ParseFormattedString, KeepsEscapedColonsAndAValueThatIsOnlyAHyphen) {
  const auto parsed = ParseFormattedString("cpe:2.3:a:foo\\:bar:\\-:1.0:*:*:*:*:*:*:*");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->vendor.Unquoted(), "foo:bar");
  EXPECT_TRUE(parsed->product.IsValue());
  EXPECT_EQ(ToFormattedString(*parsed), "cpe:2.3:a:foo\\:bar:\\-:1.0:*:*:*:*:*:*:*");
  EXPECT_EQ(ToUri(*parsed), "cpe:/a:foo%3abar:%2d:1.0");
  EXPECT_EQ(ParseUri(ToUri(*parsed)).value(), *parsed);
}

TEST(ParseCpe, ReadsBothBindingsToTheSameName) {
  const auto from_uri = ParseCpe("cpe:/a:apache:log4j:2.14.1");
  const auto from_formatted = ParseCpe("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*");
  ASSERT_TRUE(from_uri && from_formatted);
  EXPECT_EQ(*from_uri, *from_formatted);
  EXPECT_FALSE(ParseCpe("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
}

TEST(CompareVersions, OrdersNumbersPreReleasesAndPatchLetters) {
  // Each is older than the next.
  const std::string_view ascending[] = {"0.9.9",
                                        "1.0.0-dev",
                                        "1.0.0-alpha1",
                                        "1.0.0-alpha2",
                                        "1.0.0-beta",
                                        "1.0.0-rc1",
                                        "1.0.0",
                                        "1.0.0a",
                                        "1.0.0b",
                                        "1.0.0sp1",
                                        "1.0.1",
                                        "1.0.2",
                                        "1.0.10",
                                        "1.1",
                                        "1.1.1",
                                        "1.1.1k",
                                        "1.1.1l",
                                        "1.1.1za",
                                        "2",
                                        "9.9.9",
                                        "10.0",
                                        "2019.1",
                                        "99999999999999999999999.0"};
  for (std::size_t index = 0; index + 1 < std::size(ascending); ++index) {
    EXPECT_EQ(CompareVersions(ascending[index], ascending[index + 1]), -1)
        << ascending[index] << " < " << ascending[index + 1];
    EXPECT_EQ(CompareVersions(ascending[index + 1], ascending[index]), 1)
        << ascending[index + 1] << " > " << ascending[index];
  }
  const std::pair<std::string_view, std::string_view> equal[] = {
      {"1.0", "1.0.0"},      {"1.0.0", "1.0-final"},   {"v1.2.3", "1.2.3"}, {"1.01", "1.1"},
      {"1.0-RC1", "1.0rc1"}, {"2.0_beta", "2.0.BETA"}, {"", "0"},           {"7.4.0", "7.4"},
  };
  for (const auto& [a, b] : equal) EXPECT_EQ(CompareVersions(a, b), 0) << a << " = " << b;
}

TEST(IsApplicable, AppliesVersionBoundsOnlyToAConcreteTargetVersion) {
  MatchCriterion criterion{ParseCpe("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*").value(), "2.0.0",
                           std::nullopt, std::nullopt, "2.15.0"};
  const auto applies = [&](std::string_view target) {
    return IsApplicable(criterion, ParseCpe(target).value());
  };
  EXPECT_TRUE(applies("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"));
  EXPECT_TRUE(applies("cpe:2.3:a:apache:log4j:2.0.0:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:log4j:2.0.0-beta9:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:log4j:1.2.17:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:log4j:2.1*:*:*:*:*:*:*:*"));
  EXPECT_FALSE(applies("cpe:2.3:a:apache:commons_text:2.14.1:*:*:*:*:*:*:*"));
}

TEST(IsApplicable, RefusesVendorAndProductRelatedInOppositeDirections) {
  const MatchCriterion criterion{
      ParseCpe("cpe:2.3:a:vendor:*:*:*:*:*:*:*:*:*").value(), {}, {}, {}, {}};
  EXPECT_FALSE(IsApplicable(criterion, ParseCpe("cpe:2.3:a:*:product:1.0:*:*:*:*:*:*:*").value()));
  EXPECT_TRUE(
      IsApplicable(criterion, ParseCpe("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*").value()));
}

// Whatever the parsers get, they return without crashing; whatever they accept binds back to
// text that parses to the same name.
TEST(ParseCpe, BindingsOfRandomInputParseBackToTheSameName) {
  constexpr std::string_view kAlphabet = "::::aoh-*?\\.%0123~_bx!$";
  std::mt19937 generator(7696);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  const std::string_view prefixes[] = {"cpe:2.3:", "cpe:2.3:a:",       "cpe:/",
                                       "cpe:/a:",  "cpe:/o:v:p:1:u:~", ""};
  std::uniform_int_distribution<std::size_t> prefix_pick(0, std::size(prefixes) - 1);
  std::size_t accepted = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string input(prefixes[prefix_pick(generator)]);
    const std::size_t size = length(generator);
    for (std::size_t index = 0; index < size; ++index) input += kAlphabet[pick(generator)];
    const auto parsed = ParseCpe(input);
    if (!parsed) continue;
    ++accepted;
    const std::string formatted = ToFormattedString(*parsed);
    const auto from_formatted = ParseFormattedString(formatted);
    ASSERT_TRUE(from_formatted) << input << " -> " << formatted << ": "
                                << from_formatted.error().message;
    ASSERT_EQ(*from_formatted, *parsed) << input << " -> " << formatted;
    const std::string uri = ToUri(*parsed);
    const auto from_uri = ParseUri(uri);
    ASSERT_TRUE(from_uri) << input << " -> " << uri << ": " << from_uri.error().message;
    ASSERT_EQ(*from_uri, *parsed) << input << " -> " << uri;
    (void)IsApplicable(MatchCriterion{*parsed, "1", "0", "9", "8"}, *parsed);
  }
  EXPECT_GT(accepted, 500u);
}

}  // namespace
}  // namespace sg::cpe
