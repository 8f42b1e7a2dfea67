#include "sbom/cyclonedx_schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sg::sbom::cyclonedx {
namespace {

constexpr std::string_view kNamespacePrefix = "http://cyclonedx.org/schema/bom/";

/// One field of an object: its name, which versions have it, in which serialisation.
struct FieldSpec {
  std::string_view name;
  Field field;
  VersionSet versions;
  Syntax syntax;
};

constexpr Syntax kJ = Syntax::kJson;
constexpr Syntax kX = Syntax::kXml;
constexpr Syntax kB = Syntax::kBoth;

// The tables follow the `properties` of each definition in bom-1.x.schema.json and the child
// elements of the matching complexType in bom-1.x.xsd. XML attributes (type, bom-ref, …) are not
// listed for XML: any attribute is allowed there.
constexpr auto kBomFields = std::array{
    FieldSpec{"$schema", Field::kSchema, kAllVersions, kJ},
    FieldSpec{"bomFormat", Field::kBomFormat, kAllVersions, kJ},
    FieldSpec{"specVersion", Field::kSpecVersion, kAllVersions, kJ},
    FieldSpec{"serialNumber", Field::kSerialNumber, kAllVersions, kJ},
    FieldSpec{"version", Field::kVersion, kAllVersions, kJ},
    FieldSpec{"metadata", Field::kMetadata, kAllVersions, kB},
    FieldSpec{"components", Field::kComponents, kAllVersions, kB},
    FieldSpec{"services", Field::kServices, kAllVersions, kB},
    FieldSpec{"externalReferences", Field::kExternalReferences, kAllVersions, kB},
    FieldSpec{"dependencies", Field::kDependencies, kAllVersions, kB},
    FieldSpec{"compositions", Field::kCompositions, kAllVersions, kB},
    FieldSpec{"vulnerabilities", Field::kVulnerabilities, kAllVersions, kB},
    FieldSpec{"signature", Field::kSignature, kAllVersions, kJ},
    FieldSpec{"annotations", Field::kAnnotations, kSince1_5, kB},
    FieldSpec{"formulation", Field::kFormulation, kSince1_5, kB},
    FieldSpec{"properties", Field::kProperties, kSince1_5, kJ},
    FieldSpec{"properties", Field::kProperties, kAllVersions, kX},
    FieldSpec{"declarations", Field::kDeclarations, kSince1_6, kB},
    FieldSpec{"definitions", Field::kDefinitions, kSince1_6, kB},
    FieldSpec{"citations", Field::kCitations, kSince1_7, kB},
};

constexpr auto kMetadataFields = std::array{
    FieldSpec{"timestamp", Field::kTimestamp, kAllVersions, kB},
    FieldSpec{"tools", Field::kTools, kAllVersions, kB},
    FieldSpec{"authors", Field::kAuthors, kAllVersions, kB},
    FieldSpec{"component", Field::kComponent, kAllVersions, kB},
    FieldSpec{"manufacture", Field::kManufacture, kAllVersions, kB},
    FieldSpec{"supplier", Field::kSupplier, kAllVersions, kB},
    FieldSpec{"licenses", Field::kLicenses, kAllVersions, kB},
    FieldSpec{"properties", Field::kProperties, kAllVersions, kB},
    FieldSpec{"lifecycles", Field::kLifecycles, kSince1_5, kB},
    FieldSpec{"manufacturer", Field::kManufacturer, kSince1_6, kB},
    FieldSpec{"distributionConstraints", Field::kDistributionConstraints, kSince1_7, kB},
};

constexpr auto kComponentFields = std::array{
    FieldSpec{"type", Field::kType, kAllVersions, kJ},
    FieldSpec{"mime-type", Field::kMimeType, kAllVersions, kJ},
    FieldSpec{"bom-ref", Field::kBomRef, kAllVersions, kJ},
    FieldSpec{"supplier", Field::kSupplier, kAllVersions, kB},
    FieldSpec{"author", Field::kAuthor, kAllVersions, kB},
    FieldSpec{"publisher", Field::kPublisher, kAllVersions, kB},
    FieldSpec{"group", Field::kGroup, kAllVersions, kB},
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"version", Field::kVersion, kAllVersions, kB},
    FieldSpec{"description", Field::kDescription, kAllVersions, kB},
    FieldSpec{"scope", Field::kScope, kAllVersions, kB},
    FieldSpec{"hashes", Field::kHashes, kAllVersions, kB},
    FieldSpec{"licenses", Field::kLicenses, kAllVersions, kB},
    FieldSpec{"copyright", Field::kCopyright, kAllVersions, kB},
    FieldSpec{"cpe", Field::kCpe, kAllVersions, kB},
    FieldSpec{"purl", Field::kPurl, kAllVersions, kB},
    FieldSpec{"swid", Field::kSwid, kAllVersions, kB},
    FieldSpec{"modified", Field::kModified, kAllVersions, kB},
    FieldSpec{"pedigree", Field::kPedigree, kAllVersions, kB},
    FieldSpec{"externalReferences", Field::kExternalReferences, kAllVersions, kB},
    FieldSpec{"components", Field::kComponents, kAllVersions, kB},
    FieldSpec{"evidence", Field::kEvidence, kAllVersions, kB},
    FieldSpec{"releaseNotes", Field::kReleaseNotes, kAllVersions, kB},
    FieldSpec{"properties", Field::kProperties, kAllVersions, kB},
    FieldSpec{"signature", Field::kSignature, kAllVersions, kJ},
    FieldSpec{"modelCard", Field::kModelCard, kSince1_5, kB},
    FieldSpec{"data", Field::kData, kSince1_5, kB},
    FieldSpec{"manufacturer", Field::kManufacturer, kSince1_6, kB},
    FieldSpec{"authors", Field::kAuthors, kSince1_6, kB},
    FieldSpec{"omniborId", Field::kOmniborId, kSince1_6, kB},
    FieldSpec{"swhid", Field::kSwhid, kSince1_6, kB},
    FieldSpec{"cryptoProperties", Field::kCryptoProperties, kSince1_6, kB},
    FieldSpec{"tags", Field::kTags, kSince1_6, kB},
    FieldSpec{"versionRange", Field::kVersionRange, kSince1_7, kB},
    FieldSpec{"isExternal", Field::kIsExternal, kSince1_7, kJ},
    FieldSpec{"patentAssertions", Field::kPatentAssertions, kSince1_7, kB},
};

