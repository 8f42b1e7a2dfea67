// Hand-written cases: hostile and malformed input, limits, format detection, warnings.
#include "sbom/reader.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sbom/sbom_test_data.hpp"

namespace sg::sbom {
namespace {

/// A CycloneDX 1.6 JSON document with `components` (JSON text of the array's items) and optional
/// extra top-level members.
std::string CycloneDxJson(const std::string& components, const std::string& extra = "") {
  return R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1,)" + extra +
         R"("components":[)" + components + "]}";
}

std::string Library(const std::string& name, const std::string& version,
                    const std::string& purl = "", const std::string& more = "") {
  std::string text = R"({"type":"library","name":")" + name + R"(","version":")" + version + '"';
  if (!purl.empty()) text += R"(,"purl":")" + purl + '"';
  if (!more.empty()) text += "," + more;
  return text + "}";
}

std::size_t CountWarnings(const Document& document, WarningKind kind) {
  return static_cast<std::size_t>(
      std::count_if(document.warnings.begin(), document.warnings.end(),
                    [&](const Warning& warning) { return warning.kind == kind; }));
}

ReadOptions Lenient() {
  ReadOptions options;
  options.conformance = Conformance::kLenient;
  return options;
}

// --- XML attacks -------------------------------------------------------------------------------

TEST(SbomXmlSafety, BillionLaughsIsRefusedBeforeAnyEntityIsExpanded) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE bom [\n<!ENTITY lol \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    xml += "<!ENTITY lol" + std::to_string(level) + " \"";
    for (int copy = 0; copy < 10; ++copy) {
      xml += "&lol" + (level == 1 ? std::string() : std::to_string(level - 1)) + ";";
    }
    xml += "\">\n";
  }
  xml +=
      "]>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component "
      "type=\"library\"><name>&lol9;</name></component></components></bom>";
  const auto start = std::chrono::steady_clock::now();
  const Result<Document> result = ReadSbom(xml);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "xmlDtdForbidden");
  EXPECT_NE(result.error().message.find("DOCTYPE"), std::string::npos);
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));
}

TEST(SbomXmlSafety, ExternalEntitiesAreRefused) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE bom [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
      "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component "
      "type=\"library\"><name>&secret;</name></component></components></bom>";
  const Result<Document> result = ReadSbom(xml);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "xmlDtdForbidden");
}

TEST(SbomXmlSafety, ADoctypeWithoutEntitiesIsRefusedToo) {
  const Result<Document> result = ReadSbom(
      "<?xml version=\"1.0\"?><!DOCTYPE bom SYSTEM \"http://example.com/bom.dtd\">"
      "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "xmlDtdForbidden");
}

TEST(SbomXmlSafety, AnUndeclaredEntityIsMalformedXml) {
  const Result<Document> result = ReadSbom(
      "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component "
      "type=\"library\"><name>&nope;</name></component></components></bom>");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomMalformed");
  EXPECT_NE(result.error().message.find("line 1"), std::string::npos);
}

// --- limits ----------------------------------------------------------------------------------

TEST(SbomLimits, ADocumentOverTheSizeLimitIsRefusedBeforeParsing) {
  ReadOptions options;
  options.max_bytes = 100;
  // Not even JSON: the size check comes first.
  const Result<Document> result = ReadSbom(std::string(101, 'x'), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomTooLarge");
  EXPECT_EQ(result.error().kind, ErrorKind::kPayloadTooLarge);
  EXPECT_NE(result.error().message.find("limit"), std::string::npos);
  EXPECT_EQ(ReadCycloneDxXml(std::string(101, '<'), options).error().code, "sbomTooLarge");
  EXPECT_EQ(ReadSpdxTagValue(std::string(101, 'S'), options).error().code, "sbomTooLarge");
}

TEST(SbomLimits, TheDefaultLimitIsFiftyMegabytes) { EXPECT_EQ(ReadOptions{}.max_bytes, 50u << 20); }

TEST(SbomLimits, ComponentsNestedTooDeeplyAreRefusedInJsonAndXml) {
  ReadOptions options;
  options.max_nesting = 8;
  std::string json_components = Library("leaf", "1");
  std::string xml_components = "<component type=\"library\"><name>leaf</name></component>";
  for (int level = 0; level < 10; ++level) {
    json_components = R"({"type":"library","name":"n","components":[)" + json_components + "]}";
    xml_components = "<component type=\"library\"><name>n</name><components>" + xml_components +
                     "</components></component>";
  }
  const Result<Document> json = ReadSbom(CycloneDxJson(json_components), options);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, "sbomTooDeep");
  const Result<Document> xml =
      ReadSbom("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>" + xml_components +
                   "</components></bom>",
               options);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().code, "sbomTooDeep");
}

