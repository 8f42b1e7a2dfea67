// SPDX 2.2/2.3: the spdx/tools-java test documents with the outcome its VerifyTest expects,
// the spdx-examples, and osv-scalibr's relationship edge cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sbom/license_expression.hpp"
#include "sbom/reader.hpp"
#include "sbom/sbom_test_data.hpp"

namespace sg::sbom {
namespace {

namespace fs = std::filesystem;

Result<Document> Read(const std::string& relative, const ReadOptions& options = {}) {
  return ReadSbom(testing::ReadReference(relative), options);
}

std::size_t CountWarnings(const Document& document, WarningKind kind) {
  return static_cast<std::size_t>(
      std::count_if(document.warnings.begin(), document.warnings.end(),
                    [&](const Warning& warning) { return warning.kind == kind; }));
}

const Component* FindComponent(const Document& document, std::string_view bom_ref) {
  for (const Component& component : document.components) {
    if (component.bom_ref == bom_ref) return &component;
  }
  return nullptr;
}

/// tools-java's VerifyTest: what each of its test documents must yield. An empty `error_code`
/// means the document loads (Verify reports no error); `warning` is a warning kind it must carry.
struct ToolsJavaCase {
  std::string file;
  std::string error_code;
  std::optional<WarningKind> warning;
  std::string why;
};

const std::vector<ToolsJavaCase> kToolsJavaCases = {
    {"SPDXJSONExample-v2.3.spdx.json", "", std::nullopt, "testVerify: no errors"},
    {"SPDXJSONExample-v2.2.spdx.json", "", std::nullopt, "testVerifyJSONVersion: 2.2 is valid"},
    {"SPDXJSONExample-v2.3-with-exception.spdx.json", "", std::nullopt,
     "a listed licence WITH a listed exception"},
    {"SPDXTagExample-v2.3.spdx", "", std::nullopt, "testVerifyTagFile: no errors"},
    {"SPDXTagExample-v2.2.spdx", "", std::nullopt, "the 2.2 tag-value example"},
    {"SPDXTagExample-v2.2-warning.spdx", "", WarningKind::kDeprecatedLicense,
     "testVerifyWarning: a warning containing \"deprecated\" (LGPL-2.0)"},
    {"SPDXJSONExample-wrongversion.spdx.json", "sbomInvalid", std::nullopt,
     "testVerifyJSONVersion: 2.3 fields (builtDate, …) in a document saying SPDX-2.2"},
    {"SPDXWrongVersion.spdx.json", "sbomUnsupportedVersion", std::nullopt,
     "testUpsupportedVersionFields: spdxVersion SPDX-2.2.1"},
    {"BadJSON.spdx.json", "sbomInvalid", std::nullopt,
     "testVerifyBadJSON: creators a string, filesAnalyzed a string, fileName, a null name"},
    {"SPDXJsonLDExample-v3.0.1.json", "sbomUnsupportedFormat", std::nullopt,
     "SPDX 3 JSON-LD is not read (tools-java verifies it; this platform takes SPDX 2)"},
    {"SPDXXMLExample-v2.3.spdx.xml", "sbomUnsupportedFormat", std::nullopt, "SPDX XML is not read"},
    {"SPDXYAMLExample-2.3.spdx.yaml", "sbomUnsupportedFormat", std::nullopt,
     "SPDX YAML is not read"},
};

TEST(SpdxToolsJava, EachTestDocumentYieldsWhatVerifyTestExpects) {
  for (const ToolsJavaCase& expected : kToolsJavaCases) {
    SCOPED_TRACE(expected.file + " — " + expected.why);
    const Result<Document> result = Read("spdx/tools-java/testResources/" + expected.file);
    if (!expected.error_code.empty()) {
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error().code, expected.error_code) << result.error().message;
      EXPECT_FALSE(result.error().message.empty());
      continue;
    }
    ASSERT_TRUE(result) << result.error().code << ": " << result.error().message;
    EXPECT_EQ(CountWarnings(*result, WarningKind::kSchemaViolation), 0u);
    if (expected.warning) {
      ASSERT_GT(CountWarnings(*result, *expected.warning), 0u);
      const auto warning =
          std::find_if(result->warnings.begin(), result->warnings.end(),
                       [&](const Warning& each) { return each.kind == *expected.warning; });
      EXPECT_NE(warning->message.find("deprecated"), std::string::npos) << warning->message;
    } else {
      EXPECT_EQ(CountWarnings(*result, WarningKind::kDeprecatedLicense), 0u);
    }
  }
}

TEST(SpdxToolsJava, BadJsonHasExactlyTheFourProblemsVerifyCounts) {
  ReadOptions lenient;
  lenient.conformance = Conformance::kLenient;
  const Result<Document> result = Read("spdx/tools-java/testResources/BadJSON.spdx.json", lenient);
  ASSERT_TRUE(result) << result.error().message;
  std::vector<std::string> violations;
  for (const Warning& warning : result->warnings) {
    if (warning.kind == WarningKind::kSchemaViolation) violations.push_back(warning.location);
  }
  std::sort(violations.begin(), violations.end());
  EXPECT_EQ(violations,
            (std::vector<std::string>{"/creationInfo/creators", "/packages/0/fileName",
                                      "/packages/0/filesAnalyzed", "/packages/1/name"}));
}

TEST(SpdxToolsJava, TheJsonExampleDescribesGlibcAndKeepsTheOtherPackages) {
  const Result<Document> result =
      Read("spdx/tools-java/testResources/SPDXJSONExample-v2.3.spdx.json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->format, Format::kSpdxJson);
  EXPECT_EQ(result->spec_version, "2.3");
  EXPECT_EQ(result->name, "SPDX-Tools-v2.0");
  EXPECT_EQ(result->serial_number,
            "http://spdx.org/spdxdocs/spdx-example-json-2.3-444504E0-4F89-41D3-9A0C-0305E82C3301");
  ASSERT_TRUE(result->subject);
  EXPECT_EQ(result->subject->bom_ref, "SPDXRef-Package");
  EXPECT_EQ(result->subject->name, "glibc");
  EXPECT_EQ(result->subject->version, "2.11.1");
  EXPECT_EQ(
      testing::Strings(result->subject->cpes),
      std::vector<std::string>{"cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*"});
  ASSERT_EQ(result->subject->licenses.size(), 2u);
  EXPECT_EQ(result->subject->licenses[0].value, "(LGPL-2.0-only OR LicenseRef-3)");
  EXPECT_EQ(result->subject->licenses[0].acknowledgement, LicenseAcknowledgement::kConcluded);
  EXPECT_EQ(result->subject->licenses[1].acknowledgement, LicenseAcknowledgement::kDeclared);
  ASSERT_EQ(result->components.size(), 3u);
  const Component* jena = FindComponent(*result, "SPDXRef-fromDoap-0");
  ASSERT_NE(jena, nullptr);
  EXPECT_EQ(jena->purl, "pkg:maven/org.apache.jena/apache-jena@3.12.0");
  // glibc DYNAMIC_LINK Saxon: the subject depends on Saxon.
  const auto edge = std::find_if(
      result->dependencies.begin(), result->dependencies.end(),
      [&](const Dependency& each) { return NodeRef(*result, each.to) == "SPDXRef-Saxon"; });
  ASSERT_NE(edge, result->dependencies.end());
  EXPECT_EQ(edge->from.kind, NodeKind::kSubject);
  EXPECT_EQ(edge->to.kind, NodeKind::kComponent);
  EXPECT_EQ(edge->kind, EdgeKind::kDependsOn);
  EXPECT_EQ(CountWarnings(*result, WarningKind::kDanglingReference), 0u);
}

TEST(SpdxToolsJava, TagValueAndJsonOfTheSameExampleAgree) {
  const Result<Document> tag_value = Read("spdx/tools-java/testResources/SPDXTagExample-v2.3.spdx");
  const Result<Document> json =
      Read("spdx/tools-java/testResources/SPDXJSONExample-v2.3.spdx.json");
  ASSERT_TRUE(tag_value && json);
  EXPECT_EQ(tag_value->format, Format::kSpdxTagValue);
  ASSERT_TRUE(tag_value->subject);
  EXPECT_EQ(tag_value->subject->name, json->subject->name);
  ASSERT_EQ(tag_value->components.size(), json->components.size());
  for (const Component& component : json->components) {
    const Component* twin = FindComponent(*tag_value, component.bom_ref);
    ASSERT_NE(twin, nullptr) << component.bom_ref;
    EXPECT_EQ(twin->name, component.name);
    EXPECT_EQ(twin->version, component.version);
    EXPECT_EQ(twin->purl, component.purl);
    EXPECT_EQ(twin->hashes.size(), component.hashes.size());
  }
}

TEST(SpdxExamples, EveryJsonAndTagValueExampleLoadsStrictly) {
  int loaded = 0;
  const fs::path root = testing::ReferenceDir() / "spdx" / "spdx-examples";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string extension = entry.path().extension().string();
    if (extension != ".json" && extension != ".spdx") continue;
    SCOPED_TRACE(entry.path().string());
    const Result<Document> result = ReadSbom(testing::ReadFile(entry.path()));
    ASSERT_TRUE(result) << result.error().code << ": " << result.error().message;
    EXPECT_EQ(CountWarnings(*result, WarningKind::kSchemaViolation), 0u);
    ++loaded;
  }
  EXPECT_EQ(loaded, 29);
}

TEST(SpdxExamples, DependsOnAndTestDependencyOfBecomeEdgesFromTheSubject) {
  const Result<Document> maven =
      Read("spdx/spdx-examples/software/example8/spdx2.3/examplemaven-0.0.1.spdx.json");
  ASSERT_TRUE(maven);
  ASSERT_TRUE(maven->subject);
  EXPECT_EQ(maven->subject->name, "examplemaven");
  EXPECT_EQ(maven->components.size(), 5u);
  std::size_t dynamic_links = 0;
  std::size_t test_dependencies = 0;
  for (const Dependency& edge : maven->dependencies) {
    EXPECT_EQ(edge.from.kind, NodeKind::kSubject);
    if (edge.kind == EdgeKind::kDependsOn) ++dynamic_links;
    if (edge.kind == EdgeKind::kDevDependsOn) {
      ++test_dependencies;
      EXPECT_EQ(NodeRef(*maven, edge.to),
                "SPDXRef-junit");  // "junit TEST_DEPENDENCY_OF example", turned round
    }
  }
  EXPECT_EQ(dynamic_links, 4u);
  EXPECT_EQ(test_dependencies, 1u);

  const Result<Document> rust =
      Read("spdx/spdx-examples/software/example11/spdx2.3/sbom.spdx.json");
  ASSERT_TRUE(rust);
  ASSERT_TRUE(rust->subject);
  EXPECT_EQ(rust->subject->name, "hello-server-src");
  ASSERT_EQ(rust->components.size(), 3u);
  EXPECT_EQ(rust->dependencies.size(), 3u);
  const Component* logger =
      FindComponent(*rust, "SPDXRef-Package-SPDXRef-Package-cargo-pretty-env-logger-0.4.0");
  ASSERT_NE(logger, nullptr);
  EXPECT_EQ(logger->purl, "pkg:cargo/pretty_env_logger@0.4.0");
  ASSERT_EQ(logger->licenses.size(), 2u);
  const auto concluded =
      std::find_if(logger->licenses.begin(), logger->licenses.end(), [](const License& license) {
        return license.acknowledgement == LicenseAcknowledgement::kConcluded;
      });
  ASSERT_NE(concluded, logger->licenses.end());
  EXPECT_EQ(concluded->value, "MIT OR Apache-2.0");
  EXPECT_EQ(concluded->form, LicenseForm::kExpression);
}

const std::string kOsvSpdx =
    "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/spdx/testdata/";

TEST(SpdxOsvFixtures, DescendantOfLinksADownstreamPackageToItsSource) {
  const Result<Document> result = Read(kOsvSpdx + "descendant_of.spdx.json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->components.size(), 2u);
  ASSERT_EQ(result->dependencies.size(), 1u);
  const Dependency& edge = result->dependencies[0];
  EXPECT_EQ(edge.kind, EdgeKind::kDescendantOf);
  EXPECT_EQ(NodeRef(*result, edge.from), "SPDXRef-DownstreamPackage-log4j");
  EXPECT_EQ(NodeRef(*result, edge.to), "SPDXRef-SourcePackage-log4j");
  EXPECT_EQ(result->components[edge.to.index].purl, "pkg:maven/log4j/log4j@1.2.15");
  EXPECT_EQ(result->components[edge.to.index].cpes.size(), 1u);

  const Result<Document> ancestor = Read(kOsvSpdx + "ancestor_of.spdx.json");
  ASSERT_TRUE(ancestor);
  ASSERT_EQ(ancestor->dependencies.size(), 1u);
  // "source ANCESTOR_OF downstream" is the same edge written the other way.
  EXPECT_EQ(ancestor->dependencies[0].kind, EdgeKind::kDescendantOf);
  EXPECT_EQ(NodeRef(*ancestor, ancestor->dependencies[0].from), "SPDXRef-DownstreamPackage-log4j");

  const Result<Document> multi = Read(kOsvSpdx + "multi_descendant.spdx.json");
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->components.size(), 3u);
  EXPECT_EQ(multi->dependencies.size(), 2u);
}

TEST(SpdxOsvFixtures, TwoDescribedPackagesAreBothComponentsWithAWarning) {
  for (const std::string name : {"sbom.spdx", "sbom.spdx.json", "purl_and_cpe.spdx.json"}) {
    SCOPED_TRACE(name);
    const Result<Document> result = Read(kOsvSpdx + name);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_FALSE(result->subject);
    EXPECT_EQ(result->components.size(), 2u);
    EXPECT_EQ(CountWarnings(*result, WarningKind::kSeveralDescribedPackages), 1u);
  }
  const Result<Document> tag_value = Read(kOsvSpdx + "sbom.spdx");
  ASSERT_TRUE(tag_value);
  EXPECT_EQ(tag_value->components[0].name, "Nginx");
  EXPECT_EQ(testing::Strings(tag_value->components[0].cpes),
            std::vector<std::string>{"cpe:2.3:a:nginx:nginx:1.21.1"});
}

TEST(SpdxOsvFixtures, DocumentsBreakingTheSpecAreRefusedStrictlyAndReadLeniently) {
  ReadOptions lenient;
  lenient.conformance = Conformance::kLenient;
  // Docker Hardened Images: the document's SPDXID is its package's. external_refs: a package
  // without the required downloadLocation.
  for (const std::string name : {"dhi/.spdx.python.json", "dhi/.spdx.dhi-python.json",
                                 "dhi/.spdx.dhi-pkg-python.json", "external_refs.spdx.json"}) {
    SCOPED_TRACE(name);
    const Result<Document> strict = Read(kOsvSpdx + name);
    ASSERT_FALSE(strict);
    EXPECT_EQ(strict.error().code, "sbomInvalid");
    const Result<Document> loose = Read(kOsvSpdx + name, lenient);
    ASSERT_TRUE(loose) << loose.error().message;
    EXPECT_GT(CountWarnings(*loose, WarningKind::kSchemaViolation), 0u);
    EXPECT_GT(loose->components.size() + (loose->subject ? 1 : 0), 0u);
  }
}

TEST(LicenseExpressions, WellFormedExpressionsPass) {
  for (const std::string expression :
       {"MIT", "Apache-2.0 OR MIT", "(MIT OR Apache-2.0) AND BSD-3-Clause",
        "GPL-2.0-only WITH Classpath-exception-2.0", "LicenseRef-Proprietary",
        "DocumentRef-other:LicenseRef-1", "NOASSERTION", "NONE", "mit or apache-2.0", "Apache-2.0+",
        "((MIT))"}) {
    SCOPED_TRACE(expression);
    const LicenseExpressionCheck check = CheckLicenseExpression(expression);
    EXPECT_EQ(check.syntax_error, "");
    EXPECT_TRUE(check.unknown.empty());
  }
}

TEST(LicenseExpressions, MalformedExpressionsSayWhy) {
  for (const std::string expression :
       {"", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", "MIT OR OR Apache-2.0", "MIT ; rm",
        "LicenseRef-a:b", "MIT Apache-2.0"}) {
    SCOPED_TRACE(expression);
    EXPECT_NE(CheckLicenseExpression(expression).syntax_error, "");
  }
}

TEST(LicenseExpressions, DeprecatedAndUnknownIdentifiersAreReported) {
  const LicenseExpressionCheck check =
      CheckLicenseExpression("GPL-2.0+ OR LGPL-2.0 OR Madeup-1.0 OR GPL-2.0-with-GCC-exception");
  EXPECT_EQ(check.syntax_error, "");
  EXPECT_EQ(check.deprecated,
            (std::vector<std::string>{"GPL-2.0+", "LGPL-2.0", "GPL-2.0-with-GCC-exception"}));
  EXPECT_EQ(check.unknown, std::vector<std::string>{"Madeup-1.0"});
  EXPECT_TRUE(IsDeprecatedLicenseId("GPL-3.0"));
  EXPECT_FALSE(IsDeprecatedLicenseId("GPL-3.0-only"));
  EXPECT_FALSE(IsDeprecatedLicenseId("MIT"));
}

TEST(LicenseExpressions, DeepParenthesesAreRefusedWithoutRecursingFurther) {
  const std::string deep = std::string(100000, '(') + "MIT" + std::string(100000, ')');
  EXPECT_NE(CheckLicenseExpression(deep).syntax_error, "");
}

}  // namespace
}  // namespace sg::sbom