constexpr auto kLicenseFields = std::array{
    FieldSpec{"id", Field::kId, kAllVersions, kB},
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"text", Field::kText, kAllVersions, kB},
    FieldSpec{"url", Field::kUrl, kAllVersions, kB},
    FieldSpec{"bom-ref", Field::kBomRef, kSince1_5, kJ},
    FieldSpec{"licensing", Field::kLicensing, kSince1_5, kB},
    FieldSpec{"properties", Field::kProperties, kSince1_5, kB},
    FieldSpec{"acknowledgement", Field::kAcknowledgement, kSince1_6, kJ},
};

constexpr auto kLicenseChoiceFields = std::array{
    FieldSpec{"license", Field::kLicense, kAllVersions, kJ},
    FieldSpec{"expression", Field::kExpression, kAllVersions, kJ},
    FieldSpec{"bom-ref", Field::kBomRef, kSince1_5, kJ},
    FieldSpec{"acknowledgement", Field::kAcknowledgement, kSince1_6, kJ},
    FieldSpec{"expressionDetails", Field::kExpressionDetails, kSince1_7, kJ},
    FieldSpec{"licensing", Field::kLicensing, kSince1_7, kJ},
    FieldSpec{"properties", Field::kProperties, kSince1_7, kJ},
};

constexpr auto kHashFields = std::array{
    FieldSpec{"alg", Field::kAlg, kAllVersions, kJ},
    FieldSpec{"content", Field::kContent, kAllVersions, kJ},
};

constexpr auto kDependencyFields = std::array{
    FieldSpec{"ref", Field::kRef, kAllVersions, kJ},
    FieldSpec{"dependsOn", Field::kDependsOn, kAllVersions, kJ},
    FieldSpec{"provides", Field::kProvides, kSince1_6, kJ},
};

constexpr auto kPropertyFields = std::array{
    FieldSpec{"name", Field::kName, kAllVersions, kJ},
    FieldSpec{"value", Field::kValue, kAllVersions, kJ},
};

