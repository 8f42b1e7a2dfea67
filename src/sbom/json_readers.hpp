#pragma once

#include "core/error.hpp"
#include "sbom/json_input.hpp"
#include "sbom/model.hpp"
#include "sbom/reader.hpp"

// The JSON readers' entry points once the text has been opened and probed (reader.cpp decides
// which one runs). Internal to the module.
namespace sg::sbom {

/// Reads a CycloneDX JSON document; `probe` must come from `input`.
Result<Document> ReadCycloneDxJsonDocument(json::JsonInput& input, const json::JsonProbe& probe,
                                           const ReadOptions& options);

/// Reads an SPDX 2.2/2.3 JSON document; `probe` must come from `input`.
Result<Document> ReadSpdxJsonDocument(json::JsonInput& input, const json::JsonProbe& probe,
                                      const ReadOptions& options);

}  // namespace sg::sbom
