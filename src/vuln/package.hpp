#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "purl/purl.hpp"
#include "version/version.hpp"

/// The vulnerability matcher's view of packages: which OSV package a component is.
namespace sg::vuln {

/// A package as advisories name it: an OSV ecosystem and the package's name there, normalised
/// for lookup (see NormalizePackageName), so that equal keys are the same package.
struct PackageKey {
  version::Ecosystem ecosystem = version::Ecosystem::kSemVer;
  std::string name;

  bool operator==(const PackageKey&) const = default;
};

struct PackageKeyHash {
  std::size_t operator()(const PackageKey& key) const noexcept;
};

/// A concrete package version, as an SBOM component names it.
struct PackageVersion {
  PackageKey package;
  std::string version;  // in the ecosystem's own syntax (RPM: [epoch:]version-release)
};

/// The name under which `ecosystem` treats two spellings as one package: PyPI's PEP 503 form
/// (lower case, runs of '-', '_' and '.' as one '-'); NuGet, Packagist and crates.io are
/// case-insensitive (crates.io also treats '-' and '_' alike); the others compare names as
/// they are.
std::string NormalizePackageName(version::Ecosystem ecosystem, std::string_view name);

/// The OSV package and version a purl names: npm "@scope/name", Maven "group:artifact", Go
/// "module/path", Packagist "vendor/name"; Debian, Alpine and the RPM distributions by the
/// purl's namespace (debian, alpine, redhat, almalinux, rocky), preferring the source package
/// (the `upstream` qualifier) that distribution advisories name, and the `epoch` qualifier of
/// an RPM. Absent when no supported ecosystem covers the purl's type, or it has no version.
std::optional<PackageVersion> PackageOfPurl(const purl::PackageUrl& purl);

/// PackageOfPurl into `out`, whose strings' storage is reused (one PackageVersion serves every
/// component of a document); false, `out` then unspecified, when the purl names no package.
bool PackageOfPurlInto(const purl::PackageUrl& purl, PackageVersion& out);

/// A package version whose name and version are views into storage someone else keeps.
struct PackageVersionView {
  version::Ecosystem ecosystem = version::Ecosystem::kSemVer;
  std::string_view name;     // normalised as PackageKey says
  std::string_view version;  // as PackageVersion::version

  PackageVersion Owned() const { return {{ecosystem, std::string(name)}, std::string(version)}; }
};

}  // namespace sg::vuln
