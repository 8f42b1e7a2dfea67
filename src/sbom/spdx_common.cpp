#include "sbom/spdx_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <unordered_set>

#include "sbom/license_expression.hpp"
#include "sbom/spdx_license_list.hpp"

namespace sg::sbom::spdx {
namespace {

constexpr std::array<std::string_view, 45> kRelationshipTypes = {
    "AMENDS",
    "ANCESTOR_OF",
    "BUILD_DEPENDENCY_OF",
    "BUILD_TOOL_OF",
    "CONTAINED_BY",
    "CONTAINS",
    "COPY_OF",
    "DATA_FILE_OF",
    "DEPENDENCY_MANIFEST_OF",
    "DEPENDENCY_OF",
    "DEPENDS_ON",
    "DESCENDANT_OF",
    "DESCRIBED_BY",
    "DESCRIBES",
    "DEV_DEPENDENCY_OF",
    "DEV_TOOL_OF",
    "DISTRIBUTION_ARTIFACT",
    "DOCUMENTATION_OF",
    "DYNAMIC_LINK",
    "EXAMPLE_OF",
    "EXPANDED_FROM_ARCHIVE",
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_MODIFIED",
    "GENERATED_FROM",
    "GENERATES",
    "HAS_PREREQUISITE",
    "METAFILE_OF",
    "OPTIONAL_COMPONENT_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "OTHER",
    "PACKAGE_OF",
    "PATCH_APPLIED",
    "PATCH_FOR",
    "PREREQUISITE_FOR",
    "PROVIDED_DEPENDENCY_OF",
    "REQUIREMENT_DESCRIPTION_FOR",
    "RUNTIME_DEPENDENCY_OF",
    "SPECIFICATION_FOR",
    "STATIC_LINK",
    "TEST_CASE_OF",
    "TEST_DEPENDENCY_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "VARIANT_OF",
};

/// How a relationship type becomes an edge: its kind and whether it is written backwards
/// ("X DEPENDENCY_OF Y" is "Y depends on X").
struct EdgeMapping {
  std::string_view type;
  EdgeKind kind;
  bool reversed;
};

constexpr std::array<EdgeMapping, 18> kEdgeMappings = {{
    {"DEPENDS_ON", EdgeKind::kDependsOn, false},
    {"DEPENDENCY_OF", EdgeKind::kDependsOn, true},
    {"RUNTIME_DEPENDENCY_OF", EdgeKind::kDependsOn, true},
    {"STATIC_LINK", EdgeKind::kDependsOn, false},
    {"DYNAMIC_LINK", EdgeKind::kDependsOn, false},
    {"DEV_DEPENDENCY_OF", EdgeKind::kDevDependsOn, true},
    {"BUILD_DEPENDENCY_OF", EdgeKind::kDevDependsOn, true},
    {"TEST_DEPENDENCY_OF", EdgeKind::kDevDependsOn, true},
    {"DEV_TOOL_OF", EdgeKind::kDevDependsOn, true},
    {"BUILD_TOOL_OF", EdgeKind::kDevDependsOn, true},
    {"OPTIONAL_DEPENDENCY_OF", EdgeKind::kOptionalDependsOn, true},
    {"PROVIDED_DEPENDENCY_OF", EdgeKind::kOptionalDependsOn, true},
    {"CONTAINS", EdgeKind::kContains, false},
    {"CONTAINED_BY", EdgeKind::kContains, true},
    {"DESCENDANT_OF", EdgeKind::kDescendantOf, false},
    {"ANCESTOR_OF", EdgeKind::kDescendantOf, true},
    {"VARIANT_OF", EdgeKind::kDescendantOf, false},
    {"PACKAGE_OF", EdgeKind::kContains, true},
}};

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

/// What to write instead of a deprecated identifier.
std::string Replacement(std::string_view deprecated) {
  std::string_view base = deprecated;
  if (base.ends_with('+')) {
    base.remove_suffix(1);
    return fmt::format("{}-or-later", base);
  }
  if (base.find("-with-") != std::string_view::npos) {
    return "a WITH expression (e.g. GPL-2.0-only WITH Classpath-exception-2.0)";
  }
  return fmt::format("{}-only or {}-or-later", base, base);
}

}  // namespace

std::optional<Version> ParseVersion(std::string_view text) {
  if (text == "SPDX-2.2") return Version::k2_2;
  if (text == "SPDX-2.3") return Version::k2_3;
  return std::nullopt;
}

std::string UnsupportedVersionMessage(std::string_view text) {
  return fmt::format(
      "The SPDX version \"{}\" is not supported; export the SBOM as SPDX-2.3 (or "
      "SPDX-2.2), or as CycloneDX.",
      text);
}

bool IsSpdxId(std::string_view text) {
  constexpr std::string_view kPrefix = "SPDXRef-";
  if (!text.starts_with(kPrefix) || text.size() == kPrefix.size()) return false;
  return std::all_of(text.begin() + kPrefix.size(), text.end(), IsIdChar);
}

std::optional<HashAlgorithm> ParseChecksumAlgorithm(std::string_view text) {
  if (text == "SHA1") return HashAlgorithm::kSha1;
  if (text == "SHA224") return HashAlgorithm::kSha224;
  if (text == "SHA256") return HashAlgorithm::kSha256;
  if (text == "SHA384") return HashAlgorithm::kSha384;
  if (text == "SHA512") return HashAlgorithm::kSha512;
  if (text == "SHA3-256") return HashAlgorithm::kSha3_256;
  if (text == "SHA3-384") return HashAlgorithm::kSha3_384;
  if (text == "SHA3-512") return HashAlgorithm::kSha3_512;
  if (text == "BLAKE2b-256") return HashAlgorithm::kBlake2b256;
  if (text == "BLAKE2b-384") return HashAlgorithm::kBlake2b384;
  if (text == "BLAKE2b-512") return HashAlgorithm::kBlake2b512;
  if (text == "BLAKE3") return HashAlgorithm::kBlake3;
  if (text == "MD2") return HashAlgorithm::kMd2;
  if (text == "MD4") return HashAlgorithm::kMd4;
  if (text == "MD5") return HashAlgorithm::kMd5;
  if (text == "MD6") return HashAlgorithm::kMd6;
  if (text == "ADLER32") return HashAlgorithm::kAdler32;
  return std::nullopt;
}

std::optional<ComponentType> ParsePurpose(std::string_view text) {
  if (text == "APPLICATION") return ComponentType::kApplication;
  if (text == "FRAMEWORK") return ComponentType::kFramework;
  if (text == "LIBRARY") return ComponentType::kLibrary;
  if (text == "CONTAINER") return ComponentType::kContainer;
  if (text == "OPERATING_SYSTEM") return ComponentType::kOperatingSystem;
  if (text == "DEVICE") return ComponentType::kDevice;
  if (text == "FIRMWARE") return ComponentType::kFirmware;
  if (text == "FILE") return ComponentType::kFile;
  if (text == "SOURCE" || text == "ARCHIVE" || text == "INSTALL" || text == "OTHER") {
    return ComponentType::kOther;
  }
  return std::nullopt;
}

bool IsReferenceCategory(std::string_view text) {
  return text == "OTHER" || text == "SECURITY" || text == "PACKAGE-MANAGER" ||
         text == "PACKAGE_MANAGER" || text == "PERSISTENT-ID" || text == "PERSISTENT_ID";
}

bool IsRelationshipType(std::string_view text) {
  return std::binary_search(kRelationshipTypes.begin(), kRelationshipTypes.end(), text);
}

bool Assembler::AddLicense(ComponentDraft& package, std::string_view value,
                           LicenseAcknowledgement kind, std::string_view location) {
  if (!CheckLicense(value, location)) return false;
  package.licenses.push_back({LicenseForm::kExpression, builder_.Keep(value), kind});
  return true;
}

void Assembler::AddPackage(ComponentDraft& package, Origin origin) {
  packages_.push_back({builder_.Complete(package), origin});
}

bool Assembler::CheckLicense(std::string_view value, std::string_view location) {
  const LicenseExpressionCheck check = CheckLicenseExpression(value);
  if (!check.syntax_error.empty()) {
    return builder_.Violation(location, "licenseExpression",
                              fmt::format("\"{}\" is not a valid SPDX licence expression: {}",
                                          value, check.syntax_error));
  }
  for (const std::string& id : check.deprecated) {
    builder_.Warn(WarningKind::kDeprecatedLicense,
                  fmt::format("The licence identifier \"{}\" is deprecated; use {} (at {})", id,
                              Replacement(id), location),
                  std::string(location));
  }
  for (const std::string& id : check.unknown) {
    builder_.Warn(WarningKind::kUnknownLicense,
                  fmt::format("\"{}\" is not on the SPDX licence list {}; use LicenseRef- for "
                              "other licences (at {})",
                              id, LicenseListVersion(), location),
                  std::string(location));
  }
  return true;
}

void Assembler::AddExternalRef(ComponentDraft& package, std::string_view category,
                               std::string_view type, std::string_view locator) {
  Component& component = package.component;
  if ((category == "PACKAGE-MANAGER" || category == "PACKAGE_MANAGER") && type == "purl") {
    if (component.purl.empty()) {
      component.purl = builder_.Keep(locator);
    } else if (locator != component.purl) {
      package.alternate_purls.push_back(builder_.Keep(locator));
    }
  } else if (category == "SECURITY" && (type == "cpe23Type" || type == "cpe22Type")) {
    package.cpes.push_back(builder_.Keep(locator));
  }
}

void Assembler::MapRelationships() {
  for (Relationship& relationship : relationships_) {
    std::string& from = relationship.from;
    std::string& to = relationship.to;
    const std::string_view type = relationship.type;
    if (type == "DESCRIBES" && from == document_id_) {
      described_.push_back(std::move(to));
      continue;
    }
    if (type == "DESCRIBED_BY" && to == document_id_) {
      described_.push_back(std::move(from));
      continue;
    }
    // Relating an element to NONE or NOASSERTION states an absence; it is no edge.
    if (to == "NONE" || to == "NOASSERTION" || from == "NONE" || from == "NOASSERTION") continue;
    const auto mapping = std::find_if(kEdgeMappings.begin(), kEdgeMappings.end(),
                                      [&](const EdgeMapping& entry) { return entry.type == type; });
    if (mapping == kEdgeMappings.end()) continue;
    if (mapping->reversed) std::swap(from, to);
    builder_.AddEdge(from, to, mapping->kind, relationship.origin);
  }
  relationships_.clear();
}

Result<Document> Assembler::Finish() {
  MapRelationships();
  // The subject is the described package, when there is exactly one.
  std::unordered_set<std::string_view> described(described_.begin(), described_.end());
  std::size_t described_packages = 0;
  for (const Package& package : packages_) {
    if (described.contains(package.component.bom_ref)) ++described_packages;
  }
  const bool one_subject = described_packages == 1;
  if (described_packages > 1) {
    builder_.Warn(WarningKind::kSeveralDescribedPackages,
                  fmt::format("The document describes {} packages; none is taken as its subject, "
                              "all are listed as components",
                              described_packages),
                  "/documentDescribes");
  }
  builder_.document().components.reserve(packages_.size());
  for (Package& package : packages_) {
    if (one_subject && described.contains(package.component.bom_ref)) {
      builder_.SetSubject(std::move(package.component), package.origin);
    } else {
      builder_.AddComponent(std::move(package.component), package.origin);
    }
  }
  packages_.clear();
  builder_.AddExternalPrefix("DocumentRef-");
  return builder_.Finish();
}

}  // namespace sg::sbom::spdx