TEST(SbomLimits, DeeplyNestedArraysInSkippedFieldsNeitherCrashNorRecurse) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const Result<Document> json =
      ReadSbom(CycloneDxJson(Library("a", "1", "pkg:npm/a@1", R"("evidence":)" + deep)));
  // simdjson may refuse the depth; either way the reader returns.
  if (!json) {
    EXPECT_EQ(json.error().code, "sbomMalformed");
  }
  std::string xml = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>";
  for (int level = 0; level < 5000; ++level) xml += "<x:a xmlns:x=\"urn:x\">";
  for (int level = 0; level < 5000; ++level) xml += "</x:a>";
  xml += "</components></bom>";
  const Result<Document> deep_xml = ReadSbom(xml);
  ASSERT_FALSE(deep_xml);
  EXPECT_EQ(deep_xml.error().code, "sbomTooDeep");
}

TEST(SbomLimits, WarningsPastTheCapAreCountedNotKept) {
  std::string components;
  for (int index = 0; index < 50; ++index) {
    if (index > 0) components += ",";
    components += Library("lib" + std::to_string(index), "1");
  }
  ReadOptions options;
  options.max_warnings = 10;
  const Result<Document> result = ReadSbom(CycloneDxJson(components), options);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->components.size(), 50u);
  EXPECT_EQ(result->warnings.size(), 10u);
  EXPECT_EQ(result->suppressed_warnings, 40u);
}

// --- malformed input ---------------------------------------------------------------------------

