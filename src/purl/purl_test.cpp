#include "purl/purl.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/reference_data.hpp"

namespace sg::purl {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Test data: purl-spec, outside the repository at <repo>/../shared/reference/sbom-data/purl-spec.

fs::path PurlSpecDir() {
  const fs::path directory = sg::testing::SbomDataDir() / "purl-spec";
  if (!fs::is_directory(directory)) {
    throw std::runtime_error("missing test data: " + directory.string());
  }
  return directory;
}

json::value ReadJson(const fs::path& path) { return json::parse(sg::testing::ReadFileBytes(path)); }

std::vector<fs::path> JsonFilesIn(const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  if (files.empty()) throw std::runtime_error("no JSON files in " + directory.string());
  return files;
}

std::string Text(const json::value* value) {
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

PackageUrl ComponentsFromJson(const json::object& object) {
  PackageUrl purl;
  purl.type = Text(object.if_contains("type"));
  purl.package_namespace = Text(object.if_contains("namespace"));
  purl.name = Text(object.if_contains("name"));
  purl.version = Text(object.if_contains("version"));
  purl.subpath = Text(object.if_contains("subpath"));
  if (const json::value* qualifiers = object.if_contains("qualifiers");
      qualifiers != nullptr && qualifiers->is_object()) {
    for (const auto& [key, value] : qualifiers->as_object()) {
      purl.qualifiers.emplace_back(std::string(key), Text(&value));
    }
  }
  std::ranges::sort(purl.qualifiers);
  return purl;
}

std::string Describe(const PackageUrl& purl) {
  std::string described = "{type '" + purl.type + "', namespace '" + purl.package_namespace +
                          "', name '" + purl.name + "', version '" + purl.version + "'";
  for (const auto& [key, value] : purl.qualifiers) described += ", " + key + "='" + value + "'";
  return described + ", subpath '" + purl.subpath + "'}";
}

// ---------------------------------------------------------------------------------------------
// The current suite: tests/spec/*.json and tests/types/*.json (test schema 0.2).

struct SuiteCase {
  std::string file;
  std::size_t index = 0;
  std::string description;
  std::string test_type;
  json::value input;
  json::value expected_output;
  bool expected_failure = false;

  // The input as a table key: the purl text, or the serialised components of a build case.
  std::string InputKey() const {
    return input.is_string() ? std::string(input.as_string()) : json::serialize(input);
  }
};

std::vector<SuiteCase> LoadSuite() {
  std::vector<SuiteCase> cases;
  const fs::path directory = PurlSpecDir() / "tests";
  for (const char* group : {"spec", "types"}) {
    for (const fs::path& path : JsonFilesIn(directory / group)) {
      const json::value document = ReadJson(path);
      const json::array& tests = document.at("tests").as_array();
      for (std::size_t index = 0; index < tests.size(); ++index) {
        const json::object& test = tests[index].as_object();
        SuiteCase suite_case;
        suite_case.file = path.filename().string();
        suite_case.index = index;
        suite_case.description = Text(test.if_contains("description"));
        suite_case.test_type = Text(test.if_contains("test_type"));
        suite_case.input = test.at("input");
        if (const json::value* expected = test.if_contains("expected_output")) {
          suite_case.expected_output = *expected;
        }
        if (const json::value* failure = test.if_contains("expected_failure")) {
          suite_case.expected_failure = failure->is_bool() && failure->as_bool();
        }
        cases.push_back(std::move(suite_case));
      }
    }
  }
  return cases;
}

// A suite case this module deliberately does not follow. The suite fails if a listed case
// passes (the entry is stale) or an unlisted case fails.
struct KnownDeviation {
  std::string_view file;
  std::string_view test_type;
  std::string_view input;
  std::string_view reason;
};

constexpr KnownDeviation kSuiteDeviations[] = {
    {"gem-test.json", "parse", "pkg:gem/jruby-launcher@1.1.2?Platform=java",
     "The suite contradicts itself: this 'required' parse case wants an upper-case qualifier key "
     "rejected, while maven-test.json's 'required' parse case "
     "'pkg:Maven/…?type=pom&repositorY_url=…' wants it lower-cased and accepted, and the "
     "'recommended' validate case for this very input wants 'platform=java'. ECMA-427 says keys "
     "are case-insensitive with a lower-case canonical form, so we lower-case."},
    {"rpm-test.json", "parse", "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "Same contradiction as the gem case: we lower-case qualifier keys (ECMA-427), as the maven "
     "parse case and this input's own validate case expect."},
    {"git-test.json", "validate", "pkg:git/github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "A 'recommended' case that lower-cases a git purl, but git-definition.json declares the "
     "namespace and name case-sensitive (as the 'required' git cases assume); we follow the "
     "definition."},
};

std::optional<std::string> RunParseCase(const SuiteCase& suite_case) {
  const auto parsed = ParsePurl(suite_case.InputKey());
  if (suite_case.expected_failure) {
    if (parsed) return "accepted as " + Describe(*parsed) + " but the suite expects a failure";
    return std::nullopt;
  }
  if (!parsed) return "rejected: " + parsed.error().message;
  const PackageUrl expected = ComponentsFromJson(suite_case.expected_output.as_object());
  if (*parsed != expected) return "got " + Describe(*parsed) + ", expected " + Describe(expected);
  return std::nullopt;
}

std::optional<std::string> RunValidateCase(const SuiteCase& suite_case) {
  const auto parsed = ParsePurl(suite_case.InputKey());
  if (suite_case.expected_failure) {
    if (parsed) return "accepted as " + ToCanonicalString(*parsed) + " but expected a failure";
    return std::nullopt;
  }
  if (!parsed) return "rejected: " + parsed.error().message;
  const std::string canonical = ToCanonicalString(*parsed);
  const std::string expected(suite_case.expected_output.as_string());
  if (canonical != expected) return "got '" + canonical + "', expected '" + expected + "'";
  return std::nullopt;
}

std::optional<std::string> RunBuildCase(const SuiteCase& suite_case) {
  const auto built = BuildPurl(ComponentsFromJson(suite_case.input.as_object()));
  if (suite_case.expected_failure) {
    if (built) return "built '" + *built + "' but the suite expects a failure";
    return std::nullopt;
  }
  if (!built) return "rejected: " + built.error().message;
  const std::string expected(suite_case.expected_output.as_string());
  if (*built != expected) return "got '" + *built + "', expected '" + expected + "'";
  return std::nullopt;
}

// Runs every suite case of `test_type`, one gtest failure per case that does not behave as the
// suite (or the deviation table) says, and prints the counts.
void RunSuiteCases(std::string_view test_type) {
  const std::vector<SuiteCase> cases = LoadSuite();
  std::size_t ran = 0;
  std::size_t passed = 0;
  std::size_t deviations = 0;
  std::vector<bool> deviation_seen(std::size(kSuiteDeviations), false);
  for (const SuiteCase& suite_case : cases) {
    if (suite_case.test_type != test_type) continue;
    ++ran;
    std::optional<std::string> failure;
    if (test_type == "parse") failure = RunParseCase(suite_case);
    if (test_type == "validate") failure = RunValidateCase(suite_case);
    if (test_type == "build") failure = RunBuildCase(suite_case);

    const std::string key = suite_case.InputKey();
    const auto deviation = std::ranges::find_if(kSuiteDeviations, [&](const KnownDeviation& entry) {
      return entry.file == suite_case.file && entry.test_type == test_type && entry.input == key;
    });
    const std::string where = suite_case.file + " #" + std::to_string(suite_case.index) + " (" +
                              suite_case.description + ") " + key;
    if (deviation != std::end(kSuiteDeviations)) {
      deviation_seen[deviation - std::begin(kSuiteDeviations)] = true;
      if (failure) {
        ++deviations;
      } else {
        ADD_FAILURE() << where << ": listed as a deviation but now behaves as the suite expects";
      }
      continue;
    }
    if (failure) {
      ADD_FAILURE() << where << ": " << *failure;
    } else {
      ++passed;
    }
  }
  for (std::size_t index = 0; index < std::size(kSuiteDeviations); ++index) {
    if (kSuiteDeviations[index].test_type == test_type && !deviation_seen[index]) {
      ADD_FAILURE() << "deviation entry matches no case: " << kSuiteDeviations[index].file << " "
                    << kSuiteDeviations[index].input;
    }
  }
  EXPECT_GT(ran, 0u) << "no '" << test_type << "' cases found";
  std::cout << "purl-spec " << test_type << " cases: " << ran << " run, " << passed
            << " as the suite expects, " << deviations << " listed deviations\n";
}

TEST(PurlSpecSuite, ParseCasesYieldTheExpectedComponentsOrFailure) { RunSuiteCases("parse"); }

TEST(PurlSpecSuite, ValidateCasesYieldTheCanonicalString) { RunSuiteCases("validate"); }

TEST(PurlSpecSuite, BuildCasesYieldTheCanonicalStringOrFailure) { RunSuiteCases("build"); }

// ---------------------------------------------------------------------------------------------
// The legacy flat suite (test-suite-data.json of purl-spec before the 0.1 test schema). It
// predates ECMA-427 and the current type definitions, and several of its cases now contradict
// them; those are listed here.

constexpr std::pair<std::string_view, std::string_view> kLegacyDeviations[] = {
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E%2E/api/annotations/",
     "The case contradicts itself: its canonical_purl drops the '..' segment (as we do) but its "
     "decoded subpath keeps 'googleapis/../api/annotations'."},
    {"pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E/api/annotations/",
     "Same as the '..' case: the canonical_purl drops '.', the decoded subpath keeps it."},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo."
     "spring.io/release",
     "Pre-ECMA-427 canonical form: '/' in a qualifier value was left unencoded; the current "
     "suite (maven-test.json) encodes it as %2F."},
    {"pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?extension=pom&repositorY_url=repo.spring."
     "io/release",
     "Pre-ECMA-427 canonical form: unencoded '/' in a qualifier value (now %2F)."},
    {"pkg:conan/bincrafters/cctz@2.3",
     "The old conan rule (a namespace needs a 'channel' qualifier) is not in the current "
     "conan-definition.json; the current suite accepts namespaces with or without it."},
    {"pkg:conan/cctz@2.3?channel=stable",
     "The old conan rule (a 'channel' qualifier needs a namespace) is not in the current "
     "conan-definition.json."},
    {"pkg:cran/A3", "cran-definition.json makes the version optional (the old suite required it)."},
    {"pkg:swift/github.com/Alamofire/Alamofire",
     "swift-definition.json makes the version optional (the old suite required it)."},
    {"pkg:huggingface/distilbert-base-uncased@043235d6088ecd3dd5fb5ca3592b6913fd516027",
     "huggingface-definition.json now requires the namespace (the model's owner)."},
    {"pkg:huggingface/microsoft/deberta-v3-base@559062ad13d311b87b2c455e67dcd5f1c8f65111?"
     "repository_url=https://hub-ci.huggingface.co",
     "Pre-ECMA-427 canonical form: unencoded '/' in a qualifier value (now %2F)."},
    {"pkg:mlflow/CreditFraud@3?repository_url=https://adb-5245952564735461.0.azuredatabricks.net/"
     "api/2.0/mlflow",
     "Pre-ECMA-427 canonical form: unencoded '/' in a qualifier value (now %2F)."},
    {"pkg:mlflow/CreditFraud@3?repository_url=https://westus2.api.azureml.ms/mlflow/v1.0/"
     "subscriptions/a50f2011-fab8-4164-af23-c62881ef8c95/resourceGroups/TestResourceGroup/"
     "providers/Microsoft.MachineLearningServices/workspaces/TestWorkspace",
     "Pre-ECMA-427 canonical form: unencoded '/' in a qualifier value (now %2F)."},
    {"pkg:mlflow/trafficsigns@10?model_uuid=36233173b22f4c89b451f1228d700d49&run_id=410a3121-2709-"
     "4f88-98dd-dba0ef056b0a&repository_url=https://adb-5245952564735461.0.azuredatabricks.net/api/"
     "2.0/mlflow",
     "Pre-ECMA-427 canonical form: unencoded '/' in a qualifier value (now %2F)."},
    {"pkg:cpan/URI::PackageURL@2.11",
     "cpan-definition.json now says the name is a distribution name and never holds '::' (the "
     "current suite rejects 'URI::PackageURL')."},
    {"pkg:cpan/Perl-Version@1.013",
     "The old suite wanted module names; cpan-definition.json now wants distribution names like "
     "this one (the current suite accepts 'pkg:cpan/URI-PackageURL')."},
};

