#pragma once

// The four SBOM harnesses differ only in the reader they call: this is their common body.

#include <cstddef>
#include <string_view>

#include "harness.hpp"
#include "sbom/reader.hpp"

namespace sg::fuzz {

/// A per-format reader of sbom/reader.hpp.
using SbomReader = Result<sbom::Document> (*)(std::string_view, const sbom::ReadOptions&);

/// What the model promises about any document a reader returns (sbom/model.hpp).
inline void CheckDocument(const sbom::Document& document, sbom::Format format,
                          const sbom::ReadOptions& options) {
  Require(document.format == format, "the document has the format of the reader that read it");
  for (std::size_t index = 0; index < document.components.size(); ++index) {
    const auto& parent = document.components[index].parent;
    Require(!parent || *parent < index, "a component's parent comes before it");
  }
  for (const sbom::Dependency& edge : document.dependencies) {
    for (const sbom::Node* node : {&edge.from, &edge.to}) {
      Require(node->kind != sbom::NodeKind::kComponent || node->index < document.components.size(),
              "a dependency edge names an existing component");
      Require(node->kind != sbom::NodeKind::kSubject || document.subject.has_value(),
              "a dependency edge names the subject only when there is one");
    }
  }
  Require(document.warnings.size() <= options.max_warnings, "at most max_warnings are kept");
  for (const sbom::Warning& warning : document.warnings) {
    Require(!warning.component || *warning.component < document.components.size(),
            "a warning names an existing component");
    Require(options.conformance == sbom::Conformance::kLenient ||
                warning.kind != sbom::WarningKind::kSchemaViolation,
            "a strict read has no schema-violation warnings");
  }
}

/// Reads `bytes` strictly and leniently with `read` (expected to read `format`), with small
/// limits so that deep or noisy inputs reach them quickly, and checks the results.
inline int FuzzSbomReader(SbomReader read, sbom::Format format, std::string_view bytes) {
  sbom::ReadOptions options;
  options.max_nesting = 16;
  options.max_warnings = 64;
  const auto strict = read(bytes, options);
  if (strict) CheckDocument(*strict, format, options);
  options.conformance = sbom::Conformance::kLenient;
  const auto lenient = read(bytes, options);
  if (lenient) CheckDocument(*lenient, format, options);
  Require(!strict || lenient.has_value(),
          "a document valid under the strict rules loads leniently");
  // Format detection runs before every upload's read; it must cope with anything too.
  (void)sbom::DetectFormat(bytes);
  return 0;
}

}  // namespace sg::fuzz