TEST(SbomMalformedInput, BrokenJsonIsReportedWithItsLineAndColumn) {
  const Result<Document> result = ReadSbom(
      "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n"
      "    {\"type\": \"library\", \"name\": \"a\",, }\n  ]\n}\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomMalformed");
  EXPECT_NE(result.error().message.find("line 5"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("not well-formed JSON"), std::string::npos);
}

TEST(SbomMalformedInput, UnterminatedJsonAndInvalidUtf8AreMalformed) {
  for (const std::string& text :
       {std::string(R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[)"),
        std::string("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"x\":\"\xff\xfe\"}"),
        CycloneDxJson("") + " trailing"}) {
    SCOPED_TRACE(text);
    const Result<Document> result = ReadSbom(text);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "sbomMalformed") << result.error().message;
  }
}

TEST(SbomMalformedInput, ContentAfterTheRootIsReportedWhereItStarts) {
  const Result<Document> result = ReadSbom(CycloneDxJson("") + "\n  {\"again\": 1}\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomMalformed");
  EXPECT_NE(result.error().message.find("content after its end"), std::string::npos)
      << result.error().message;
}

TEST(SbomMalformedInput, BrokenXmlIsReportedWithItsLine) {
  const Result<Document> result = ReadSbom(
      "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n"
      "<components>\n<component type=\"library\"><name>a</nam></component>\n</components></bom>");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomMalformed");
  EXPECT_NE(result.error().message.find("line 4"), std::string::npos) << result.error().message;
}

TEST(SbomMalformedInput, ATagValueLineWithoutATagIsMalformed) {
  const Result<Document> result =
      ReadSbom("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nthis line has no tag\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomMalformed");
  EXPECT_NE(result.error().message.find("Line 3"), std::string::npos) << result.error().message;
}

TEST(SbomMalformedInput, TruncationsAtEveryByteAreRejectedOrReadButNeverCrash) {
  for (const std::string path :
       {"osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/cdx/testdata/"
        "sbom-with-nested-comps.cdx.json",
        "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/cdx/testdata/"
        "sbom.cdx.xml",
        "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/spdx/testdata/sbom.spdx",
        "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/spdx/testdata/"
        "purl_and_cpe.spdx.json"}) {
    const std::string text = testing::ReadReference(path);
    for (std::size_t length = 0; length < text.size(); ++length) {
      const Result<Document> result = ReadSbom(std::string_view(text).substr(0, length), Lenient());
      if (!result) {
        EXPECT_FALSE(result.error().message.empty()) << path << " at " << length;
      }
    }
  }
}

// --- schema rules and warnings ---------------------------------------------------------------

TEST(SbomSchemaRules, AWrongTypeIsRefusedWithTheJsonPointer) {
  const Result<Document> result =
      ReadSbom(CycloneDxJson(R"({"type":"library","name":["not","a","string"]})"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomInvalid");
  EXPECT_EQ(result.error().kind, ErrorKind::kValidationFailed);
  ASSERT_TRUE(result.error().fields.contains("/components/0/name"));
  EXPECT_EQ(result.error().fields.at("/components/0/name"), std::vector<std::string>{"type"});
}

TEST(SbomSchemaRules, ARepeatedKeyIsRefusedRatherThanGuessedAt) {
  const Result<Document> result = ReadSbom(
      CycloneDxJson(R"({"type":"library","name":"a","purl":"pkg:npm/a@1","purl":"pkg:npm/b@1"})"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().fields.begin()->second.front(), "duplicateKey");
}

TEST(SbomSchemaRules, EscapedKeysAreReadLikePlainOnes) {
  const Result<Document> result =
      ReadSbom(CycloneDxJson(R"({"type":"library","n\u0061me":"a","purl":"pkg:npm/a@1"})"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->components[0].name, "a");
}

TEST(SbomSchemaRules, LenientReadsKeepTheDocumentAndWarnWithTheRule) {
  const Result<Document> result = ReadSbom(
      CycloneDxJson(Library("a", "1", "pkg:npm/a@1", R"("scope":"sometimes")")), Lenient());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->components.size(), 1u);
  EXPECT_EQ(result->components[0].scope, Scope::kUnspecified);
  ASSERT_EQ(CountWarnings(*result, WarningKind::kSchemaViolation), 1u);
  EXPECT_EQ(result->warnings[0].location, "/components/0/scope");
}

TEST(SbomSchemaRules, ADuplicateBomRefIsAnErrorStrictlyAndAWarningLeniently) {
  const std::string text =
      CycloneDxJson(Library("a", "1", "pkg:npm/a@1", R"("bom-ref":"same")") + "," +
                    Library("b", "1", "pkg:npm/b@1", R"("bom-ref":"same")"));
  const Result<Document> strict = ReadSbom(text);
  ASSERT_FALSE(strict);
  EXPECT_TRUE(strict.error().fields.contains("/components/1"));
  EXPECT_EQ(strict.error().fields.at("/components/1"), std::vector<std::string>{"uniqueBomRef"});
  const Result<Document> lenient = ReadSbom(text, Lenient());
  ASSERT_TRUE(lenient);
  EXPECT_EQ(lenient->components.size(), 2u);
  EXPECT_EQ(CountWarnings(*lenient, WarningKind::kDuplicateBomRef), 1u);
}

TEST(SbomWarnings, DuplicateComponentsAreWarnedAndKept) {
  const Result<Document> result = ReadSbom(
      CycloneDxJson(Library("a", "1.0", "pkg:npm/a@1.0") + "," + Library("b", "2", "pkg:npm/b@2") +
                    "," + Library("a", "1.0", "pkg:npm/a@1.0")));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->components.size(), 3u);
  ASSERT_EQ(CountWarnings(*result, WarningKind::kDuplicateComponent), 1u);
  const Warning& warning = result->warnings[0];
  EXPECT_EQ(warning.component, std::optional<std::size_t>(2));
  EXPECT_EQ(warning.location, "/components/2");
  EXPECT_NE(warning.message.find("/components/0"), std::string::npos) << warning.message;
}

TEST(SbomWarnings, ComponentsWithoutPurlAreKeptAndWarned) {
  const Result<Document> result = ReadSbom(CycloneDxJson(
      Library("with", "1", "pkg:npm/with@1") + "," + Library("without", "2") + "," +
      Library("cpe-only", "3", "", R"("cpe":"cpe:2.3:a:x:cpe-only:3:*:*:*:*:*:*:*")")));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->components.size(), 3u);
  EXPECT_EQ(result->components[1].name, "without");
  EXPECT_EQ(result->components[1].purl, "");
  ASSERT_EQ(CountWarnings(*result, WarningKind::kMissingPurl), 2u);
  EXPECT_EQ(result->warnings[0].component, std::optional<std::size_t>(1));
  EXPECT_NE(result->warnings[1].message.find("CPE"), std::string::npos);
  EXPECT_EQ(WarningCode(WarningKind::kMissingPurl), "componentWithoutPurl");
}

TEST(SbomWarnings, DanglingDependencyReferencesAreWarnedAndTheEdgeKept) {
  const Result<Document> result =
      ReadSbom(CycloneDxJson(Library("a", "1", "pkg:npm/a@1", R"("bom-ref":"a")"),
                             R"("dependencies":[{"ref":"a","dependsOn":["ghost"]}],)"));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->dependencies.size(), 1u);
  EXPECT_EQ(result->dependencies[0].from.kind, NodeKind::kComponent);
  EXPECT_EQ(result->dependencies[0].to.kind, NodeKind::kUnresolved);
  EXPECT_EQ(result->dependencies[0].to.ref, "ghost");
  ASSERT_EQ(CountWarnings(*result, WarningKind::kDanglingReference), 1u);
  EXPECT_EQ(result->warnings[0].location, "/dependencies/0");
}

TEST(SbomModel, NestedComponentsAreCountedDepthFirstWithTheirParents) {
  const std::string nested =
      R"({"type":"application","name":"app","purl":"pkg:npm/app@1","components":[)" +
      Library("x", "1", "pkg:npm/x@1") + "," +
      R"({"type":"library","name":"y","purl":"pkg:npm/y@1","components":[)" +
      Library("z", "1", "pkg:npm/z@1") + "]}]}";
  const Result<Document> result = ReadSbom(CycloneDxJson(
      nested + "," + Library("w", "1", "pkg:npm/w@1"),
      R"("metadata":{"component":{"type":"application","name":"subject","components":[)" +
          Library("sub-child", "1", "pkg:npm/sub-child@1") + "]}},"));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->subject);
  EXPECT_EQ(result->subject->name, "subject");
  std::vector<std::string> names;
  for (const Component& component : result->components) names.emplace_back(component.name);
  // The subject's children are inventory too; the subject itself is not counted.
  EXPECT_EQ(names, (std::vector<std::string>{"sub-child", "app", "x", "y", "z", "w"}));
  EXPECT_EQ(result->components[1].parent, std::nullopt);
  EXPECT_EQ(result->components[2].parent, std::optional<std::size_t>(1));
  EXPECT_EQ(result->components[3].parent, std::optional<std::size_t>(1));
  EXPECT_EQ(result->components[4].parent, std::optional<std::size_t>(3));
  EXPECT_EQ(result->components[5].parent, std::nullopt);
}