TEST(PurlLegacySuite, EveryCaseParsesAndCanonicalisesOrFailsAsListed) {
  const json::value document = ReadJson(PurlSpecDir() / "legacy-test-suite-data.json");
  std::size_t ran = 0;
  std::size_t passed = 0;
  std::size_t deviations = 0;
  std::vector<bool> deviation_seen(std::size(kLegacyDeviations), false);
  for (const json::value& entry : document.as_array()) {
    const json::object& test = entry.as_object();
    ++ran;
    const std::string input = Text(test.if_contains("purl"));
    const bool invalid = test.at("is_invalid").as_bool();
    const auto parsed = ParsePurl(input);
    std::optional<std::string> failure;
    if (invalid) {
      if (parsed) failure = "accepted as " + Describe(*parsed) + " but the suite says invalid";
    } else if (!parsed) {
      failure = "rejected: " + parsed.error().message;
    } else {
      const std::string canonical = ToCanonicalString(*parsed);
      const std::string expected_canonical = Text(test.if_contains("canonical_purl"));
      const PackageUrl expected = ComponentsFromJson(test);
      if (canonical != expected_canonical) {
        failure = "canonical '" + canonical + "', expected '" + expected_canonical + "'";
      } else if (*parsed != expected) {
        failure = "got " + Describe(*parsed) + ", expected " + Describe(expected);
      }
    }
    const auto deviation = std::ranges::find_if(
        kLegacyDeviations, [&](const auto& listed) { return listed.first == input; });
    if (deviation != std::end(kLegacyDeviations)) {
      deviation_seen[deviation - std::begin(kLegacyDeviations)] = true;
      if (failure) {
        ++deviations;
      } else {
        ADD_FAILURE() << input << ": listed as a deviation but now behaves as the suite expects";
      }
      continue;
    }
    if (failure) {
      ADD_FAILURE() << input << " (" << Text(test.if_contains("description")) << "): " << *failure;
    } else {
      ++passed;
    }
  }
  for (std::size_t index = 0; index < std::size(kLegacyDeviations); ++index) {
    if (!deviation_seen[index]) {
      ADD_FAILURE() << "legacy deviation entry matches no case: " << kLegacyDeviations[index].first;
    }
  }
  std::cout << "purl-spec legacy cases: " << ran << " run, " << passed << " as the suite expects, "
            << deviations << " listed deviations\n";
}