constexpr auto kServiceFields = std::array{
    FieldSpec{"bom-ref", Field::kBomRef, kAllVersions, kJ},
    FieldSpec{"provider", Field::kProvider, kAllVersions, kB},
    FieldSpec{"group", Field::kGroup, kAllVersions, kB},
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"version", Field::kVersion, kAllVersions, kB},
    FieldSpec{"description", Field::kDescription, kAllVersions, kB},
    FieldSpec{"endpoints", Field::kEndpoints, kAllVersions, kB},
    FieldSpec{"authenticated", Field::kAuthenticated, kAllVersions, kB},
    FieldSpec{"x-trust-boundary", Field::kXTrustBoundary, kAllVersions, kB},
    FieldSpec{"data", Field::kData, kAllVersions, kB},
    FieldSpec{"licenses", Field::kLicenses, kAllVersions, kB},
    FieldSpec{"externalReferences", Field::kExternalReferences, kAllVersions, kB},
    FieldSpec{"services", Field::kServices, kAllVersions, kB},
    FieldSpec{"releaseNotes", Field::kReleaseNotes, kAllVersions, kB},
    FieldSpec{"properties", Field::kProperties, kAllVersions, kB},
    FieldSpec{"signature", Field::kSignature, kAllVersions, kJ},
    FieldSpec{"trustZone", Field::kTrustZone, kSince1_5, kB},
    FieldSpec{"tags", Field::kTags, kSince1_6, kB},
    FieldSpec{"patentAssertions", Field::kPatentAssertions, kSince1_7, kB},
};

constexpr auto kServiceDataFields = std::array{
    FieldSpec{"flow", Field::kFlow, kAllVersions, kJ},
    FieldSpec{"classification", Field::kClassification, kAllVersions, kJ},
    FieldSpec{"name", Field::kName, kSince1_5, kJ},
    FieldSpec{"description", Field::kDescription, kSince1_5, kJ},
    FieldSpec{"governance", Field::kGovernance, kSince1_5, kJ},
    FieldSpec{"source", Field::kSource, kSince1_5, kJ},
    FieldSpec{"destination", Field::kDestination, kSince1_5, kJ},
};

constexpr auto kSwidFields = std::array{
    FieldSpec{"tagId", Field::kTagId, kAllVersions, kJ},
    FieldSpec{"name", Field::kName, kAllVersions, kJ},
    FieldSpec{"version", Field::kVersion, kAllVersions, kJ},
    FieldSpec{"tagVersion", Field::kTagVersion, kAllVersions, kJ},
    FieldSpec{"patch", Field::kPatch, kAllVersions, kJ},
    FieldSpec{"text", Field::kText, kAllVersions, kB},
    FieldSpec{"url", Field::kUrl, kAllVersions, kJ},
};

constexpr auto kAttachmentFields = std::array{
    FieldSpec{"contentType", Field::kContentType, kAllVersions, kJ},
    FieldSpec{"encoding", Field::kEncoding, kAllVersions, kJ},
    FieldSpec{"content", Field::kContent, kAllVersions, kJ},
};

constexpr auto kPedigreeFields = std::array{
    FieldSpec{"ancestors", Field::kAncestors, kAllVersions, kB},
    FieldSpec{"descendants", Field::kDescendants, kAllVersions, kB},
    FieldSpec{"variants", Field::kVariants, kAllVersions, kB},
    FieldSpec{"commits", Field::kCommits, kAllVersions, kB},
    FieldSpec{"patches", Field::kPatches, kAllVersions, kB},
    FieldSpec{"notes", Field::kNotes, kAllVersions, kB},
};

constexpr auto kPatchFields = std::array{
    FieldSpec{"type", Field::kType, kAllVersions, kJ},
    FieldSpec{"diff", Field::kDiff, kAllVersions, kB},
    FieldSpec{"resolves", Field::kResolves, kAllVersions, kB},
};

constexpr auto kIssueFields = std::array{
    FieldSpec{"type", Field::kType, kAllVersions, kJ},
    FieldSpec{"id", Field::kId, kAllVersions, kB},
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"description", Field::kDescription, kAllVersions, kB},
    FieldSpec{"source", Field::kSource, kAllVersions, kB},
    FieldSpec{"references", Field::kReferences, kAllVersions, kB},
};

