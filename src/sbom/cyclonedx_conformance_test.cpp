// The upstream CycloneDX conformance fixtures (cyclonedx-spec/tools/src/test/resources/1.x):
// every valid-* document must load under Conformance::kStrict, every invalid-* one must be
// rejected, for the reason the fixture is about. Misses are allowed only through kExceptions,
// and an exception that starts passing fails the test too, so the table stays true.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sbom/reader.hpp"
#include "sbom/sbom_test_data.hpp"

namespace sg::sbom {
namespace {

namespace fs = std::filesystem;

/// Fixtures the readers are known to get wrong, by path under resources/, with the reason.
/// Empty today: every fixture behaves. Add an entry only with a reason a reviewer accepts.
const std::map<std::string, std::string> kExceptions = {};

/// The rule (Error::fields) an invalid fixture must be rejected under, by fixture stem (name
/// without version and extension); several when JSON and XML break the rule differently. A
/// rejection for another reason would mean the fixture passes by accident.
const std::map<std::string, std::set<std::string>> kExpectedRules = {
    {"invalid-bomformat", {"const"}},
    // JSON: a citation without attributedTo/process; XML: two <attributedTo> elements.
    {"invalid-citations", {"anyOf", "maxOccurs"}},
    {"invalid-component-external-version-and-range", {"oneOf"}},
    // 1.4: a duplicate bom-ref; from 1.5 also an empty one, which comes first.
    {"invalid-component-ref", {"uniqueBomRef", "minLength"}},
    {"invalid-component-swid", {"required"}},
    {"invalid-component-type", {"notInEnum"}},
    {"invalid-component-versionRange-non-external-explicit", {"notAllowed"}},
    {"invalid-component-versionRange-non-external-implicit", {"notAllowed"}},
    {"informal-invalid-component-versionRange-non-external-explicit", {"notAllowed"}},
    {"informal-invalid-component-versionRange-non-external-implicit", {"notAllowed"}},
    {"invalid-dependency", {"required"}},
    {"invalid-empty-component", {"required"}},
    {"invalid-hash-alg", {"notInEnum"}},
    {"invalid-hash-md5", {"pattern"}},
    {"invalid-hash-sha1", {"pattern"}},
    {"invalid-hash-sha256", {"pattern"}},
    {"invalid-hash-sha512", {"pattern"}},
    {"invalid-issue-type", {"notInEnum"}},
    {"invalid-license-choice", {"oneOf"}},
    {"invalid-license-declared-concluded-mix", {"oneOf"}},
    {"invalid-license-encoding", {"notInEnum"}},
    {"invalid-license-id", {"notInEnum"}},
    {"invalid-license-id-count", {"maxOccurs"}},
    {"invalid-license-missing-id-and-name", {"oneOf"}},
    {"invalid-license-name-count", {"maxOccurs"}},
    {"invalid-metadata-distribution", {"unknownField"}},
    {"invalid-metadata-license", {"notInEnum"}},
    {"invalid-metadata-timestamp", {"format"}},
    {"invalid-missing-component-type", {"required"}},
    {"invalid-patch-type", {"notInEnum"}},
    {"invalid-properties", {"required"}},
    {"invalid-scope", {"notInEnum"}},
    {"invalid-serialnumber", {"pattern"}},
    {"invalid-service-data", {"notInEnum"}},
};

/// Error codes other than sbomInvalid that a fixture's rejection may carry.
const std::map<std::string, std::string> kExpectedCodes = {
    // The namespace names no CycloneDX version.
    {"invalid-namespace", "sbomUnsupportedVersion"},
};

struct Fixture {
  fs::path path;
  std::string relative;  // "1.6/valid-bom-1.6.json"
  std::string version;   // "1.6"
  std::string format;    // "json" or "xml"
  std::string stem;      // "valid-bom"
  bool expect_valid = false;
};

std::string StemOf(const std::string& file_name) {
  std::string stem = fs::path(file_name).stem().string();
  for (const std::string suffix : {"-1.4", "-1.5", "-1.6", "-1.7"}) {
    if (stem.ends_with(suffix)) stem.resize(stem.size() - suffix.size());
  }
  return stem;
}

std::vector<Fixture> LoadFixtures() {
  const fs::path root =
      testing::ReferenceDir() / "cyclonedx-spec" / "tools" / "src" / "test" / "resources";
  std::vector<Fixture> fixtures;
  for (const std::string version : {"1.4", "1.5", "1.6", "1.7"}) {
    for (const auto& entry : fs::directory_iterator(root / version)) {
      const std::string extension = entry.path().extension().string();
      if (extension != ".json" && extension != ".xml") continue;  // .textproto: not a format read
      Fixture fixture;
      fixture.path = entry.path();
      fixture.version = version;
      fixture.format = extension.substr(1);
      const std::string name = entry.path().filename().string();
      fixture.relative = version + "/" + name;
      fixture.stem = StemOf(name);
      fixture.expect_valid = name.starts_with("valid-");
      fixtures.push_back(std::move(fixture));
    }
  }
  std::sort(fixtures.begin(), fixtures.end(), [](const Fixture& left, const Fixture& right) {
    return left.relative < right.relative;
  });
  return fixtures;
}

/// Why a fixture's outcome is wrong, or "" when it is right.
std::string Misbehaviour(const Fixture& fixture, const Result<Document>& result) {
  if (fixture.expect_valid) {
    return result ? "" : "rejected: " + result.error().code + ": " + result.error().message;
  }
  if (result) return "loaded, but the fixture is invalid";
  const Error& error = result.error();
  if (const auto code = kExpectedCodes.find(fixture.stem); code != kExpectedCodes.end()) {
    return error.code == code->second ? ""
                                      : "rejected with " + error.code + ", not " + code->second;
  }
  if (error.code != "sbomInvalid") return "rejected with " + error.code + ": " + error.message;
  const auto rules = kExpectedRules.find(fixture.stem);
  if (rules == kExpectedRules.end()) return "no expected rule listed for " + fixture.stem;
  if (error.fields.size() != 1 || error.fields.begin()->second.size() != 1) {
    return "the error names no single rule";
  }
  const std::string& rule = error.fields.begin()->second.front();
  if (!rules->second.contains(rule)) return "rejected under \"" + rule + "\": " + error.message;
  if (error.message.empty()) return "the error has no message";
  return "";
}

TEST(CycloneDxConformance, EveryUpstreamFixtureLoadsOrIsRejectedForItsRule) {
  const std::vector<Fixture> fixtures = LoadFixtures();
  ASSERT_GT(fixtures.size(), 500u) << "the CycloneDX fixtures are incomplete";

  struct Tally {
    int valid = 0, valid_loaded = 0, invalid = 0, invalid_rejected = 0;
  };
  std::map<std::string, Tally> tallies;  // "1.6 json"
  std::set<std::string> exceptions_seen;
  for (const Fixture& fixture : fixtures) {
    SCOPED_TRACE(fixture.relative);
    const Result<Document> result = ReadSbom(testing::ReadFile(fixture.path));
    const std::string problem = Misbehaviour(fixture, result);
    Tally& tally = tallies[fixture.version + " " + fixture.format];
    (fixture.expect_valid ? tally.valid : tally.invalid) += 1;
    if (problem.empty()) (fixture.expect_valid ? tally.valid_loaded : tally.invalid_rejected) += 1;

    const auto exception = kExceptions.find(fixture.relative);
    if (exception != kExceptions.end()) {
      exceptions_seen.insert(fixture.relative);
      EXPECT_FALSE(problem.empty()) << "listed as an exception (" << exception->second
                                    << ") but now behaves: remove it from kExceptions";
      continue;
    }
    EXPECT_EQ(problem, "") << fixture.relative;
  }
  for (const auto& [path, reason] : kExceptions) {
    EXPECT_TRUE(exceptions_seen.contains(path)) << "exception for a missing fixture: " << path;
  }

  std::cout << "CycloneDX conformance (strict):\n";
  for (const auto& [key, tally] : tallies) {
    std::cout << "  " << key << ": valid loaded " << tally.valid_loaded << "/" << tally.valid
              << ", invalid rejected " << tally.invalid_rejected << "/" << tally.invalid << "\n";
  }
}

TEST(CycloneDxConformance, InvalidFixturesLoadLenientlyWithTheBreachAsAWarning) {
  ReadOptions lenient;
  lenient.conformance = Conformance::kLenient;
  for (const Fixture& fixture : LoadFixtures()) {
    if (fixture.expect_valid || kExpectedCodes.contains(fixture.stem)) continue;
    SCOPED_TRACE(fixture.relative);
    const Result<Document> result = ReadSbom(testing::ReadFile(fixture.path), lenient);
    ASSERT_TRUE(result) << result.error().message;
    const bool warned =
        std::any_of(result->warnings.begin(), result->warnings.end(), [](const Warning& warning) {
          return warning.kind == WarningKind::kSchemaViolation ||
                 warning.kind == WarningKind::kDuplicateBomRef;
        });
    EXPECT_TRUE(warned) << "no warning says what is wrong";
  }
}

}  // namespace
}  // namespace sg::sbom