// ---------------------------------------------------------------------------------------------
// The registered type definitions.

std::vector<json::object> LoadTypeDefinitions() {
  std::vector<json::object> definitions;
  for (const fs::path& path : JsonFilesIn(PurlSpecDir() / "types")) {
    if (path.filename().string().ends_with("-definition.json")) {
      definitions.push_back(ReadJson(path).as_object());
    }
  }
  return definitions;
}

bool CaseSensitive(const json::object& definition, std::string_view component) {
  const json::value* part = definition.if_contains(component);
  if (part == nullptr || !part->is_object()) return true;
  const json::value* flag = part->as_object().if_contains("case_sensitive");
  return flag == nullptr || !flag->is_bool() || flag->as_bool();
}

TEST(PurlTypeDefinitions, TableAgreesWithTheRegisteredDefinitionFiles) {
  const std::vector<json::object> definitions = LoadTypeDefinitions();
  EXPECT_EQ(definitions.size(), RegisteredTypes().size());
  for (const json::object& file : definitions) {
    const std::string type = Text(file.if_contains("type"));
    const auto definition = FindTypeDefinition(type);
    if (!definition) {
      ADD_FAILURE() << "registered type '" << type << "' is missing from the table";
      continue;
    }
    std::string requirement = "optional";
    if (const json::value* part = file.if_contains("namespace_definition")) {
      const std::string stated = Text(part->as_object().if_contains("requirement"));
      if (!stated.empty()) requirement = stated;
    }
    const Requirement expected_requirement = requirement == "required" ? Requirement::kRequired
                                             : requirement == "prohibited"
                                                 ? Requirement::kProhibited
                                                 : Requirement::kOptional;
    EXPECT_EQ(definition->namespace_requirement, expected_requirement) << type;
    EXPECT_EQ(definition->namespace_case_sensitive, CaseSensitive(file, "namespace_definition"))
        << type;
    EXPECT_EQ(definition->name_case_sensitive, CaseSensitive(file, "name_definition")) << type;
    EXPECT_EQ(definition->version_case_sensitive, CaseSensitive(file, "version_definition"))
        << type;
    EXPECT_EQ(definition->subpath_case_sensitive, CaseSensitive(file, "subpath_definition"))
        << type;
    std::string required_qualifiers;
    if (const json::value* qualifiers = file.if_contains("qualifiers_definition")) {
      for (const json::value& qualifier : qualifiers->as_array()) {
        if (Text(qualifier.as_object().if_contains("requirement")) == "required") {
          if (!required_qualifiers.empty()) required_qualifiers += ",";
          required_qualifiers += Text(qualifier.as_object().if_contains("key"));
        }
      }
    }
    EXPECT_EQ(definition->required_qualifier, required_qualifiers) << type;
  }
}