constexpr auto kCitationFields = std::array{
    FieldSpec{"bom-ref", Field::kBomRef, kSince1_7, kJ},
    FieldSpec{"pointers", Field::kPointers, kSince1_7, kB},
    FieldSpec{"expressions", Field::kExpressions, kSince1_7, kB},
    FieldSpec{"timestamp", Field::kTimestamp, kSince1_7, kB},
    FieldSpec{"attributedTo", Field::kAttributedTo, kSince1_7, kB},
    FieldSpec{"process", Field::kProcess, kSince1_7, kB},
    FieldSpec{"note", Field::kNote, kSince1_7, kB},
    FieldSpec{"signature", Field::kSignature, kSince1_7, kJ},
};

constexpr auto kOrganizationalEntityFields = std::array{
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"url", Field::kUrl, kAllVersions, kB},
    FieldSpec{"contact", Field::kContact, kAllVersions, kB},
    FieldSpec{"bom-ref", Field::kBomRef, kSince1_5, kJ},
    FieldSpec{"address", Field::kAddress, kSince1_6, kB},
};

constexpr auto kOrganizationalContactFields = std::array{
    FieldSpec{"name", Field::kName, kAllVersions, kB},
    FieldSpec{"email", Field::kEmail, kAllVersions, kB},
    FieldSpec{"phone", Field::kPhone, kAllVersions, kB},
    FieldSpec{"bom-ref", Field::kBomRef, kSince1_5, kJ},
};

constexpr std::size_t kObjectKinds =
    static_cast<std::size_t>(ObjectKind::kOrganizationalContact) + 1;
constexpr std::size_t kBuckets = 64;
using BucketIndex = std::array<std::vector<std::uint8_t>, kBuckets>;

std::size_t BucketOf(std::string_view name) {
  return (static_cast<unsigned char>(name.front()) * 31u + name.size() * 7u +
          static_cast<unsigned char>(name.back())) %
         kBuckets;
}

constexpr std::span<const FieldSpec> TableOf(ObjectKind object) {
  switch (object) {
    case ObjectKind::kBom:
      return kBomFields;
    case ObjectKind::kMetadata:
      return kMetadataFields;
    case ObjectKind::kComponent:
      return kComponentFields;
    case ObjectKind::kLicense:
      return kLicenseFields;
    case ObjectKind::kLicenseChoice:
      return kLicenseChoiceFields;
    case ObjectKind::kHash:
      return kHashFields;
    case ObjectKind::kDependency:
      return kDependencyFields;
    case ObjectKind::kProperty:
      return kPropertyFields;
    case ObjectKind::kService:
      return kServiceFields;
    case ObjectKind::kServiceData:
      return kServiceDataFields;
    case ObjectKind::kSwid:
      return kSwidFields;
    case ObjectKind::kAttachment:
      return kAttachmentFields;
    case ObjectKind::kPedigree:
      return kPedigreeFields;
    case ObjectKind::kPatch:
      return kPatchFields;
    case ObjectKind::kIssue:
      return kIssueFields;
    case ObjectKind::kCitation:
      return kCitationFields;
    case ObjectKind::kOrganizationalEntity:
      return kOrganizationalEntityFields;
    case ObjectKind::kOrganizationalContact:
      return kOrganizationalContactFields;
  }
  return {};
}

/// One name of an object's JSON table: its field and the versions whose JSON has it (none when
/// only the XML form has it, which makes it "not allowed here" rather than unknown).
struct JsonSlot {
  std::string_view name;
  Field field = Field::kUnknown;
  VersionSet versions = 0;
};

/// Open addressing, linear probing; 64 slots per object, every table has fewer than 40 names.
constexpr std::size_t kJsonSlots = 64;
using JsonTable = std::array<JsonSlot, kJsonSlots>;

/// `a == b` for texts of the same size, without a call to memcmp for the short names of the
/// schema: two overlapping loads cover 4 to 16 bytes (only bytes inside both texts are read).
inline bool EqualSameSize(const char* a, const char* b, std::size_t size) {
  const auto load8 = [](const char* at) {
    std::uint64_t word;
    std::memcpy(&word, at, sizeof word);
    return word;
  };
  const auto load4 = [](const char* at) {
    std::uint32_t word;
    std::memcpy(&word, at, sizeof word);
    return word;
  };
  if (size >= 8) {
    if (size > 16) return std::memcmp(a, b, size) == 0;
    return load8(a) == load8(b) && load8(a + size - 8) == load8(b + size - 8);
  }
  if (size >= 4) return load4(a) == load4(b) && load4(a + size - 4) == load4(b + size - 4);
  for (std::size_t index = 0; index < size; ++index) {
    if (a[index] != b[index]) return false;
  }
  return true;
}

