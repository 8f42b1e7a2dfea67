#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// Orderings of the language package ecosystems. Each Compare* returns -1, 0 or 1, or an error
/// with code "invalidVersion" whose message names the version and says why it is invalid.
/// Validity follows the ecosystem's own parser, including its numeric limits where it has them
/// (npm 2^53-1, Cargo and Pub 64-bit, NuGet and CRAN 32-bit, Cabal 9 digits); numbers are
/// compared as digit strings, never converted to fixed-width integers.
namespace sg::version::lang {

Result<int> CompareSemVer(std::string_view a, std::string_view b);     // SemVer 2.0.0
Result<int> CompareNpm(std::string_view a, std::string_view b);        // node-semver
Result<int> CompareGo(std::string_view a, std::string_view b);         // with or without "v"
Result<int> CompareCratesIo(std::string_view a, std::string_view b);   // Cargo semver
Result<int> CompareRubyGems(std::string_view a, std::string_view b);   // Gem::Version
Result<int> ComparePackagist(std::string_view a, std::string_view b);  // Composer
Result<int> CompareNuGet(std::string_view a, std::string_view b);      // NuGet.Versioning
Result<int> ComparePub(std::string_view a, std::string_view b);        // pub_semver
Result<int> CompareHackage(std::string_view a, std::string_view b);    // Cabal, Data.Version order
Result<int> CompareCran(std::string_view a, std::string_view b);       // R package_version
Result<int> CompareBitnami(std::string_view a, std::string_view b);

/// node-semver's options: `loose` accepts sloppy input ("=v 1.2.3", "1.2.3beta", "01.2.3");
/// `include_prerelease` lets ranges match prereleases of other major.minor.patch tuples.
struct NpmOptions {
  bool loose = false;
  bool include_prerelease = false;
};

/// A version as node-semver parses it. Numbers are decimal digit strings without leading zeros;
/// a numeric prerelease identifier below 2^53-1 is normalised the same way, as node-semver turns
/// it into a number.
struct NpmVersion {
  std::string major;
  std::string minor;
  std::string patch;
  std::vector<std::string> prerelease;
  std::vector<std::string> build;

  /// node-semver's `version`: major.minor.patch plus "-prerelease" (build metadata is dropped).
  std::string ToString() const;
};

/// node-semver's `new SemVer(text, options)`: an error ("invalidVersion") where it throws.
Result<NpmVersion> ParseNpmVersion(std::string_view text, NpmOptions options = {});

/// node-semver's `compare(a, b, options)`: build metadata is ignored.
Result<int> CompareNpm(std::string_view a, std::string_view b, NpmOptions options);

/// node-semver's `satisfies(version, range, options)`: || alternatives of comparator sets, hyphen
/// ranges, x-ranges, tilde and caret ranges, and its prerelease rule. Where node-semver returns
/// false for an invalid range or version, this returns an error ("invalidRange" or
/// "invalidVersion") instead, so a caller can tell "outside the range" from "unreadable".
Result<bool> NpmSatisfies(std::string_view range, std::string_view version,
                          NpmOptions options = {});

/// node-semver's `validRange(range, options)`: the canonical form of a range ("*" for any
/// version), or an "invalidRange" error where node-semver returns null.
Result<std::string> NpmValidRange(std::string_view range, NpmOptions options = {});

/// node-semver's `gtr(version, range)`: true when `version` is above every version the range
/// allows.
Result<bool> NpmGreaterThanRange(std::string_view range, std::string_view version,
                                 NpmOptions options = {});

/// node-semver's `ltr(version, range)`: true when `version` is below every version the range
/// allows.
Result<bool> NpmLessThanRange(std::string_view range, std::string_view version,
                              NpmOptions options = {});

}  // namespace sg::version::lang
