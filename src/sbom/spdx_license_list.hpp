#pragma once

#include <optional>
#include <string_view>

namespace sg::sbom {

/// The version of the SPDX licence list compiled in (spdx_license_list.cpp, generated).
std::string_view LicenseListVersion();

/// The listed licence identifier that equals `id` ignoring ASCII case ("mit" finds "MIT"), or
/// nothing. Callers that must match exactly (CycloneDX `license.id`) compare the result to `id`.
std::optional<std::string_view> FindLicenseId(std::string_view id);

/// The same for licence exceptions ("Classpath-exception-2.0").
std::optional<std::string_view> FindExceptionId(std::string_view id);

}  // namespace sg::sbom