// The definitions' examples are not all canonical (qualifier order, "%3A" in versions), but each
// must be a valid purl whose canonical form parses back to the same components.
TEST(PurlTypeDefinitions, EveryRegisteredExampleIsValidWithAStableCanonicalForm) {
  std::size_t examples = 0;
  std::size_t canonical_as_written = 0;
  for (const json::object& file : LoadTypeDefinitions()) {
    const json::value* listed = file.if_contains("examples");
    if (listed == nullptr) continue;
    for (const json::value& example : listed->as_array()) {
      ++examples;
      const std::string text(example.as_string());
      const auto parsed = ParsePurl(text);
      if (!parsed) {
        ADD_FAILURE() << text << ": rejected: " << parsed.error().message;
        continue;
      }
      const std::string canonical = ToCanonicalString(*parsed);
      if (canonical == text) ++canonical_as_written;
      const auto reparsed = ParsePurl(canonical);
      ASSERT_TRUE(reparsed) << text << " -> " << canonical << ": " << reparsed.error().message;
      EXPECT_EQ(*reparsed, *parsed) << text << " -> " << canonical;
    }
  }
  EXPECT_GT(examples, 100u);
  std::cout << "purl-spec type definition examples: " << examples << " valid, "
            << canonical_as_written << " already canonical\n";
}

