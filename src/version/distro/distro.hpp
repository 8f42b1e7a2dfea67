#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// Orderings of PyPI, Maven and the Linux distributions' packages. Each Compare* returns -1, 0
/// or 1, or an error with code "invalidVersion" whose message names the version and says why.
/// Numbers of any length are compared exactly. No function here throws or recurses without
/// bound, whatever the input.
namespace sg::version::distro {

/// PyPI: PEP 440 as pypa/packaging (>= 22) parses and orders it; strings that are not PEP 440
/// (the "legacy" versions older packaging accepted) are invalid.
Result<int> ComparePep440(std::string_view a, std::string_view b);

/// Maven: ComparableVersion of Maven 3.9 / 4.0. Every string that is not empty or only white
/// space is a version.
Result<int> CompareMaven(std::string_view a, std::string_view b);

/// Debian: dpkg's parseversion() and verrevcmp(). A version that parseversion() only warns
/// about (an upstream part that does not start with a digit, unusual characters) is accepted
/// and compared, as `dpkg --compare-versions` does; its hard errors are invalid versions.
Result<int> CompareDpkg(std::string_view a, std::string_view b);

/// Alpine: apk-tools 3 ordering and validity (digits{.digits}{letter}{_suffix{N}}{~hash}{-rN}).
Result<int> CompareApk(std::string_view a, std::string_view b);

/// Red Hat, AlmaLinux, Rocky Linux: rpmvercmp() on each part of [epoch:]version[-release],
/// a missing epoch being 0 and a missing release sorting before any release (as rpm's
/// labelCompare). Empty versions, empty version parts, white space and control characters are
/// invalid.
Result<int> CompareRpm(std::string_view a, std::string_view b);

/// The pre-release part of a PEP 440 version: phase "a", "b" or "rc" and its number.
struct Pep440PreRelease {
  std::string phase;
  std::string number;  // decimal digits without leading zeros

  bool operator==(const Pep440PreRelease&) const = default;
};

/// A parsed PEP 440 version, normalised as packaging normalises it. Every number is a string
/// of decimal digits without leading zeros, so that numbers of any size are kept exactly.
struct Pep440Version {
  std::string epoch = "0";
  std::vector<std::string> release;
  std::optional<Pep440PreRelease> pre;
  std::optional<std::string> post;
  std::optional<std::string> dev;
  std::optional<std::string> local;  // lower case, '.'-separated, numeric parts without zeros

  /// A pre-release or a development release (packaging's is_prerelease).
  bool IsPrerelease() const { return pre.has_value() || dev.has_value(); }
  bool IsPostrelease() const { return post.has_value(); }
  bool IsDevrelease() const { return dev.has_value(); }
};

/// Parses a PEP 440 version (surrounding ASCII white space, a leading "v", upper case and the
/// alternative spellings of PEP 440 are accepted and normalised away).
Result<Pep440Version> ParsePep440(std::string_view text);

/// Orders two parsed versions as PEP 440 does: -1, 0 or 1.
int ComparePep440(const Pep440Version& a, const Pep440Version& b);

/// The normalised form, as packaging's str(Version): "1!2.0a1.post3.dev4+local.5".
std::string ToString(const Pep440Version& version);

/// The version without its local part (packaging's Version.public).
std::string PublicVersion(const Pep440Version& version);

/// Epoch and release only (packaging's Version.base_version): "1!2.0".
std::string BaseVersion(const Pep440Version& version);

/// Options of a specifier-set membership test, as packaging's SpecifierSet and contains()
/// take them.
struct Pep440ContainsOptions {
  /// SpecifierSet(..., prereleases=): whether the set as a whole admits pre-releases.
  std::optional<bool> set_prereleases;
  /// contains(..., prereleases=): overrides the set's choice for this test.
  std::optional<bool> prereleases;
  /// contains(..., installed=True): an installed pre-release is always admitted.
  bool installed = false;
};

/// Success when `specifier` is one valid PEP 440 version specifier ("~=1.4", "==2.*",
/// "!=1.0", "<=2", ">=1.0a1", "<3", ">1", "===foobar"); otherwise an "invalidSpecifier" error.
Result<void> ValidatePep440Specifier(std::string_view specifier);

/// Success when `specifiers` is a valid comma-separated specifier set (empty parts, and so the
/// empty string, are allowed); otherwise an "invalidSpecifier" error naming the bad clause.
Result<void> ValidatePep440SpecifierSet(std::string_view specifiers);

/// Whether one specifier, on its own, admits pre-releases (packaging's Specifier.prereleases
/// without an explicit setting): true when it names a pre-release (never for "!=" or ".*"),
/// absent for "===" on a string that is not PEP 440.
Result<std::optional<bool>> Pep440SpecifierImpliesPrereleases(std::string_view specifier);

/// Whether `version` satisfies every specifier of the set, with packaging's (>= 26) rules:
/// local versions, the exclusions of "<V" and ">V", prefix matching of ".*", "===" string
/// identity, and pre-releases admitted unless `prereleases` (or the set's own setting) is false.
/// A `version` that is not PEP 440 is never contained (unless only "===" clauses match it, or
/// the set is empty, as in packaging); only a bad specifier set is an error.
Result<bool> Pep440SpecifierSetContains(std::string_view specifiers, std::string_view version,
                                        std::optional<bool> prereleases);

/// As above, with all of packaging's options.
Result<bool> Pep440SpecifierSetContains(std::string_view specifiers, std::string_view version,
                                        const Pep440ContainsOptions& options);

/// The members of `versions` that the set admits, in their order, with packaging's
/// SpecifierSet.filter() rules for pre-releases: unless told otherwise, pre-releases are kept
/// only when no final release matches. `options.installed` does not apply to filtering.
Result<std::vector<std::string>> Pep440SpecifierSetFilter(std::string_view specifiers,
                                                          const std::vector<std::string>& versions,
                                                          const Pep440ContainsOptions& options);

}  // namespace sg::version::distro
