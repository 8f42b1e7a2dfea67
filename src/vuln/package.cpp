#include "vuln/package.hpp"

#include <functional>

#include "core/text.hpp"

namespace sg::vuln {
namespace {

using version::Ecosystem;

/// `space` + `separator` + `name` (or `name` alone without a space) into `out`, reusing its
/// storage.
void AssignJoined(std::string& out, std::string_view space, char separator, std::string_view name) {
  if (space.empty()) {
    out.assign(name);
    return;
  }
  out.assign(space);
  out += separator;
  out.append(name);
}

/// The source package a distribution purl names in its `upstream` qualifier ("openssl",
/// or "openssl@1.1.1" / "openssl (1.1.1)" as some generators write it), or its own name.
std::string_view SourcePackage(const purl::PackageUrl& purl) {
  const auto upstream = purl::FindQualifier(purl, "upstream");
  if (!upstream || upstream->empty()) return purl.name;
  const std::size_t end = upstream->find_first_of("@ ");
  std::string_view source = upstream->substr(0, end);
  return source.empty() ? std::string_view(purl.name) : source;
}

std::optional<Ecosystem> DistributionOf(std::string_view type, std::string_view space) {
  if (type != "deb" && type != "apk" && type != "rpm") return std::nullopt;
  const std::string lowered = text::AsciiLower(space);
  if (type == "deb" && lowered == "debian") return Ecosystem::kDebian;
  if (type == "apk" && lowered == "alpine") return Ecosystem::kAlpine;
  if (type == "rpm") {
    if (lowered == "redhat") return Ecosystem::kRedHat;
    if (lowered == "almalinux") return Ecosystem::kAlmaLinux;
    if (lowered == "rocky" || lowered == "rocky-linux" || lowered == "rockylinux") {
      return Ecosystem::kRockyLinux;
    }
  }
  return std::nullopt;
}

void LowerInPlace(std::string& text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

/// NormalizePackageName on a name the caller owns, without a copy.
void NormalizeInPlace(Ecosystem ecosystem, std::string& name) {
  switch (ecosystem) {
    case Ecosystem::kPyPI: {
      // Runs of '-', '_' and '.' become one '-': the text only shrinks, so it is rewritten in
      // place.
      LowerInPlace(name);
      std::size_t out = 0;
      bool in_separator_run = false;
      for (const char c : name) {
        if (c == '-' || c == '_' || c == '.') {
          if (!in_separator_run) name[out++] = '-';
          in_separator_run = true;
        } else {
          name[out++] = c;
          in_separator_run = false;
        }
      }
      name.resize(out);
      return;
    }
    case Ecosystem::kCratesIo:
      LowerInPlace(name);
      for (char& c : name) {
        if (c == '_') c = '-';
      }
      return;
    case Ecosystem::kNuGet:
    case Ecosystem::kPackagist:
      LowerInPlace(name);
      return;
    default:
      return;
  }
}

}  // namespace

std::size_t PackageKeyHash::operator()(const PackageKey& key) const noexcept {
  return std::hash<std::string>{}(key.name) * 31 + static_cast<std::size_t>(key.ecosystem);
}

std::string NormalizePackageName(Ecosystem ecosystem, std::string_view name) {
  std::string normalized(name);
  NormalizeInPlace(ecosystem, normalized);
  return normalized;
}

std::optional<PackageVersion> PackageOfPurl(const purl::PackageUrl& purl) {
  PackageVersion package;
  if (!PackageOfPurlInto(purl, package)) return std::nullopt;
  return package;
}

bool PackageOfPurlInto(const purl::PackageUrl& purl, PackageVersion& out) {
  if (purl.version.empty()) return false;
  std::optional<Ecosystem> ecosystem;
  std::string& name = out.package.name;
  const std::string_view type = purl.type;
  if (type == "npm") {
    ecosystem = Ecosystem::kNpm;
    AssignJoined(name, purl.package_namespace, '/', purl.name);
  } else if (type == "pypi") {
    ecosystem = Ecosystem::kPyPI;
    name.assign(purl.name);
  } else if (type == "maven") {
    ecosystem = Ecosystem::kMaven;
    AssignJoined(name, purl.package_namespace, ':', purl.name);
  } else if (type == "golang") {
    ecosystem = Ecosystem::kGo;
    AssignJoined(name, purl.package_namespace, '/', purl.name);
  } else if (type == "cargo") {
    ecosystem = Ecosystem::kCratesIo;
    name.assign(purl.name);
  } else if (type == "gem") {
    ecosystem = Ecosystem::kRubyGems;
    name.assign(purl.name);
  } else if (type == "composer") {
    ecosystem = Ecosystem::kPackagist;
    AssignJoined(name, purl.package_namespace, '/', purl.name);
  } else if (type == "nuget") {
    ecosystem = Ecosystem::kNuGet;
    name.assign(purl.name);
  } else if (type == "pub") {
    ecosystem = Ecosystem::kPub;
    name.assign(purl.name);
  } else if (type == "hackage") {
    ecosystem = Ecosystem::kHackage;
    name.assign(purl.name);
  } else if (type == "cran") {
    ecosystem = Ecosystem::kCran;
    name.assign(purl.name);
  } else if (type == "bitnami") {
    ecosystem = Ecosystem::kBitnami;
    name.assign(purl.name);
  } else if ((ecosystem = DistributionOf(type, purl.package_namespace))) {
    name.assign(SourcePackage(purl));
  }
  if (!ecosystem) return false;
  out.version.assign(purl.version);
  if (type == "rpm") {
    const auto epoch = purl::FindQualifier(purl, "epoch");
    if (epoch && !epoch->empty() && out.version.find(':') == std::string::npos) {
      out.version.insert(0, ":");
      out.version.insert(0, *epoch);
    }
  }
  NormalizeInPlace(*ecosystem, name);
  out.package.ecosystem = *ecosystem;
  return true;
}

}  // namespace sg::vuln