TEST(SbomModel, LicencesKeepTheirFormAndAcknowledgement) {
  const Result<Document> result = ReadSbom(CycloneDxJson(Library(
      "a", "1", "pkg:npm/a@1",
      R"("licenses":[{"license":{"id":"MIT","acknowledgement":"declared"}},{"license":{"name":"Acme EULA"}}])")));
  ASSERT_TRUE(result) << result.error().message;
  const std::span<const License> licenses = result->components[0].licenses;
  ASSERT_EQ(licenses.size(), 2u);
  EXPECT_EQ(licenses[0].form, LicenseForm::kId);
  EXPECT_EQ(licenses[0].value, "MIT");
  EXPECT_EQ(licenses[0].acknowledgement, LicenseAcknowledgement::kDeclared);
  EXPECT_EQ(licenses[1].form, LicenseForm::kName);
  EXPECT_EQ(licenses[1].value, "Acme EULA");
}

TEST(SbomModel, SpdxTagValueTextBlocksMayHoldColonsAndSpanLines) {
  const Result<Document> result = ReadSbom(
      "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n"
      "DocumentName: demo\nDocumentNamespace: https://example.com/demo\n"
      "Creator: Tool: hand\nCreated: 2024-01-01T00:00:00Z\n"
      "DocumentComment: <text>Line one\nKey: not a tag\n</text>\n\n"
      "PackageName: left-pad\nSPDXID: SPDXRef-left-pad\nPackageVersion: 1.3.0\n"
      "PackageDownloadLocation: NOASSERTION\n"
      "ExternalRef: PACKAGE-MANAGER purl pkg:npm/left-pad@1.3.0\n"
      "PackageLicenseDeclared: WTFPL\n"
      "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-left-pad\n");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->format, Format::kSpdxTagValue);
  EXPECT_EQ(result->name, "demo");
  ASSERT_TRUE(result->subject);
  EXPECT_EQ(result->subject->purl, "pkg:npm/left-pad@1.3.0");
  EXPECT_TRUE(result->components.empty());
}

