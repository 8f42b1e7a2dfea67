#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sbom/model.hpp"

// The parts of the CycloneDX 1.4–1.7 JSON schemas and XSDs that the readers enforce, shared by the
// JSON and the XML reader. Internal to the sbom module.
namespace sg::sbom::cyclonedx {

/// The CycloneDX specification versions read. 1.2 and 1.3 are legacy: no schema for them is at
/// hand, so they are held to the 1.4 rules (a superset of their fields).
enum class Version : std::uint8_t { k1_2, k1_3, k1_4, k1_5, k1_6, k1_7 };

/// "1.2" … "1.7" (JSON specVersion); nothing for other text.
std::optional<Version> ParseVersion(std::string_view text);

/// The version an XML namespace names ("http://cyclonedx.org/schema/bom/1.6"); nothing when the
/// namespace is not a CycloneDX one or names a version not read.
std::optional<Version> VersionFromNamespace(std::string_view uri);

/// True for "http://cyclonedx.org/schema/bom/<anything>".
bool IsCycloneDxNamespace(std::string_view uri);

std::string_view VersionName(Version version);

/// A set of versions, one bit per Version.
using VersionSet = std::uint8_t;
inline constexpr VersionSet kAllVersions = 0b111111;
inline constexpr VersionSet kSince1_5 = 0b111100;
inline constexpr VersionSet kSince1_6 = 0b110000;
inline constexpr VersionSet kSince1_7 = 0b100000;

constexpr bool Includes(VersionSet set, Version version) {
  return (set >> static_cast<unsigned>(version)) & 1u;
}

/// Which serialisation a field exists in: attributes of the XML form (type, bom-ref) are JSON
/// fields only as far as element tables go.
enum class Syntax : std::uint8_t { kJson = 1, kXml = 2, kBoth = 3 };

/// The objects whose fields the readers check (JSON keys, or XML child elements).
enum class ObjectKind : std::uint8_t {
  kBom,
  kMetadata,
  kComponent,
  kLicense,
  kLicenseChoice,  // JSON only: one item of `licenses`
  kHash,
  kDependency,
  kProperty,
  kService,
  kServiceData,
  kSwid,
  kAttachment,
  kPedigree,
  kPatch,
  kIssue,
  kCitation,
  kOrganizationalEntity,
  kOrganizationalContact,
};

/// Every field name the readers know, across objects. kUnknown: not a field of the object.
enum class Field : std::uint8_t {
  kUnknown,
  kAcknowledgement,
  kAddress,
  kAlg,
  kAncestors,
  kAnnotations,
  kAttributedTo,
  kAuthenticated,
  kAuthor,
  kAuthors,
  kBomFormat,
  kBomRef,
  kCitations,
  kClassification,
  kCommits,
  kComponent,
  kComponents,
  kCompositions,
  kContact,
  kContent,
  kContentType,
  kCopyright,
  kCpe,
  kCryptoProperties,
  kData,
  kDeclarations,
  kDefinitions,
  kDependencies,
  kDependsOn,
  kDescendants,
  kDescription,
  kDestination,
  kDiff,
  kDistributionConstraints,
  kEmail,
  kEncoding,
  kEndpoints,
  kEvidence,
  kExpression,
  kExpressionDetails,
  kExpressions,
  kExternalReferences,
  kFlow,
  kFormulation,
  kGovernance,
  kGroup,
  kHashes,
  kId,
  kIsExternal,
  kLicense,
  kLicenses,
  kLicensing,
  kLifecycles,
  kManufacture,
  kManufacturer,
  kMetadata,
  kMimeType,
  kModelCard,
  kModified,
  kName,
  kNote,
  kNotes,
  kOmniborId,
  kPatch,
  kPatches,
  kPatentAssertions,
  kPedigree,
  kPhone,
  kPointers,
  kProcess,
  kProperties,
  kProvider,
  kProvides,
  kPublisher,
  kPurl,
  kRef,
  kReferences,
  kReleaseNotes,
  kResolves,
  kSchema,
  kScope,
  kSerialNumber,
  kServices,
  kSignature,
  kSource,
  kSpecVersion,
  kSupplier,
  kSwhid,
  kSwid,
  kTagId,
  kTagVersion,
  kTags,
  kText,
  kTimestamp,
  kTools,
  kTrustZone,
  kType,
  kUrl,
  kValue,
  kVariants,
  kVersion,
  kVersionRange,
  kVulnerabilities,
  kXTrustBoundary,
};

/// The result of looking a field name up in an object's table.
struct FieldLookup {
  Field field = Field::kUnknown;
  /// False when the object has the field, but not in this version or serialisation.
  bool allowed = false;
};

/// Looks `name` up among the fields `object` has in the schemas (JSON keys or XML elements).
FieldLookup LookupField(ObjectKind object, std::string_view name, Version version, Syntax syntax);

/// LookupField for a JSON key: the same answer, from a table hashed at compile time (the JSON
/// reader looks up every key of every object it reads).
FieldLookup LookupJsonField(ObjectKind object, std::string_view name, Version version);

/// The component `type` values of `version`.
std::optional<ComponentType> ParseComponentType(std::string_view text, Version version);

/// The allowed component types of `version`, comma-separated, for messages.
std::string_view ComponentTypeList(Version version);

std::optional<Scope> ParseScope(std::string_view text);

/// CycloneDX `hash-alg` of `version` (Streebog from 1.7).
std::optional<HashAlgorithm> ParseHashAlgorithm(std::string_view text, Version version);

/// `hash-content`: 32, 40, 64, 96 or 128 hex digits.
bool IsHashContent(std::string_view text);

/// `serialNumber`: "urn:uuid:" and a UUID in lower-case hex.
bool IsSerialNumber(std::string_view text);

/// An RFC 3339 date-time ("2024-01-31T08:00:00Z", offset required) when `require_offset`, else an
/// xs:dateTime (offset optional).
bool IsDateTime(std::string_view text, bool require_offset);

/// License `acknowledgement` (1.6+): declared or concluded.
std::optional<LicenseAcknowledgement> ParseAcknowledgement(std::string_view text);

/// The closed lists of values some CycloneDX string fields take.
enum class Enumeration {
  kScope,      // component `scope`: required, optional, excluded
  kPatchType,  // patch `type`: unofficial, monkey, backport, cherry-pick
  kIssueType,  // issue `type`: defect, enhancement, security
  kDataFlow,   // data `flow`: inbound, outbound, bi-directional, unknown
};

/// True when `text` is one of `enumeration`'s values.
bool IsOneOf(Enumeration enumeration, std::string_view text);

/// The "notInEnum" message for `text`: 'The patch type "x" is not one of unofficial, …'.
std::string NotOneOfMessage(Enumeration enumeration, std::string_view text);

/// Attachment `encoding`: base64.
bool IsAttachmentEncoding(std::string_view text);

}  // namespace sg::sbom::cyclonedx
