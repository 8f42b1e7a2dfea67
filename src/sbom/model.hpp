#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sg::sbom {

/// The memory a Document's text and lists live in: the model's views and spans point into it, so
/// reading a component costs no allocation of its own. Grows by chunks and frees them all at
/// once, with the last Document (or copy) that shares it.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// A copy of `text` that lives as long as the arena (an empty view for empty text).
  std::string_view Keep(std::string_view text) {
    if (text.empty()) return {};
    char* memory = static_cast<char*>(Allocate(text.size(), 1));
    std::memcpy(memory, text.data(), text.size());
    return {memory, text.size()};
  }

  /// A copy of `items` that lives as long as the arena (items are plain values: enums and
  /// views into this same arena or into static storage).
  template <typename T>
  std::span<const T> Keep(std::span<const T> items) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (items.empty()) return {};
    void* memory = Allocate(items.size_bytes(), alignof(T));
    std::memcpy(memory, items.data(), items.size_bytes());
    return {static_cast<const T*>(memory), items.size()};
  }

  /// Bytes of the chunks held.
  std::size_t capacity() const { return capacity_; }

 private:
  void* Allocate(std::size_t size, std::size_t alignment) {
    auto address = reinterpret_cast<std::uintptr_t>(next_);
    address = (address + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    if (next_ == nullptr || address + size > reinterpret_cast<std::uintptr_t>(end_)) {
      return AllocateSlow(size, alignment);
    }
    next_ = reinterpret_cast<char*>(address + size);
    return reinterpret_cast<void*>(address);
  }
  void* AllocateSlow(std::size_t size, std::size_t alignment);

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  char* end_ = nullptr;
  std::size_t next_chunk_ = 16 * 1024;
  std::size_t capacity_ = 0;
};

/// The serialisations the readers accept.
enum class Format {
  kCycloneDxJson,
  kCycloneDxXml,
  kSpdxJson,
  kSpdxTagValue,
};

/// "CycloneDX JSON", "SPDX tag-value", … for messages.
std::string_view FormatName(Format format);

/// The media type an upload of this format carries ("application/vnd.cyclonedx+json").
std::string_view FormatMediaType(Format format);

/// What a component is. CycloneDX's `type` maps one to one; SPDX's `primaryPackagePurpose` maps
/// onto the nearest value (SOURCE, ARCHIVE, INSTALL and OTHER become kOther).
enum class ComponentType {
  kApplication,
  kFramework,
  kLibrary,
  kContainer,
  kPlatform,
  kOperatingSystem,
  kDevice,
  kDeviceDriver,
  kFirmware,
  kFile,
  kMachineLearningModel,
  kData,
  kCryptographicAsset,
  kOther,
};

/// The CycloneDX spelling ("operating-system"); kOther is "other".
std::string_view ComponentTypeName(ComponentType type);

/// CycloneDX `scope`: whether the component is needed at run time. SPDX has no scope.
enum class Scope {
  kUnspecified,  // CycloneDX says consumers should then assume kRequired
  kRequired,
  kOptional,
  kExcluded,
};

/// How a licence was written down.
enum class LicenseForm {
  kId,          // an SPDX licence identifier (CycloneDX `license.id`)
  kName,        // free text (CycloneDX `license.name`)
  kExpression,  // an SPDX licence expression (CycloneDX `expression`; every SPDX licence field)
};

/// Whether the licence is the one the author declared or the one an analyst concluded
/// (CycloneDX 1.6 `acknowledgement`; SPDX licenseDeclared / licenseConcluded).
enum class LicenseAcknowledgement {
  kUnspecified,
  kDeclared,
  kConcluded,
};

/// One licence statement, as written in the document (not normalised, not checked against the
/// licence list beyond what the format's schema demands).
struct License {
  LicenseForm form = LicenseForm::kExpression;
  std::string_view value;
  LicenseAcknowledgement acknowledgement = LicenseAcknowledgement::kUnspecified;
};