TEST(SbomModel, SpdxDependencyOfIsTurnedRound) {
  const Result<Document> result = ReadSbom(
      R"({"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT",
          "name":"d","documentNamespace":"https://example.com/d",
          "creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: x"]},
          "packages":[{"SPDXID":"SPDXRef-app","name":"app","downloadLocation":"NONE"},
                      {"SPDXID":"SPDXRef-lib","name":"lib","downloadLocation":"NONE"}],
          "relationships":[{"spdxElementId":"SPDXRef-lib","relationshipType":"DEPENDENCY_OF",
                            "relatedSpdxElement":"SPDXRef-app"},
                           {"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON",
                            "relatedSpdxElement":"DocumentRef-other:SPDXRef-x"}]})");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->dependencies.size(), 2u);
  EXPECT_EQ(NodeRef(*result, result->dependencies[0].from), "SPDXRef-app");
  EXPECT_EQ(NodeRef(*result, result->dependencies[0].to), "SPDXRef-lib");
  EXPECT_EQ(result->dependencies[0].to.ref, "") << "a resolved end keeps no copy";
  // A reference into another document is unresolved but not dangling.
  EXPECT_EQ(result->dependencies[1].to.kind, NodeKind::kUnresolved);
  EXPECT_EQ(result->dependencies[1].to.ref, "DocumentRef-other:SPDXRef-x");
  EXPECT_EQ(CountWarnings(*result, WarningKind::kDanglingReference), 0u);
}

// --- format detection --------------------------------------------------------------------------

TEST(SbomFormatDetection, EachFormatIsRecognisedFromItsContent) {
  const std::string spdx_json = R"({"spdxVersion":"SPDX-2.3"})";
  EXPECT_EQ(DetectFormat(CycloneDxJson("")), Format::kCycloneDxJson);
  EXPECT_EQ(DetectFormat("\xEF\xBB\xBF  <bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>"),
            Format::kCycloneDxXml);
  EXPECT_EQ(DetectFormat(spdx_json), Format::kSpdxJson);
  EXPECT_EQ(DetectFormat("# comment\nSPDXVersion: SPDX-2.3\n"), Format::kSpdxTagValue);
}

TEST(SbomFormatDetection, AUtf8ByteOrderMarkIsAllowedBeforeAnyFormat) {
  const std::string bom = "\xEF\xBB\xBF";
  const Result<Document> json = ReadSbom(bom + CycloneDxJson(Library("a", "1", "pkg:npm/a@1")));
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ(json->components.size(), 1u);
  const Result<Document> xml =
      ReadSbom(bom +
               "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component "
               "type=\"library\"><name>a</name><purl>pkg:npm/a@1</purl></component></components>"
               "</bom>");
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(xml->components.size(), 1u);
  EXPECT_EQ(DetectFormat("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>")
                .error()
                .code,
            "sbomUnsupportedFormat");
}

