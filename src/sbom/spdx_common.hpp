#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sbom/document_builder.hpp"
#include "sbom/model.hpp"

// What the SPDX JSON and tag-value readers share: SPDX 2.x vocabularies and the assembly of
// packages and relationships into a Document. Internal to the module.
namespace sg::sbom::spdx {

/// The SPDX versions read.
enum class Version { k2_2, k2_3 };

/// "SPDX-2.2" or "SPDX-2.3".
std::optional<Version> ParseVersion(std::string_view text);

/// The message refusing any other spdxVersion.
std::string UnsupportedVersionMessage(std::string_view text);

/// The SPDXID of the document itself.
inline constexpr std::string_view kDocumentId = "SPDXRef-DOCUMENT";

/// "SPDXRef-" followed by letters, digits, "." and "-".
bool IsSpdxId(std::string_view text);

/// A checksum algorithm of SPDX 2.3 (SHA1, SHA256, …, ADLER32).
std::optional<HashAlgorithm> ParseChecksumAlgorithm(std::string_view text);

/// primaryPackagePurpose (2.3) mapped onto the component types.
std::optional<ComponentType> ParsePurpose(std::string_view text);

/// An external reference category: OTHER, SECURITY, PACKAGE-MANAGER, PERSISTENT-ID (tools also
/// write PACKAGE_MANAGER and PERSISTENT_ID, which SPDX 2.2 used).
bool IsReferenceCategory(std::string_view text);

/// One of the 45 relationship types of SPDX 2.3.
bool IsRelationshipType(std::string_view text);

/// Turns a package's SPDX fields into the model and the packages and relationships into a
/// Document: picks the described package as the subject, adds the rest as components, and maps
/// the dependency-like relationships to edges.
class Assembler {
 public:
  explicit Assembler(DocumentBuilder& builder) : builder_(builder) {}

  DocumentBuilder& builder() { return builder_; }

  /// Checks a licence field (licenseConcluded, …) and adds it to `component`. A syntax error is
  /// a violation (false: stop); deprecated and unknown identifiers are warnings.
  bool AddLicense(ComponentDraft& package, std::string_view value, LicenseAcknowledgement kind,
                  std::string_view location);

  /// Checks a licence field that the model does not keep (licenseInfoFromFiles, files).
  bool CheckLicense(std::string_view value, std::string_view location);

  /// An externalRef of a package: purls and CPEs go into the component.
  void AddExternalRef(ComponentDraft& package, std::string_view category, std::string_view type,
                      std::string_view locator);

  /// Adds the package, its lists moved into the arena; `package` is left empty for the next.
  void AddPackage(ComponentDraft& package, Origin origin);

  /// An element of `documentDescribes`.
  void AddDescribed(std::string ref) { described_.push_back(std::move(ref)); }

  /// A relationship "from type to", type already checked.
  void AddRelationship(std::string from, std::string_view type, std::string to, Origin origin) {
    relationships_.push_back({std::move(from), std::string(type), std::move(to), origin});
  }

  /// The document's own SPDXID as written (SPDXRef-DOCUMENT unless the document breaks the
  /// rule, which only a lenient read accepts).
  void SetDocumentId(std::string_view id) { document_id_ = std::string(id); }

  /// Adds the packages and edges to the builder and finishes the document.
  Result<Document> Finish();

 private:
  struct Package {
    Component component;
    Origin origin;
  };

  struct Relationship {
    std::string from;
    std::string type;
    std::string to;
    Origin origin;
  };

  /// Turns the relationships into described packages and edges.
  void MapRelationships();

  DocumentBuilder& builder_;
  std::string document_id_ = std::string(kDocumentId);
  std::vector<Package> packages_;
  std::vector<std::string> described_;
  std::vector<Relationship> relationships_;
};

}  // namespace sg::sbom::spdx
