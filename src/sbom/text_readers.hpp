#pragma once

#include <string_view>

#include "core/error.hpp"
#include "sbom/model.hpp"
#include "sbom/reader.hpp"

// The readers of the non-JSON formats, after the size check and format choice in reader.cpp.
// Internal to the module.
namespace sg::sbom {

/// Reads CycloneDX 1.4–1.7 XML with expat; a DOCTYPE is refused ("xmlDtdForbidden").
Result<Document> ReadCycloneDxXmlText(std::string_view bytes, const ReadOptions& options);

/// Reads SPDX 2.2/2.3 tag-value.
Result<Document> ReadSpdxTagValueText(std::string_view bytes, const ReadOptions& options);

}  // namespace sg::sbom