TEST(SbomFormatDetection, ContentTypesNameTheFormatIgnoringParametersAndCase) {
  EXPECT_EQ(FormatFromContentType("application/vnd.cyclonedx+json; version=1.6"),
            Format::kCycloneDxJson);
  EXPECT_EQ(FormatFromContentType("Application/VND.CycloneDX+XML"), Format::kCycloneDxXml);
  EXPECT_EQ(FormatFromContentType("application/spdx+json"), Format::kSpdxJson);
  EXPECT_EQ(FormatFromContentType("text/spdx; charset=utf-8"), Format::kSpdxTagValue);
  EXPECT_EQ(FormatFromContentType("application/json"), std::nullopt);
}

TEST(SbomFormatDetection, AContentTypeThatContradictsTheContentIsRefused) {
  ReadOptions options;
  options.content_type = "application/spdx+json";
  const Result<Document> result =
      ReadSbom(CycloneDxJson(Library("a", "1", "pkg:npm/a@1")), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomContentTypeMismatch");
  EXPECT_NE(result.error().message.find("CycloneDX JSON"), std::string::npos);
  options.content_type = "text/spdx";
  EXPECT_EQ(ReadSbom(CycloneDxJson(""), options).error().code, "sbomContentTypeMismatch");
  EXPECT_EQ(DetectFormat(CycloneDxJson(""), "application/vnd.cyclonedx+xml").error().code,
            "sbomContentTypeMismatch");
}

TEST(SbomFormatDetection, GenericContentTypesLeaveTheChoiceToTheContent) {
  ReadOptions options;
  for (const std::string content_type :
       {"application/json", "text/plain; charset=utf-8", "application/octet-stream", ""}) {
    options.content_type = content_type;
    EXPECT_TRUE(ReadSbom(CycloneDxJson(Library("a", "1", "pkg:npm/a@1")), options)) << content_type;
  }
  options.content_type = "image/png";
  EXPECT_EQ(ReadSbom(CycloneDxJson(""), options).error().code, "sbomUnsupportedFormat");
}

TEST(SbomFormatDetection, NonSbomsAreUnsupportedWithAHint) {
  for (const std::string& text :
       {std::string(""), std::string("   \n"), std::string("hello"), std::string("[1,2,3]"),
        std::string(R"({"name":"x"})"), std::string("<html><body/></html>"),
        std::string("\xFF\xFE{\0\"\0", 6)}) {
    SCOPED_TRACE(text);
    const Result<Document> result = ReadSbom(text);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "sbomUnsupportedFormat");
    EXPECT_FALSE(result.error().message.empty());
  }
}

TEST(SbomFormatDetection, OldCycloneDxVersionsAreUnsupportedByVersion) {
  const Result<Document> json =
      ReadSbom(R"({"bomFormat":"CycloneDX","specVersion":"1.1","components":[]})");
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().code, "sbomUnsupportedVersion");
  EXPECT_NE(json.error().message.find("1.1"), std::string::npos);
  const Result<Document> spdx = ReadSbom("SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\n");
  ASSERT_FALSE(spdx);
  EXPECT_EQ(spdx.error().code, "sbomUnsupportedVersion");
}

TEST(SbomFormatDetection, PerFormatReadersRefuseOtherFormats) {
  const Result<Document> result = ReadCycloneDxXml(CycloneDxJson(""));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "sbomUnsupportedFormat");
  EXPECT_EQ(ReadSpdxJson(CycloneDxJson("")).error().code, "sbomContentTypeMismatch");
  EXPECT_TRUE(ReadCycloneDxJson(CycloneDxJson(Library("a", "1", "pkg:npm/a@1"))));
}

}  // namespace
}  // namespace sg::sbom

