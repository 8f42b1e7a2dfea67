// Real SBOMs (cyclonedx-bom-examples) and osv-scalibr's edge cases, checked against figures
// counted by hand (and with jq) from the files themselves.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sbom/reader.hpp"
#include "sbom/sbom_test_data.hpp"

namespace sg::sbom {
namespace {

Document Load(const std::string& relative, const ReadOptions& options = {}) {
  Result<Document> result = ReadSbom(testing::ReadReference(relative), options);
  if (!result) {
    ADD_FAILURE() << relative << ": " << result.error().code << ": " << result.error().message;
    return {};
  }
  return std::move(*result);
}

/// What a real SBOM must come out as.
struct RealSbomCase {
  std::string path;
  Format format;
  std::string spec_version;
  std::size_t components;
  std::size_t dependency_edges;
  std::string subject_name;
  // The first component, checked field by field.
  std::string first_name;
  std::string first_version;
  std::string first_purl;
  std::string first_license_id;
};

const std::vector<RealSbomCase> kRealSboms = {
    {"cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json", Format::kCycloneDxJson, "1.4", 62,
     113, "cyclonedx-php-composer-demo", "stack-cors", "1.3.0",
     "pkg:composer/asm89/stack-cors@1.3.0", "MIT"},
    {"cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.xml", Format::kCycloneDxXml, "1.4", 62,
     113, "cyclonedx-php-composer-demo", "stack-cors", "1.3.0",
     "pkg:composer/asm89/stack-cors@1.3.0", "MIT"},
    {"cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json", Format::kCycloneDxJson, "1.3", 62,
     113, "cyclonedx-php-composer-demo", "stack-cors", "1.3.0",
     "pkg:composer/asm89/stack-cors@1.3.0", "MIT"},
    {"cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.2.xml", Format::kCycloneDxXml, "1.2", 62,
     113, "cyclonedx-php-composer-demo", "stack-cors", "1.3.0",
     "pkg:composer/asm89/stack-cors@1.3.0", "MIT"},
    {"cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json", Format::kCycloneDxJson, "1.2", 167,
     170, "dropwizard-parent", "jackson-annotations", "2.9.10",
     "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar", "Apache-2.0"},
    {"cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.xml", Format::kCycloneDxXml, "1.2", 167,
     170, "dropwizard-parent", "jackson-annotations", "2.9.10",
     "pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.9.10?type=jar", "Apache-2.0"},
    {"cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json",
     Format::kCycloneDxJson, "1.2", 201, 232, "github.com/ProtonMail/proton-bridge",
     "github.com/0xAX/notificator", "v0.0.0-20191016112426-3962a5ea8da1",
     "pkg:golang/github.com/0xAX/notificator@v0.0.0-20191016112426-3962a5ea8da1", "BSD-3-Clause"},
    {"cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.xml",
     Format::kCycloneDxXml, "1.2", 201, 232, "github.com/ProtonMail/proton-bridge",
     "github.com/0xAX/notificator", "v0.0.0-20191016112426-3962a5ea8da1",
     "pkg:golang/github.com/0xAX/notificator@v0.0.0-20191016112426-3962a5ea8da1", "BSD-3-Clause"},
    {"cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json", Format::kCycloneDxJson,
     "1.2", 43, 0, "lhc-vdm-editor", "puppeteer", "1.19.0", "pkg:npm/puppeteer@1.19.0",
     "Apache-2.0"},
};

TEST(RealSboms, LoadWithTheComponentsDependenciesAndLicencesTheyHold) {
  for (const RealSbomCase& expected : kRealSboms) {
    SCOPED_TRACE(expected.path);
    const Document document = Load(expected.path);
    EXPECT_EQ(document.format, expected.format);
    EXPECT_EQ(document.spec_version, expected.spec_version);
    ASSERT_EQ(document.components.size(), expected.components);
    EXPECT_EQ(document.dependencies.size(), expected.dependency_edges);
    ASSERT_TRUE(document.subject);
    EXPECT_EQ(document.subject->name, expected.subject_name);
    const Component& first = document.components.front();
    EXPECT_EQ(first.name, expected.first_name);
    EXPECT_EQ(first.version, expected.first_version);
    EXPECT_EQ(first.purl, expected.first_purl);
    ASSERT_FALSE(first.licenses.empty());
    EXPECT_EQ(first.licenses.front().form, LicenseForm::kId);
    EXPECT_EQ(first.licenses.front().value, expected.first_license_id);
    for (const Component& component : document.components) {
      EXPECT_FALSE(component.purl.empty()) << component.name;
      EXPECT_FALSE(component.parent) << "these SBOMs do not nest";
    }
    // Every edge of these documents names a component (or the subject) the document defines.
    for (const Dependency& edge : document.dependencies) {
      EXPECT_NE(edge.from.kind, NodeKind::kUnresolved) << edge.from.ref;
      EXPECT_NE(edge.to.kind, NodeKind::kUnresolved) << edge.to.ref;
      EXPECT_FALSE(NodeRef(document, edge.to).empty());
    }
    EXPECT_TRUE(document.warnings.empty()) << document.warnings.front().message;
  }
}

TEST(RealSboms, JsonAndXmlOfTheSameBuildAgreeComponentByComponent) {
  for (const auto& [json_path, xml_path] : std::vector<std::pair<std::string, std::string>>{
           {"cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json",
            "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.xml"},
           {"cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json",
            "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.xml"},
           {"cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json",
            "cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.xml"}}) {
    SCOPED_TRACE(json_path);
    const Document json = Load(json_path);
    const Document xml = Load(xml_path);
    ASSERT_EQ(json.components.size(), xml.components.size());
    for (std::size_t index = 0; index < json.components.size(); ++index) {
      const Component& from_json = json.components[index];
      const Component& from_xml = xml.components[index];
      EXPECT_EQ(from_json.bom_ref, from_xml.bom_ref);
      EXPECT_EQ(from_json.group, from_xml.group);
      EXPECT_EQ(from_json.name, from_xml.name);
      EXPECT_EQ(from_json.version, from_xml.version);
      EXPECT_EQ(from_json.purl, from_xml.purl);
      EXPECT_EQ(from_json.hashes.size(), from_xml.hashes.size());
      // The one difference in the upstream files themselves: dropwizard's XML export has no
      // <licenses> for osgi-resource-locator, its JSON export an expression.
      if (from_json.name == "osgi-resource-locator" && from_xml.licenses.empty()) continue;
      ASSERT_EQ(from_json.licenses.size(), from_xml.licenses.size());
      for (std::size_t license = 0; license < from_json.licenses.size(); ++license) {
        EXPECT_EQ(from_json.licenses[license].value, from_xml.licenses[license].value);
      }
    }
    EXPECT_EQ(json.dependencies.size(), xml.dependencies.size());
  }
}

TEST(RealSboms, DropwizardKeepsHashesGroupsAndTheSerialNumber) {
  const Document document = Load("cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json");
  ASSERT_FALSE(document.components.empty());
  const Component& first = document.components.front();
  EXPECT_EQ(first.group, "com.fasterxml.jackson.core");
  EXPECT_EQ(first.type, ComponentType::kLibrary);
  EXPECT_EQ(first.scope, Scope::kUnspecified);  // written without a scope
  ASSERT_FALSE(first.hashes.empty());
  EXPECT_EQ(first.hashes.front().algorithm, HashAlgorithm::kMd5);
  EXPECT_EQ(first.hashes.front().value.size(), 32u);
  EXPECT_EQ(document.serial_number, "urn:uuid:b4f2954f-a96d-4578-9509-1ae2d6476209");
}

TEST(RealSboms, NestedComponentsKeepTheirParentAndCount) {
  const Document document = Load(
      "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/cdx/testdata/"
      "sbom-with-nested-comps.cdx.json");
  ASSERT_EQ(document.components.size(), 3u);
  EXPECT_EQ(document.components[0].name, "openssl");
  EXPECT_FALSE(document.components[0].parent);
  EXPECT_EQ(document.components[1].name, "Nginx");
  EXPECT_EQ(testing::Strings(document.components[1].cpes),
            std::vector<std::string>{"cpe:2.3:a:nginx:nginx:1.21.1"});
  EXPECT_EQ(document.components[2].name, "rustls");
  EXPECT_EQ(document.components[2].parent, std::optional<std::size_t>(1));
  EXPECT_EQ(document.components[2].purl, "pkg:cargo/rustls@0.23.13");
  // Nginx has only a CPE: kept, and warned about.
  ASSERT_EQ(document.warnings.size(), 1u);
  EXPECT_EQ(document.warnings[0].kind, WarningKind::kMissingPurl);
  EXPECT_EQ(document.warnings[0].component, std::optional<std::size_t>(1));
  EXPECT_EQ(document.warnings[0].location, "/components/1");
}

TEST(RealSboms, AMetadataComponentIsTheSubjectAndNotCounted) {
  const Document document = Load(
      "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/cdx/testdata/"
      "minimal.cdx.json");
  EXPECT_TRUE(document.components.empty());
  ASSERT_TRUE(document.subject);
  EXPECT_EQ(document.subject->name, "fooBar");
  EXPECT_EQ(document.subject->group, "com.example.group");
  EXPECT_EQ(document.created, "2025-03-24T18:02:51Z");
  // The single dependency entry names the subject and lists nothing.
  EXPECT_TRUE(document.dependencies.empty());
}

TEST(RealSboms, CycloneDxXmlWithCdataReadsLikeItsJsonTwin) {
  const std::string dir =
      "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/cdx/testdata/";
  const Document xml = Load(dir + "sbom.cdx.xml");
  const Document json = Load(dir + "sbom.cdx.json");
  ASSERT_EQ(xml.components.size(), 2u);
  ASSERT_EQ(json.components.size(), 2u);
  EXPECT_EQ(xml.components[0].purl, "pkg:generic/openssl@1.1.1");
  EXPECT_EQ(xml.components[0].purl, json.components[0].purl);
  EXPECT_EQ(testing::Strings(xml.components[1].cpes), testing::Strings(json.components[1].cpes));
}

TEST(RealSboms, NonSbomFilesAreRefusedAsUnsupported) {
  for (const std::string name : {"cdx/testdata/invalid_sbom.cdxjson",
                                 "cdx/testdata/random_file.ext", "spdx/testdata/invalid_sbom.spdx",
                                 "spdx/testdata/sbom.spdx.rdf", "spdx/testdata/sbom.spdx.yml"}) {
    SCOPED_TRACE(name);
    const Result<Document> result = ReadSbom(testing::ReadReference(
        "osv-scanner-sbom-fixtures/osv-scalibr/extractor/filesystem/sbom/" + std::string(name)));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "sbomUnsupportedFormat");
    EXPECT_FALSE(result.error().message.empty());
  }
}

TEST(RealSboms, CryptographyHardwareAndVexExamplesLoad) {
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {"cyclonedx-bom-examples/CBOM/Algorithm/bom.json", 2},
      {"cyclonedx-bom-examples/CBOM/Certificate/bom.json", 4},
      {"cyclonedx-bom-examples/CBOM/Key/bom.json", 3},
      {"cyclonedx-bom-examples/CBOM/Protocol/bom.json", 8},
      {"cyclonedx-bom-examples/CBOM/Example-With-Dependencies/bom.json", 3},
      {"cyclonedx-bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json", 6},
      {"cyclonedx-bom-examples/SaaSBOM/apigateway-microservices-datastores/bom.json", 0},
      {"cyclonedx-bom-examples/VEX/bom.json", 3},
      {"cyclonedx-bom-examples/VEX/vex.json", 0},
  };
  for (const auto& [path, components] : cases) {
    SCOPED_TRACE(path);
    EXPECT_EQ(Load(path).components.size(), components);
  }
}

}  // namespace
}  // namespace sg::sbom