// ---------------------------------------------------------------------------------------------
// Behaviour the suites do not pin down.

TEST(ParsePurl, NamesTheMissingMavenNamespaceInItsMessage) {
  const auto parsed = ParsePurl("pkg:maven/foo");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kBadRequest);
  EXPECT_EQ(parsed.error().code, "invalidPurl");
  EXPECT_EQ(parsed.error().message,
            "purl 'pkg:maven/foo' is invalid: a Maven purl needs a namespace (the groupId)");
}

TEST(ParsePurl, SaysWhyEachMalformedPurlIsRejected) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"npm/foo", "it does not start with 'pkg:'"},
      {"pkg:npm", "it has no name"},
      {"pkg:/", "it has no type"},
      {"pkg:3d/foo", "the type '3d' does not start with a letter"},
      {"pkg:npm/foo%2", "the name has a '%' that is not followed by two hex digits"},
      {"pkg:npm/foo@1%zz", "the version has a '%' that is not followed by two hex digits"},
      {"pkg:npm/foo%FF", "the name is not valid UTF-8"},
      {"pkg:npm/foo%0A", "the name holds a control character"},
      {"pkg:npm/foo?arch", "the qualifier 'arch' has no '=' and value"},
      {"pkg:npm/foo?a=1&A=2", "the qualifier 'a' appears more than once"},
      {"pkg:npm/foo?1a=1", "the qualifier key '1a' is not a letter followed by letters"},
      {"pkg:npm/a%2Fb/c", "a namespace segment holds an encoded '/'"},
      {"pkg:pypi/numpy/numpy", "a PyPI purl has no namespace, but 'numpy' was given"},
      {"pkg:julia/Dates", "a Julia purl needs the 'uuid' qualifier"},
      {"pkg:cpan/LWP::UserAgent", "a CPAN purl names a distribution"},
  };
  for (const auto& [input, reason] : cases) {
    const auto parsed = ParsePurl(input);
    ASSERT_FALSE(parsed) << input;
    EXPECT_NE(parsed.error().message.find(reason), std::string::npos)
        << input << ": " << parsed.error().message;
  }
}