constexpr std::size_t JsonSlotOf(std::string_view name) {
  const auto byte = [&](std::size_t position) {
    return static_cast<std::size_t>(static_cast<unsigned char>(name[position]));
  };
  return (name.size() * 7 + byte(0) * 31 + byte(name.size() / 2) * 3 + byte(name.size() - 1)) &
         (kJsonSlots - 1);
}

constexpr std::array<JsonTable, kObjectKinds> kJsonTables = [] {
  std::array<JsonTable, kObjectKinds> tables{};
  for (std::size_t kind = 0; kind < kObjectKinds; ++kind) {
    JsonTable& table = tables[kind];
    for (const FieldSpec& spec : TableOf(static_cast<ObjectKind>(kind))) {
      std::size_t position = JsonSlotOf(spec.name);
      while (table[position].field != Field::kUnknown && table[position].name != spec.name) {
        position = (position + 1) & (kJsonSlots - 1);
      }
      JsonSlot& slot = table[position];
      slot.name = spec.name;
      // A name listed twice (bom `properties`: JSON from 1.5, XML always) is one field.
      slot.field = spec.field;
      if ((static_cast<unsigned>(spec.syntax) & static_cast<unsigned>(Syntax::kJson)) != 0) {
        slot.versions = static_cast<VersionSet>(slot.versions | spec.versions);
      }
    }
  }
  return tables;
}();

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// Reads `count` digits at `text[position]` as a number; nothing if they are not all digits.
std::optional<int> Digits(std::string_view text, std::size_t position, std::size_t count) {
  if (position + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t offset = 0; offset < count; ++offset) {
    const char c = text[position + offset];
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Version> ParseVersion(std::string_view text) {
  if (text == "1.2") return Version::k1_2;
  if (text == "1.3") return Version::k1_3;
  if (text == "1.4") return Version::k1_4;
  if (text == "1.5") return Version::k1_5;
  if (text == "1.6") return Version::k1_6;
  if (text == "1.7") return Version::k1_7;
  return std::nullopt;
}

bool IsCycloneDxNamespace(std::string_view uri) { return uri.starts_with(kNamespacePrefix); }

std::optional<Version> VersionFromNamespace(std::string_view uri) {
  if (!IsCycloneDxNamespace(uri)) return std::nullopt;
  return ParseVersion(uri.substr(kNamespacePrefix.size()));
}

std::string_view VersionName(Version version) {
  switch (version) {
    case Version::k1_2:
      return "1.2";
    case Version::k1_3:
      return "1.3";
    case Version::k1_4:
      return "1.4";
    case Version::k1_5:
      return "1.5";
    case Version::k1_6:
      return "1.6";
    case Version::k1_7:
      return "1.7";
  }
  return "?";
}

FieldLookup LookupField(ObjectKind object, std::string_view name, Version version, Syntax syntax) {
  FieldLookup lookup;
  if (name.empty()) return lookup;
  // Keys are looked up once per member of every object, so the tables are bucketed by a cheap
  // hash of the name (built once, on first use) rather than bisected.
  static const std::array<BucketIndex, kObjectKinds> kIndexes = [] {
    std::array<BucketIndex, kObjectKinds> indexes;
    for (std::size_t kind = 0; kind < kObjectKinds; ++kind) {
      const std::span<const FieldSpec> table = TableOf(static_cast<ObjectKind>(kind));
      for (std::size_t position = 0; position < table.size(); ++position) {
        indexes[kind][BucketOf(table[position].name)].push_back(
            static_cast<std::uint8_t>(position));
      }
    }
    return indexes;
  }();
  const std::span<const FieldSpec> table = TableOf(object);
  for (const std::uint8_t position : kIndexes[static_cast<std::size_t>(object)][BucketOf(name)]) {
    const FieldSpec* spec = &table[position];
    if (spec->name != name) continue;
    lookup.field = spec->field;
    const bool in_syntax =
        (static_cast<unsigned>(spec->syntax) & static_cast<unsigned>(syntax)) != 0;
    if (in_syntax && Includes(spec->versions, version)) {
      lookup.allowed = true;
      break;
    }
  }
  return lookup;
}

FieldLookup LookupJsonField(ObjectKind object, std::string_view name, Version version) {
  FieldLookup lookup;
  if (name.empty()) return lookup;
  const JsonTable& table = kJsonTables[static_cast<std::size_t>(object)];
  for (std::size_t position = JsonSlotOf(name);; position = (position + 1) & (kJsonSlots - 1)) {
    const JsonSlot& slot = table[position];
    if (slot.field == Field::kUnknown) return lookup;
    if (slot.name.size() == name.size() &&
        EqualSameSize(slot.name.data(), name.data(), name.size())) {
      lookup.field = slot.field;
      lookup.allowed = Includes(slot.versions, version);
      return lookup;
    }
  }
}

std::optional<ComponentType> ParseComponentType(std::string_view text, Version version) {
  if (text == "application") return ComponentType::kApplication;
  if (text == "framework") return ComponentType::kFramework;
  if (text == "library") return ComponentType::kLibrary;
  if (text == "container") return ComponentType::kContainer;
  if (text == "operating-system") return ComponentType::kOperatingSystem;
  if (text == "device") return ComponentType::kDevice;
  if (text == "firmware") return ComponentType::kFirmware;
  if (text == "file") return ComponentType::kFile;
  if (Includes(kSince1_5, version)) {
    if (text == "platform") return ComponentType::kPlatform;
    if (text == "device-driver") return ComponentType::kDeviceDriver;
    if (text == "machine-learning-model") return ComponentType::kMachineLearningModel;
    if (text == "data") return ComponentType::kData;
  }
  if (Includes(kSince1_6, version) && text == "cryptographic-asset") {
    return ComponentType::kCryptographicAsset;
  }
  return std::nullopt;
}

std::string_view ComponentTypeList(Version version) {
  switch (version) {
    case Version::k1_2:
    case Version::k1_3:
    case Version::k1_4:
      return "application, framework, library, container, operating-system, device, firmware, "
             "file";
    case Version::k1_5:
      return "application, framework, library, container, platform, operating-system, device, "
             "device-driver, firmware, file, machine-learning-model, data";
    case Version::k1_6:
    case Version::k1_7:
      return "application, framework, library, container, platform, operating-system, device, "
             "device-driver, firmware, file, machine-learning-model, data, cryptographic-asset";
  }
  return "";
}

std::optional<Scope> ParseScope(std::string_view text) {
  if (text == "required") return Scope::kRequired;
  if (text == "optional") return Scope::kOptional;
  if (text == "excluded") return Scope::kExcluded;
  return std::nullopt;
}

std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view text, Version version) {
  if (text == "MD5") return HashAlgorithm::kMd5;
  if (text == "SHA-1") return HashAlgorithm::kSha1;
  if (text == "SHA-256") return HashAlgorithm::kSha256;
  if (text == "SHA-384") return HashAlgorithm::kSha384;
  if (text == "SHA-512") return HashAlgorithm::kSha512;
  if (text == "SHA3-256") return HashAlgorithm::kSha3_256;
  if (text == "SHA3-384") return HashAlgorithm::kSha3_384;
  if (text == "SHA3-512") return HashAlgorithm::kSha3_512;
  if (text == "BLAKE2b-256") return HashAlgorithm::kBlake2b256;
  if (text == "BLAKE2b-384") return HashAlgorithm::kBlake2b384;
  if (text == "BLAKE2b-512") return HashAlgorithm::kBlake2b512;
  if (text == "BLAKE3") return HashAlgorithm::kBlake3;
  if (Includes(kSince1_7, version)) {
    if (text == "Streebog-256") return HashAlgorithm::kStreebog256;
    if (text == "Streebog-512") return HashAlgorithm::kStreebog512;
  }
  return std::nullopt;
}

bool IsHashContent(std::string_view text) {
  const std::size_t length = text.size();
  if (length != 32 && length != 40 && length != 64 && length != 96 && length != 128) return false;
  std::size_t position = 0;
#if defined(__SSE2__)
  // 16 digits at a time: '0'–'9', or 'a'–'f' once upper case is folded into lower (bytes from
  // 0x80 up compare as negative, so they fall outside both ranges).
  const __m128i before_zero = _mm_set1_epi8('0' - 1);
  const __m128i after_nine = _mm_set1_epi8('9' + 1);
  const __m128i before_a = _mm_set1_epi8('a' - 1);
  const __m128i after_f = _mm_set1_epi8('f' + 1);
  const __m128i case_bit = _mm_set1_epi8(0x20);
  for (; position + 16 <= length; position += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + position));
    const __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(block, before_zero), _mm_cmplt_epi8(block, after_nine));
    const __m128i folded = _mm_or_si128(block, case_bit);
    const __m128i letter =
        _mm_and_si128(_mm_cmpgt_epi8(folded, before_a), _mm_cmplt_epi8(folded, after_f));
    if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF) return false;
  }
