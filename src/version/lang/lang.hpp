#pragma once

#include <string_view>

#include "core/error.hpp"

/// Orderings of the language package ecosystems. Each Compare* returns -1, 0 or 1, or an error
/// with code "invalidVersion" whose message names the version and says why it is invalid.
namespace sg::version::lang {

Result<int> CompareSemVer(std::string_view a, std::string_view b);     // SemVer 2.0.0
Result<int> CompareNpm(std::string_view a, std::string_view b);        // node-semver
Result<int> CompareGo(std::string_view a, std::string_view b);         // with or without "v"
Result<int> CompareCratesIo(std::string_view a, std::string_view b);   // Cargo semver
Result<int> CompareRubyGems(std::string_view a, std::string_view b);   // Gem::Version
Result<int> ComparePackagist(std::string_view a, std::string_view b);  // Composer
Result<int> CompareNuGet(std::string_view a, std::string_view b);      // NuGet.Versioning
Result<int> ComparePub(std::string_view a, std::string_view b);        // pub_semver
Result<int> CompareHackage(std::string_view a, std::string_view b);    // Data.Version
Result<int> CompareCran(std::string_view a, std::string_view b);       // R package_version
Result<int> CompareBitnami(std::string_view a, std::string_view b);

}  // namespace sg::version::lang
