#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

/// Package URLs (purl, ECMA-427 and the registered type definitions of package-url/purl-spec).
/// Pure: no I/O. Every failure is an Error::BadRequest with code "invalidPurl" whose message says
/// what is wrong.
namespace sg::purl {

/// The longest purl text ParsePurl reads, in bytes; longer input is refused before any work.
inline constexpr std::size_t kMaxPurlLength = 8192;

/// The seven components of a package URL, decoded (no percent-encoding) and, when produced by
/// ParsePurl or NormalizePurl, normalised as the type's definition requires. Empty means absent
/// (a purl component is never present and empty).
struct PackageUrl {
  /// Lower-case package type: "maven", "npm", "pypi", …
  std::string type;
  /// Segments joined with '/', e.g. "org.apache.commons" or "github.com/gorilla"; may be empty.
  std::string package_namespace;
  std::string name;
  std::string version;
  /// Sorted by key; keys lower-case and unique; values never empty.
  std::vector<std::pair<std::string, std::string>> qualifiers;
  /// Segments joined with '/', without '.', '..' or empty segments.
  std::string subpath;

  bool operator==(const PackageUrl&) const = default;
};

/// Parses purl text (ECMA-427 clause 5) into its decoded components and applies the registered
/// type's rules: (ASCII) lower-casing where the type is case-insensitive, PyPI's '_' → '-',
/// required and prohibited namespaces, required qualifiers, permitted characters. Accepts the
/// spec's tolerated variants ("pkg://…", upper-case type, upper-case qualifier keys, raw characters
/// that the canonical form would percent-encode). Unregistered types get the generic rules only.
Result<PackageUrl> ParsePurl(std::string_view text);

/// ParsePurl into `out`, reusing its strings' storage: for parsing many purls in a loop. On
/// failure `out` holds whatever was read so far.
Result<void> ParsePurlInto(std::string_view text, PackageUrl& out);

/// Applies the same normalisation and validation as ParsePurl to components that were not parsed
/// from text (e.g. taken field by field from an SBOM): the type is lower-cased, qualifier keys are
/// lower-cased and sorted, empty qualifier values dropped, the subpath normalised.
Result<PackageUrl> NormalizePurl(PackageUrl components);

/// The canonical purl text of `purl`: "pkg:" type, percent-encoded namespace segments, name,
/// version, qualifiers in key order and subpath segments. Characters other than ASCII letters,
/// digits, '.', '-', '_', '~' and ':' are percent-encoded (upper-case hex) within a component.
/// Canonical only for a PackageUrl from ParsePurl or NormalizePurl.
std::string ToCanonicalString(const PackageUrl& purl);

/// NormalizePurl then ToCanonicalString: builds canonical purl text from decoded components.
Result<std::string> BuildPurl(PackageUrl components);

/// The value of qualifier `key` (lower-case), absent when the purl has no such qualifier.
std::optional<std::string_view> FindQualifier(const PackageUrl& purl, std::string_view key);

/// Whether a registered type has, needs or forbids a namespace.
enum class Requirement { kOptional, kRequired, kProhibited };

/// What SupplyGuard knows about one registered purl type (purl-spec types/*-definition.json).
struct TypeDefinition {
  std::string_view type;
  /// Short name used in messages, e.g. "Maven".
  std::string_view label;
  Requirement namespace_requirement;
  /// What the ecosystem calls the namespace ("groupId", "scope", …); empty when it has no name.
  std::string_view namespace_native_name;
  bool namespace_case_sensitive;
  bool name_case_sensitive;
  bool version_case_sensitive;
  bool subpath_case_sensitive;
  /// Qualifier that every purl of this type must carry; empty when none.
  std::string_view required_qualifier;
};

/// Every registered type, sorted by type.
std::span<const TypeDefinition> RegisteredTypes();

/// The definition of registered type `type` (lower-case); absent for an unregistered type.
std::optional<TypeDefinition> FindTypeDefinition(std::string_view type);

}  // namespace sg::purl