#endif
  for (; position < length; ++position) {
    const auto byte = static_cast<unsigned char>(text[position]);
    const bool digit = byte >= '0' && byte <= '9';
    const bool letter = (byte | 0x20) >= 'a' && (byte | 0x20) <= 'f';
    if (!digit && !letter) return false;
  }
  return true;
}

bool IsSerialNumber(std::string_view text) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (!text.starts_with(kPrefix)) return false;
  const std::string_view uuid = text.substr(kPrefix.size());
  if (uuid.size() != 36) return false;
  for (std::size_t position = 0; position < uuid.size(); ++position) {
    const bool dash = position == 8 || position == 13 || position == 18 || position == 23;
    if (dash ? uuid[position] != '-' : !IsLowerHex(uuid[position])) return false;
  }
  return true;
}

bool IsDateTime(std::string_view text, bool require_offset) {
  // YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]
  const auto year = Digits(text, 0, 4);
  const auto month = Digits(text, 5, 2);
  const auto day = Digits(text, 8, 2);
  const auto hour = Digits(text, 11, 2);
  const auto minute = Digits(text, 14, 2);
  const auto second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return false;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return false;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return false;
  }
  std::size_t position = 19;
  if (position < text.size() && text[position] == '.') {
    ++position;
    const std::size_t digits_start = position;
    while (position < text.size() && IsDigit(text[position])) ++position;
    if (position == digits_start) return false;
  }
  if (position == text.size()) return !require_offset;
  const char zone = text[position];
  if (zone == 'Z' || zone == 'z') return position + 1 == text.size();
  if (zone != '+' && zone != '-') return false;
  const auto offset_hour = Digits(text, position + 1, 2);
  const auto offset_minute = Digits(text, position + 4, 2);
  return offset_hour && offset_minute && text[position + 3] == ':' && *offset_hour <= 23 &&
         *offset_minute <= 59 && position + 6 == text.size();
}

