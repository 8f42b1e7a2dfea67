// node-semver's own test fixtures (version-vectors/npm-node-semver/*.json, semantics in
// FIXTURE-HEADERS.txt), run against ParseNpmVersion, CompareNpm, NpmSatisfies, NpmValidRange,
// NpmGreaterThanRange and NpmLessThanRange. Cases that cannot apply to a C++ string API (a JS
// RegExp or object passed as the version) are listed in kExceptions with the reason and must keep
// failing. increments, truncations and the intersection fixtures test functions not built here.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "version/lang/lang.hpp"
#include "version/lang/test_data.hpp"

namespace sg::version::lang {
namespace {

namespace json = boost::json;

json::array LoadFixture(std::string_view name) {
  const auto path = testing::SbomDataDir() / "version-vectors" / "npm-node-semver" /
                    (std::string(name) + ".json");
  json::value value = json::parse(testing::ReadFile(path));
  if (!value.is_array() || value.as_array().empty()) {
    throw std::runtime_error("no cases in " + path.string());
  }
  return std::move(value.as_array());
}

// JS truthiness, as node-semver's parseOptions applies it.
bool Truthy(const json::value* value) {
  if (value == nullptr || value->is_null()) return false;
  if (value->is_bool()) return value->as_bool();
  if (value->is_int64()) return value->as_int64() != 0;
  if (value->is_uint64()) return value->as_uint64() != 0;
  if (value->is_double()) return value->as_double() != 0;
  if (value->is_string()) return !value->as_string().empty();
  return true;
}

// parseOptions: falsy → {}, an object → its loose and includePrerelease, anything else → loose.
NpmOptions OptionsAt(const json::array& fields, std::size_t index) {
  if (index >= fields.size() || !Truthy(&fields[index])) return {};
  const json::value& value = fields[index];
  if (!value.is_object()) return {.loose = true, .include_prerelease = false};
  const json::object& object = value.as_object();
  return {.loose = Truthy(object.if_contains("loose")),
          .include_prerelease = Truthy(object.if_contains("includePrerelease"))};
}

// A fixture field that should be a string; nullopt for the JS values (false, RegExp, objects)
// that a C++ string API cannot receive.
std::optional<std::string> StringAt(const json::array& fields, std::size_t index) {
  if (index >= fields.size() || !fields[index].is_string()) return std::nullopt;
  return std::string(fields[index].as_string());
}

struct Exception {
  std::string_view fixture;
  std::size_t index;  // position of the case in the fixture's array
  std::string_view reason;
};

constexpr std::string_view kNotAString =
    "the JS value is not a string (RegExp, object or false); the C++ API takes strings only";

constexpr Exception kExceptions[] = {
    {"invalid-versions", 7, kNotAString},
    {"invalid-versions", 8, kNotAString},
    {"invalid-versions", 9, kNotAString},
    {"range-exclude", 71, kNotAString},
};

const Exception* FindException(std::string_view fixture, std::size_t index) {
  for (const Exception& exception : kExceptions) {
    if (exception.fixture == fixture && exception.index == index) return &exception;
  }
  return nullptr;
}

// A checker returns "" when the case holds, else what went wrong.
using Checker = std::function<std::string(const json::array& fields)>;

std::string Describe(const Result<int>& result) {
  return result ? std::to_string(*result) : "error: " + result.error().message;
}
std::string Describe(const Result<bool>& result) {
  return result ? (*result ? "true" : "false") : "error: " + result.error().message;
}
std::string Describe(const Result<std::string>& result) {
  return result ? "'" + *result + "'" : "error: " + result.error().message;
}

void RunFixture(std::string_view fixture, const Checker& check) {
  const json::array cases = LoadFixture(fixture);
  int passed = 0;
  int expected_failures = 0;
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const json::array& fields = cases[index].as_array();
    const std::string problem = check(fields);
    const Exception* exception = FindException(fixture, index);
    const std::string where =
        std::string(fixture) + ".json[" + std::to_string(index) + "] " + json::serialize(fields);
    if (exception == nullptr && !problem.empty()) {
      ADD_FAILURE() << where << ": " << problem;
    } else if (exception != nullptr && problem.empty()) {
      ADD_FAILURE() << where << ": listed as an exception (" << exception->reason
                    << ") but passes; remove it from kExceptions";
    } else if (exception != nullptr) {
      ++expected_failures;
    } else {
      ++passed;
    }
  }
  for (const Exception& exception : kExceptions) {
    if (exception.fixture == fixture && exception.index >= cases.size()) {
      ADD_FAILURE() << "kExceptions names " << fixture << "[" << exception.index
                    << "], which holds no case";
    }
  }
  std::printf("[vectors] %s.json: %zu cases, %d passed, %d listed exceptions\n",
              std::string(fixture).c_str(), cases.size(), passed, expected_failures);
}

std::string NotAString() { return "not a string"; }

TEST(NpmVectors, ComparisonsOrderTheFirstVersionAbove) {
  RunFixture("comparisons", [](const json::array& fields) -> std::string {
    const auto a = StringAt(fields, 0);
    const auto b = StringAt(fields, 1);
    if (!a || !b) return NotAString();
    const NpmOptions options = OptionsAt(fields, 2);
    const Result<int> forward = CompareNpm(*a, *b, options);
    const Result<int> backward = CompareNpm(*b, *a, options);
    if (!forward || *forward != 1) return "compare(a, b) gave " + Describe(forward);
    if (!backward || *backward != -1) return "compare(b, a) gave " + Describe(backward);
    return {};
  });
}

TEST(NpmVectors, EqualityHoldsBothWays) {
  RunFixture("equality", [](const json::array& fields) -> std::string {
    const auto a = StringAt(fields, 0);
    const auto b = StringAt(fields, 1);
    if (!a || !b) return NotAString();
    const NpmOptions options = OptionsAt(fields, 2);
    const Result<int> forward = CompareNpm(*a, *b, options);
    const Result<int> backward = CompareNpm(*b, *a, options);
    if (!forward || *forward != 0) return "compare(a, b) gave " + Describe(forward);
    if (!backward || *backward != 0) return "compare(b, a) gave " + Describe(backward);
    return {};
  });
}

std::string JsText(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  return json::serialize(value);
}

TEST(NpmVectors, ValidVersionsParseIntoTheirParts) {
  RunFixture("valid-versions", [](const json::array& fields) -> std::string {
    const auto text = StringAt(fields, 0);
    if (!text) return NotAString();
    const Result<NpmVersion> version = ParseNpmVersion(*text);
    if (!version) return "error: " + version.error().message;
    if (version->major != JsText(fields[1]) || version->minor != JsText(fields[2]) ||
        version->patch != JsText(fields[3])) {
      return "parsed as " + version->ToString();
    }
    const json::array& prerelease = fields[4].as_array();
    const json::array& build = fields[5].as_array();
    if (prerelease.size() != version->prerelease.size() || build.size() != version->build.size()) {
      return "wrong number of prerelease or build identifiers";
    }
    for (std::size_t index = 0; index < prerelease.size(); ++index) {
      if (JsText(prerelease[index]) != version->prerelease[index]) return "prerelease differs";
    }
    for (std::size_t index = 0; index < build.size(); ++index) {
      if (JsText(build[index]) != version->build[index]) return "build differs";
    }
    return {};
  });
}

TEST(NpmVectors, InvalidVersionsAreRefused) {
  RunFixture("invalid-versions", [](const json::array& fields) -> std::string {
    const auto text = StringAt(fields, 0);
    if (!text) return NotAString();
    const Result<NpmVersion> version = ParseNpmVersion(*text, OptionsAt(fields, 2));
    if (version) return "parsed as " + version->ToString();
    if (version.error().code != "invalidVersion") return "wrong code " + version.error().code;
    return {};
  });
}

TEST(NpmVectors, RangesIncludeTheirVersions) {
  RunFixture("range-include", [](const json::array& fields) -> std::string {
    const auto range = StringAt(fields, 0);
    const auto version = StringAt(fields, 1);
    if (!range || !version) return NotAString();
    const Result<bool> result = NpmSatisfies(*range, *version, OptionsAt(fields, 2));
    if (!result || !*result) return "satisfies gave " + Describe(result);
    return {};
  });
}

// node-semver answers false for a version it cannot parse; NpmSatisfies reports it as an
// "invalidVersion" error instead, which counts as "not included" only when the version is
// indeed unparseable.
TEST(NpmVectors, RangesExcludeOtherVersions) {
  RunFixture("range-exclude", [](const json::array& fields) -> std::string {
    const auto range = StringAt(fields, 0);
    const auto version = StringAt(fields, 1);
    if (!range || !version) return NotAString();
    const NpmOptions options = OptionsAt(fields, 2);
    const Result<bool> result = NpmSatisfies(*range, *version, options);
    if (result && !*result) return {};
    if (!result && result.error().code == "invalidVersion" && !ParseNpmVersion(*version, options)) {
      return {};
    }
    return "satisfies gave " + Describe(result);
  });
}

TEST(NpmVectors, RangesParseToTheirCanonicalForm) {
  RunFixture("range-parse", [](const json::array& fields) -> std::string {
    const auto range = StringAt(fields, 0);
    if (!range) return NotAString();
    const Result<std::string> canonical = NpmValidRange(*range, OptionsAt(fields, 2));
    if (fields[1].is_null()) {
      if (canonical) return "expected an invalid range, got " + Describe(canonical);
      if (canonical.error().code != "invalidRange") return "wrong code " + canonical.error().code;
      return {};
    }
    if (!canonical || *canonical != JsText(fields[1]))
      return "validRange gave " + Describe(canonical);
    return {};
  });
}

void RunOutside(std::string_view fixture, bool above, bool expected) {
  RunFixture(fixture, [above, expected](const json::array& fields) -> std::string {
    const auto range = StringAt(fields, 0);
    const auto version = StringAt(fields, 1);
    if (!range || !version) return NotAString();
    const NpmOptions options = OptionsAt(fields, 2);
    const Result<bool> result = above ? NpmGreaterThanRange(*range, *version, options)
                                      : NpmLessThanRange(*range, *version, options);
    if (!result || *result != expected)
      return (above ? "gtr gave " : "ltr gave ") + Describe(result);
    return {};
  });
}

TEST(NpmVectors, VersionsAboveARange) { RunOutside("version-gt-range", true, true); }
TEST(NpmVectors, VersionsNotAboveARange) { RunOutside("version-not-gt-range", true, false); }
TEST(NpmVectors, VersionsBelowARange) { RunOutside("version-lt-range", false, true); }
TEST(NpmVectors, VersionsNotBelowARange) { RunOutside("version-not-lt-range", false, false); }

}  // namespace
}  // namespace sg::version::lang
