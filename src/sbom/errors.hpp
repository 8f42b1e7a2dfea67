#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::sbom {

/// "sbomTooLarge": `size` bytes against a limit of `limit`.
Error SbomTooLarge(std::size_t size, std::size_t limit);

/// "sbomUnsupportedFormat": the bytes are not an SBOM this platform reads; `reason` says what
/// they look like and what to upload instead.
Error SbomUnsupportedFormat(std::string reason);

/// "sbomContentTypeMismatch": the Content-Type names one format, the content is another.
Error SbomContentTypeMismatch(std::string_view content_type, std::string_view detected);

/// "sbomUnsupportedVersion": a known format in a version not read (CycloneDX 1.3, SPDX 2.1…).
Error SbomUnsupportedVersion(std::string message);

/// "sbomMalformed": not well-formed JSON / XML / tag-value. `message` says where; `detail` holds
/// the parser's own diagnostic (logged only).
Error SbomMalformed(std::string message, std::string detail = {});

/// "xmlDtdForbidden": the XML declares a DOCTYPE, entities or a DTD, which are refused.
Error XmlDtdForbidden(std::string message);

/// "sbomTooDeep": components, services or ancestors nest deeper than the limit.
Error SbomTooDeep(std::string location, std::size_t limit);

/// "sbomInvalid": well-formed but breaks a rule of the format. `location` is the JSON pointer or
/// "line N"; `rule` a camelCase rule code ("required", "notInEnum", "pattern", …), also put in
/// `fields` under the location.
Error SbomInvalid(std::string location, std::string rule, std::string message);

}  // namespace sg::sbom