TEST(ParsePurl, RefusesInputLongerThanTheLimitBeforeParsing) {
  const std::string long_purl = "pkg:npm/" + std::string(kMaxPurlLength, 'a');
  const auto parsed = ParsePurl(long_purl);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("longer than 8192 bytes"), std::string::npos);
  EXPECT_LT(parsed.error().message.size(), 300u);
  EXPECT_TRUE(ParsePurl("pkg:npm/" + std::string(kMaxPurlLength - 8, 'a')));
}

TEST(ParsePurl, SortsQualifiersAndDropsEmptyValues) {
  const auto parsed = ParsePurl("pkg:npm/foo?b=2&a=&C=3&&d=x%26y");
  ASSERT_TRUE(parsed) << parsed.error().message;
  using Qualifiers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parsed->qualifiers, (Qualifiers{{"b", "2"}, {"c", "3"}, {"d", "x&y"}}));
  EXPECT_EQ(FindQualifier(*parsed, "d"), "x&y");
  EXPECT_FALSE(FindQualifier(*parsed, "a"));
  EXPECT_EQ(ToCanonicalString(*parsed), "pkg:npm/foo?b=2&c=3&d=x%26y");
}

TEST(ParsePurl, KeepsAnUnencodedNpmScopeInTheNamespace) {
  const auto parsed = ParsePurl("pkg:npm/@babel/core@7.0.0");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->package_namespace, "@babel");
  EXPECT_EQ(parsed->name, "core");
  EXPECT_EQ(parsed->version, "7.0.0");
  EXPECT_EQ(ToCanonicalString(*parsed), "pkg:npm/%40babel/core@7.0.0");
}

TEST(ParsePurl, EncodesNonAsciiAsUtf8PercentEscapes) {
  const auto parsed = ParsePurl("pkg:generic/%E4%B8%AD%E8%8F%AF@1.0");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->name, "中華");
  EXPECT_EQ(ToCanonicalString(*parsed), "pkg:generic/%E4%B8%AD%E8%8F%AF@1.0");
}