/// Digest algorithms of CycloneDX (`hash-alg`) and SPDX (`checksum.algorithm`).
enum class HashAlgorithm {
  kMd2,
  kMd4,
  kMd5,
  kMd6,
  kSha1,
  kSha224,
  kSha256,
  kSha384,
  kSha512,
  kSha3_256,
  kSha3_384,
  kSha3_512,
  kBlake2b256,
  kBlake2b384,
  kBlake2b512,
  kBlake3,
  kAdler32,
  kStreebog256,
  kStreebog512,
};

/// The CycloneDX spelling where there is one ("SHA-256"), else SPDX's ("ADLER32").
std::string_view HashAlgorithmName(HashAlgorithm algorithm);

/// A digest of the component's artefact; `value` is the hex text as written.
struct Hash {
  HashAlgorithm algorithm = HashAlgorithm::kSha256;
  std::string_view value;
};

/// 元件 — one entry of the bill of materials: a CycloneDX component or an SPDX package.
/// Text fields are as written in the document ("" when absent); nothing is normalised. Texts and
/// lists are views into the Document's arena (a Component read from a document is valid as long
/// as that document, or a copy of it, is); one built by hand may view any text that outlives it.
struct Component {
  /// CycloneDX `bom-ref`; SPDX `SPDXID`. May be empty in CycloneDX.
  std::string_view bom_ref;
  ComponentType type = ComponentType::kLibrary;
  /// CycloneDX `group` (Maven group id, npm scope, …). SPDX has no such field.
  std::string_view group;
  std::string_view name;
  /// CycloneDX `version`; SPDX `versionInfo`.
  std::string_view version;
  /// CycloneDX 1.7 `versionRange` (a `vers:` range) of an external component.
  std::string_view version_range;
  /// CycloneDX 1.7 `isExternal`: the component is expected to be provided by the environment.
  bool is_external = false;
  /// The package URL exactly as written (validated later by the purl module); for SPDX the
  /// first PACKAGE-MANAGER purl external reference.
  std::string_view purl;
  /// Further purls an SPDX package lists (rare); empty for CycloneDX.
  std::span<const std::string_view> alternate_purls;
  /// CycloneDX `cpe`; SPDX `cpe22Type` / `cpe23Type` external references.
  std::span<const std::string_view> cpes;
  std::span<const License> licenses;
  /// CycloneDX `supplier.name`; SPDX `supplier` as written ("Organization: Acme (a@acme.tw)").
  std::string_view supplier;
  /// CycloneDX `author` or the names of `authors` joined by ", "; SPDX `originator` as written.
  std::string_view author;
  /// CycloneDX `publisher`; SPDX has none.
  std::string_view publisher;
  std::span<const Hash> hashes;
  Scope scope = Scope::kUnspecified;
  /// Index in Document::components of the component this one is nested in (CycloneDX
  /// `components` inside a component); nothing for a top-level component.
  std::optional<std::size_t> parent;
};

/// Where one end of a dependency edge lands.
enum class NodeKind {
  kComponent,   // Document::components[index]
  kSubject,     // Document::subject
  kUnresolved,  // something the model does not hold: a service, an SPDX file, another
                // document's element, or a reference nothing defines (then also warned)
};

/// One end of a dependency edge: what the reference resolved to.
struct Node {
  NodeKind kind = NodeKind::kUnresolved;
  /// Document::components[index] when kind is kComponent.
  std::size_t index = 0;
  /// The bom-ref / SPDXID as written (in the document's arena), kept only for kUnresolved (a
  /// resolved end's reference is its component's bom_ref); NodeRef() gives it either way.
  std::string_view ref;
};

