#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "version/version.hpp"

/// Version range specifiers of the Package-URL "vers" specification
/// (`vers:<versioning-scheme>/<constraint>|<constraint>…`), ordered with the ecosystems' own
/// rules from version.hpp. Pure: no I/O.
///
/// Errors carry these codes:
/// - "invalidRange": the text is not a vers in canonical form (syntax, whitespace, pipes,
///   percent-encoding, an explicit '=');
/// - "unknownVersScheme": the versioning scheme is not one SupplyGuard can order;
/// - "invalidVersion": a version is not valid in the scheme (the message names it);
/// - "invalidConstraints": well-formed constraints that break the spec's validation rules
///   (not sorted by version, a version twice, an impossible comparator sequence, an empty range).
namespace sg::version {

/// The comparator of one vers constraint. kEqual is written as a bare version; kAny is the
/// lone "*" that matches every version.
enum class VersComparator {
  kEqual,
  kNotEqual,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kAny,
};

/// The comparator as the vers syntax writes it ("" for kEqual, "*" for kAny).
std::string_view Symbol(VersComparator comparator);

/// One constraint of a range. `version` is percent-decoded (empty for kAny).
struct VersConstraint {
  VersComparator comparator = VersComparator::kEqual;
  std::string version;

  bool operator==(const VersConstraint&) const = default;
};

/// A parsed vers: its versioning scheme (lower case, e.g. "pypi") and its constraints, sorted
/// by version and valid as the spec requires.
struct VersRange {
  std::string scheme;
  std::vector<VersConstraint> constraints;

  bool operator==(const VersRange&) const = default;
};

/// Parses a vers that is in canonical form, as the spec's parsing rules require: no white
/// space, lower-case "vers" and scheme, no leading, trailing or doubled '|', no '=' comparator,
/// versions percent-encoded exactly where needed (upper-case hex), constraints sorted by version
/// with no version twice and a valid comparator sequence. Input that is not canonical is an
/// error, never corrected.
Result<VersRange> ParseVers(std::string_view text);

/// Like ParseVers, but remedies what is not canonical yet unambiguous: an upper-case "VERS:" or
/// scheme, an explicit '=' comparator, constraints out of order, percent-encoding that is not
/// needed or uses lower-case hex. White space and malformed syntax are still errors, as are
/// duplicate versions and invalid comparator sequences once sorted.
Result<VersRange> NormalizeVers(std::string_view text);

/// The canonical text of `range`: "vers:", the scheme, '/', the constraints joined by '|',
/// each version percent-encoded where the spec requires it.
std::string ToString(const VersRange& range);

/// Checks the spec's validation rules on a range built in code: a known scheme, a lone "*" or
/// constraints whose versions are valid in the scheme, sorted by version, each version once,
/// and comparators in a valid sequence.
Result<void> ValidateVers(const VersRange& range);

/// Whether `version` is inside `range`, by the spec's containment algorithm (a "*" contains
/// everything; equality with a "=", "<=" or ">=" version is in, with a "!=" version out; then
/// the intervals the "<", "<=", ">", ">=" constraints bound). A range of "!=" constraints only
/// contains every version it does not exclude. `range` is taken as valid (ParseVers,
/// NormalizeVers and VersFromNative only return valid ranges; check one built in code with
/// ValidateVers first). An "invalidVersion" error when `version` is not valid in the range's
/// scheme.
Result<bool> Contains(const VersRange& range, std::string_view version);

/// Orders two versions by the rules of a vers versioning scheme: -1, 0 or 1. Schemes map to the
/// ecosystems of version.hpp (npm, pypi→PyPI, maven, golang→Go, cargo→crates.io, gem→RubyGems,
/// composer→Packagist, nuget, pub, hackage, cran, deb→Debian, alpine, rpm→Red Hat, semver);
/// "lexicographic" orders the bytes of the UTF-8 text; "datetime" orders RFC 3339 timestamps by
/// the instant they name.
Result<int> CompareVersVersions(std::string_view scheme, std::string_view a, std::string_view b);

/// The vers versioning scheme that orders `ecosystem`'s versions ("golang" for Go, "rpm" for
/// Red Hat, AlmaLinux and Rocky Linux, "semver" for Bitnami).
std::string_view VersSchemeOf(Ecosystem ecosystem);

/// The vers equivalent of an ecosystem's own range notation: "pypi" (PEP 440 specifier sets:
/// ">=1.0,<2", "~=1.4.5", "==1.*", "!=1.3"), "gem" (RubyGems requirements: "~> 2.0.8",
/// ">= 1, < 3"), "nuget" (interval notation: "[1.0,2.0)", "(,1.0]", "[1.0]", or a bare minimum
/// version). Clauses are intersected; a clause vers cannot express ("===", "!=1.*") or an empty
/// intersection is an error.
Result<VersRange> VersFromNative(std::string_view scheme, std::string_view native_range);

}  // namespace sg::version
