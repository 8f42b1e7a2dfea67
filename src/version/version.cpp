#include "version/version.hpp"

#include <array>
#include <utility>

#include "version/distro/distro.hpp"
#include "version/lang/lang.hpp"

namespace sg::version {
namespace {

using Comparator = Result<int> (*)(std::string_view, std::string_view);

struct EcosystemEntry {
  Ecosystem ecosystem;
  std::string_view name;
  Comparator compare;
};

// Red Hat, AlmaLinux and Rocky Linux all order RPM versions with rpmvercmp.
constexpr std::array kEcosystems{
    EcosystemEntry{Ecosystem::kNpm, "npm", &lang::CompareNpm},
    EcosystemEntry{Ecosystem::kPyPI, "PyPI", &distro::ComparePep440},
    EcosystemEntry{Ecosystem::kMaven, "Maven", &distro::CompareMaven},
    EcosystemEntry{Ecosystem::kGo, "Go", &lang::CompareGo},
    EcosystemEntry{Ecosystem::kCratesIo, "crates.io", &lang::CompareCratesIo},
    EcosystemEntry{Ecosystem::kRubyGems, "RubyGems", &lang::CompareRubyGems},
    EcosystemEntry{Ecosystem::kPackagist, "Packagist", &lang::ComparePackagist},
    EcosystemEntry{Ecosystem::kNuGet, "NuGet", &lang::CompareNuGet},
    EcosystemEntry{Ecosystem::kPub, "Pub", &lang::ComparePub},
    EcosystemEntry{Ecosystem::kHackage, "Hackage", &lang::CompareHackage},
    EcosystemEntry{Ecosystem::kCran, "CRAN", &lang::CompareCran},
    EcosystemEntry{Ecosystem::kDebian, "Debian", &distro::CompareDpkg},
    EcosystemEntry{Ecosystem::kAlpine, "Alpine", &distro::CompareApk},
    EcosystemEntry{Ecosystem::kRedHat, "Red Hat", &distro::CompareRpm},
    EcosystemEntry{Ecosystem::kAlmaLinux, "AlmaLinux", &distro::CompareRpm},
    EcosystemEntry{Ecosystem::kRockyLinux, "Rocky Linux", &distro::CompareRpm},
    EcosystemEntry{Ecosystem::kBitnami, "Bitnami", &lang::CompareBitnami},
    EcosystemEntry{Ecosystem::kSemVer, "SemVer", &lang::CompareSemVer},
};

constexpr bool TableFollowsEnumOrder() {
  for (std::size_t index = 0; index < kEcosystems.size(); ++index) {
    if (static_cast<std::size_t>(std::to_underlying(kEcosystems[index].ecosystem)) != index) {
      return false;
    }
  }
  return true;
}
static_assert(TableFollowsEnumOrder(), "kEcosystems must list the ecosystems in enum order");

const EcosystemEntry& EntryOf(Ecosystem ecosystem) {
  return kEcosystems[static_cast<std::size_t>(std::to_underlying(ecosystem))];
}

}  // namespace

std::optional<Ecosystem> FindEcosystem(std::string_view osv_name) {
  const std::size_t colon = osv_name.find(':');
  const std::string_view base = osv_name.substr(0, colon);
  for (const EcosystemEntry& entry : kEcosystems) {
    if (entry.name == base) return entry.ecosystem;
  }
  return std::nullopt;
}

std::string_view Name(Ecosystem ecosystem) { return EntryOf(ecosystem).name; }

Result<int> Compare(Ecosystem ecosystem, std::string_view a, std::string_view b) {
  return EntryOf(ecosystem).compare(a, b);
}

Result<void> Validate(Ecosystem ecosystem, std::string_view version) {
  Result<int> compared = Compare(ecosystem, version, version);
  if (!compared) return std::unexpected(std::move(compared.error()));
  return {};
}

}  // namespace sg::version