std::optional<LicenseAcknowledgement> ParseAcknowledgement(std::string_view text) {
  if (text == "declared") return LicenseAcknowledgement::kDeclared;
  if (text == "concluded") return LicenseAcknowledgement::kConcluded;
  return std::nullopt;
}

namespace {

struct EnumerationSpec {
  std::string_view what;  // as a message names the field
  std::span<const std::string_view> values;
};

EnumerationSpec SpecOf(Enumeration enumeration) {
  static constexpr std::array<std::string_view, 3> kScopes = {"required", "optional", "excluded"};
  static constexpr std::array<std::string_view, 4> kPatchTypes = {"unofficial", "monkey",
                                                                  "backport", "cherry-pick"};
  static constexpr std::array<std::string_view, 3> kIssueTypes = {"defect", "enhancement",
                                                                  "security"};
  static constexpr std::array<std::string_view, 4> kDataFlows = {"inbound", "outbound",
                                                                 "bi-directional", "unknown"};
  switch (enumeration) {
    case Enumeration::kScope:
      return {"scope", kScopes};
    case Enumeration::kPatchType:
      return {"patch type", kPatchTypes};
    case Enumeration::kIssueType:
      return {"issue type", kIssueTypes};
    case Enumeration::kDataFlow:
      return {"data flow", kDataFlows};
  }
  return {"value", {}};
}

}  // namespace

bool IsOneOf(Enumeration enumeration, std::string_view text) {
  const EnumerationSpec spec = SpecOf(enumeration);
  return std::find(spec.values.begin(), spec.values.end(), text) != spec.values.end();
}

std::string NotOneOfMessage(Enumeration enumeration, std::string_view text) {
  const EnumerationSpec spec = SpecOf(enumeration);
  return fmt::format("The {} \"{}\" is not one of {}", spec.what, text,
                     fmt::join(spec.values, ", "));
}

bool IsAttachmentEncoding(std::string_view text) { return text == "base64"; }

}  // namespace sg::sbom::cyclonedx