/// The kind of an edge, read as "from <kind> to".
enum class EdgeKind {
  kDependsOn,     // CycloneDX dependsOn; SPDX DEPENDS_ON, DEPENDENCY_OF, RUNTIME_DEPENDENCY_OF,
                  // STATIC_LINK, DYNAMIC_LINK
  kDevDependsOn,  // SPDX DEV_, BUILD_ and TEST_DEPENDENCY_OF, DEV_TOOL_OF, BUILD_TOOL_OF
  kOptionalDependsOn,  // SPDX OPTIONAL_DEPENDENCY_OF, PROVIDED_DEPENDENCY_OF
  kContains,           // SPDX CONTAINS, CONTAINED_BY
  kProvides,           // CycloneDX 1.6 provides (implements a standard or specification)
  kDescendantOf,       // SPDX DESCENDANT_OF, ANCESTOR_OF, VARIANT_OF
};

/// "dependsOn", "contains", … for messages and storage.
std::string_view EdgeKindName(EdgeKind kind);

/// One edge of the dependency graph. SPDX relationships written the other way round
/// (X DEPENDENCY_OF Y) are turned round (Y depends on X).
struct Dependency {
  Node from;
  Node to;
  EdgeKind kind = EdgeKind::kDependsOn;
};

/// What a warning is about. Warnings never stop a document from loading.
enum class WarningKind {
  kSchemaViolation,           // a rule of the format broken, accepted under Conformance::kLenient
  kDuplicateBomRef,           // the same bom-ref twice (an error under Conformance::kStrict)
  kDuplicateComponent,        // the same purl (or group/name/version) listed more than once
  kMissingPurl,               // a component without a purl: matching must rely on CPE or nothing
  kDanglingReference,         // a dependency names a bom-ref / SPDXID nothing defines
  kDeprecatedLicense,         // an SPDX licence identifier the licence list deprecates
  kUnknownLicense,            // an SPDX licence identifier the compiled-in list does not know
  kSeveralDescribedPackages,  // an SPDX document describes several packages: no subject
};

/// The stable camelCase code of a warning kind ("componentWithoutPurl"), the UI's key.
std::string_view WarningCode(WarningKind kind);

/// A problem worth showing with the document: what, where, and which component.
struct Warning {
  WarningKind kind = WarningKind::kSchemaViolation;
  std::string message;
  /// Index in Document::components of the component concerned, if one is.
  std::optional<std::size_t> component;
  /// Where in the document: a JSON pointer ("/components/3/purl") or "line 12".
  std::string location;
};

/// 軟體物料清單 (SBOM) — one document, whatever its format, as the readers return it. Copies share
/// the arena that the components' texts live in.
struct Document {
  /// Holds the texts and lists of `subject`, `components` and `dependencies`.
  std::shared_ptr<Arena> arena = std::make_shared<Arena>();
  Format format = Format::kCycloneDxJson;
  /// "1.6" for CycloneDX, "2.3" for SPDX.
  std::string spec_version;
  /// CycloneDX `serialNumber` ("urn:uuid:…"); SPDX `documentNamespace`.
  std::string serial_number;
  /// CycloneDX `version`, the revision of the BOM (default 1); nothing for SPDX.
  std::optional<std::int64_t> document_version;
  /// SPDX `name`; CycloneDX documents have no name (see `subject`).
  std::string name;
  /// CycloneDX `metadata.timestamp`; SPDX `creationInfo.created`. As written.
  std::string created;
  /// What the document describes, kept out of `components`: CycloneDX `metadata.component`;
  /// the SPDX package the document DESCRIBES, when it describes exactly one.
  std::optional<Component> subject;
  /// Every component, nested ones included (depth first, a parent before its children), the
  /// subject excluded. components.size() is the count API.md reports.
  std::vector<Component> components;
  std::vector<Dependency> dependencies;
  std::vector<Warning> warnings;
  /// Warnings past ReadOptions::max_warnings, counted but not kept.
  std::size_t suppressed_warnings = 0;
};

/// The bom-ref / SPDXID an edge end names, whatever it resolved to.
std::string_view NodeRef(const Document& document, const Node& node);

}  // namespace sg::sbom