TEST(BuildPurl, MovesAGitRepositoryPathFromTheNamespaceIntoTheName) {
  PackageUrl components;
  components.type = "git";
  components.package_namespace = "codeberg.org/forgejo";
  components.name = "forgejo";
  const auto normalized = NormalizePurl(components);
  ASSERT_TRUE(normalized) << normalized.error().message;
  EXPECT_EQ(normalized->package_namespace, "codeberg.org");
  EXPECT_EQ(normalized->name, "forgejo/forgejo");
  EXPECT_EQ(ToCanonicalString(*normalized), "pkg:git/codeberg.org/forgejo/forgejo");
}

TEST(BuildPurl, LowerCasesQualifierKeysAndRejectsBadOnes) {
  PackageUrl components;
  components.type = "Maven";
  components.package_namespace = "org.example";
  components.name = "lib";
  components.qualifiers = {{"Type", "jar"}, {"classifier", ""}};
  EXPECT_EQ(BuildPurl(components).value_or("error"), "pkg:maven/org.example/lib?type=jar");
  components.qualifiers = {{"in production", "true"}};
  const auto built = BuildPurl(components);
  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message.find("qualifier key 'in production'"), std::string::npos);
}

// Whatever ParsePurl accepts, its canonical string parses back to the same components (and so
// to the same canonical string); whatever it gets, it returns without crashing.
TEST(ParsePurl, CanonicalFormOfRandomInputParsesBackToTheSameComponents) {
  constexpr std::string_view kAlphabet = "pkg:/@?#&=%.-_~+ aZ09git/maven/npm/pypi/%2F%40%41%E4";
  std::mt19937 generator(20240611);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  const std::string_view prefixes[] = {"pkg:",         "pkg:npm/",     "pkg:git/", "pkg:pypi/",
                                       "pkg:generic/", "pkg:maven/g/", ""};
  std::uniform_int_distribution<std::size_t> prefix_pick(0, std::size(prefixes) - 1);
  std::size_t accepted = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string input(prefixes[prefix_pick(generator)]);
    const std::size_t size = length(generator);
    for (std::size_t index = 0; index < size; ++index) input += kAlphabet[pick(generator)];
    const auto parsed = ParsePurl(input);
    if (!parsed) continue;
    ++accepted;
    const std::string canonical = ToCanonicalString(*parsed);
    const auto reparsed = ParsePurl(canonical);
    ASSERT_TRUE(reparsed) << input << " -> " << canonical << ": " << reparsed.error().message;
    ASSERT_EQ(*reparsed, *parsed) << input << " -> " << canonical;
    ASSERT_EQ(ToCanonicalString(*reparsed), canonical) << input;
  }
  EXPECT_GT(accepted, 1000u);
}

TEST(PurlParseInto, ReusedStorageHoldsOnlyTheLatestPurl) {
  PackageUrl scratch;
  ASSERT_TRUE(ParsePurlInto(
      "pkg:maven/org.apache.struts/struts2-core@2.3.20?classifier=sources&type=jar#src/main",
      scratch));
  EXPECT_EQ(scratch.qualifiers.size(), 2u);
  ASSERT_TRUE(ParsePurlInto("pkg:npm/left-pad", scratch));
  EXPECT_EQ(scratch, ParsePurl("pkg:npm/left-pad").value());
  EXPECT_TRUE(scratch.package_namespace.empty());
  EXPECT_TRUE(scratch.version.empty());
  EXPECT_TRUE(scratch.qualifiers.empty());
  EXPECT_TRUE(scratch.subpath.empty());
  const auto refused = ParsePurlInto("npm/left-pad@1.0.0", scratch);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "invalidPurl");
  ASSERT_TRUE(ParsePurlInto("pkg:golang/github.com/gorilla/mux@v1.8.0", scratch));
  EXPECT_EQ(scratch.package_namespace, "github.com/gorilla");
  EXPECT_EQ(scratch.name, "mux");
  EXPECT_EQ(scratch.version, "v1.8.0");
}

}  // namespace
}  // namespace sg::purl
