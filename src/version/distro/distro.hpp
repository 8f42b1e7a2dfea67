#pragma once

#include <string_view>

#include "core/error.hpp"

/// Orderings of PyPI, Maven and the Linux distributions' packages. Each Compare* returns -1, 0
/// or 1, or an error with code "invalidVersion" whose message names the version and says why.
namespace sg::version::distro {

Result<int> ComparePep440(std::string_view a, std::string_view b);  // PyPI, PEP 440
Result<int> CompareMaven(std::string_view a, std::string_view b);   // ComparableVersion
Result<int> CompareDpkg(std::string_view a, std::string_view b);    // Debian
Result<int> CompareApk(std::string_view a, std::string_view b);     // Alpine apk-tools
Result<int> CompareRpm(std::string_view a, std::string_view b);     // rpmvercmp with epoch

}  // namespace sg::version::distro