namespace sg::sbom {
namespace {

TEST(SbomArena, KeepsTextsAndListsOfAnySizeAligned) {
  Arena arena;
  EXPECT_TRUE(arena.Keep(std::string_view()).empty());
  const std::string big(100 * 1024, 'x');  // larger than any first chunk: a chunk of its own
  const std::string_view small_before = arena.Keep("before");
  const std::string_view kept_big = arena.Keep(big);
  const std::string_view small_after = arena.Keep("after");
  EXPECT_EQ(kept_big, big);
  EXPECT_NE(kept_big.data(), big.data());
  // The oversized text did not end the chunk the small texts share.
  EXPECT_EQ(small_after.data(), small_before.data() + small_before.size());
  EXPECT_EQ(small_before, "before");
  std::vector<Hash> hashes(3);
  for (std::size_t index = 0; index < hashes.size(); ++index) {
    hashes[index].algorithm = HashAlgorithm::kSha1;
    hashes[index].value = arena.Keep(std::to_string(index));
  }
  arena.Keep("odd");  // leaves the next address unaligned for Hash
  const std::span<const Hash> kept = arena.Keep(std::span<const Hash>(hashes));
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(kept.data()) % alignof(Hash), 0u);
  EXPECT_EQ(kept[2].value, "2");
  // Many small texts over several chunks all stay readable.
  std::vector<std::string_view> texts;
  for (int index = 0; index < 100000; ++index) texts.push_back(arena.Keep(std::to_string(index)));
  for (int index = 0; index < 100000; index += 997) {
    EXPECT_EQ(texts[static_cast<std::size_t>(index)], std::to_string(index));
  }
  EXPECT_GE(arena.capacity(), big.size());
}

TEST(SbomArena, ACopyOfADocumentKeepsItsTextsAfterTheOriginalIsGone) {
  std::optional<Document> copy;
  {
    const Result<Document> read = ReadSbom(
        R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[)"
        R"({"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0",)"
        R"("hashes":[{"alg":"SHA-1","content":"5b8a3f4a3ad6fd2c8d1bf5d7d1e7d8bbf0b2e0a1"}],)"
        R"("licenses":[{"license":{"id":"WTFPL"}}],"cpe":"cpe:2.3:a:left-pad:left-pad:1.3.0:*:*:*:*:*:*:*"}]})");
    ASSERT_TRUE(read) << read.error().message;
    copy = *read;
  }
  const Component& component = copy->components.at(0);
  EXPECT_EQ(component.name, "left-pad");
  EXPECT_EQ(component.purl, "pkg:npm/left-pad@1.3.0");
  ASSERT_EQ(component.hashes.size(), 1u);
  EXPECT_EQ(component.hashes[0].value, "5b8a3f4a3ad6fd2c8d1bf5d7d1e7d8bbf0b2e0a1");
  ASSERT_EQ(component.licenses.size(), 1u);
  EXPECT_EQ(component.licenses[0].value, "WTFPL");
  EXPECT_EQ(testing::Strings(component.cpes),
            std::vector<std::string>{"cpe:2.3:a:left-pad:left-pad:1.3.0:*:*:*:*:*:*:*"});
}

}  // namespace
}  // namespace sg::sbom

namespace sg::sbom {
namespace {

TEST(SbomInPlace, ABufferWithSlackIsReadWhereItLiesWithTheSameResult) {
  std::string bytes = testing::ReadReference(
      "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json");
  const Result<Document> copied = ReadSbom(bytes);
  bytes.reserve(bytes.size() + 64);
  ReadOptions options;
  options.readable_past_end = bytes.capacity() - bytes.size();
  ASSERT_GE(options.readable_past_end, 64u);
  const Result<Document> in_place = ReadSbom(bytes, options);
  ASSERT_TRUE(copied) << copied.error().message;
  ASSERT_TRUE(in_place) << in_place.error().message;
  ASSERT_EQ(in_place->components.size(), copied->components.size());
  for (std::size_t index = 0; index < copied->components.size(); ++index) {
    EXPECT_EQ(in_place->components[index].purl, copied->components[index].purl);
    EXPECT_EQ(in_place->components[index].bom_ref, copied->components[index].bom_ref);
  }
  EXPECT_EQ(in_place->dependencies.size(), copied->dependencies.size());
  // The model does not point into the caller's buffer: it may go away.
  const std::string first_purl(in_place->components[0].purl);
  std::fill(bytes.begin(), bytes.end(), ' ');
  EXPECT_EQ(in_place->components[0].purl, first_purl);
  // Malformed text is still refused in place, with its position.
  std::string broken = R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[)";
  broken.reserve(broken.size() + 64);
  options.readable_past_end = broken.capacity() - broken.size();
  const Result<Document> refused = ReadSbom(broken, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "sbomMalformed");
}

}  // namespace
}  // namespace sg::sbom
