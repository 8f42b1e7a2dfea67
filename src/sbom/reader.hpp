#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "sbom/model.hpp"

namespace sg::sbom {

/// How strictly the format's schema is enforced.
enum class Conformance {
  /// Every schema rule the readers check is an error ("sbomInvalid"): what the platform accepts
  /// from vendors.
  kStrict,
  /// Schema rules become warnings (kSchemaViolation) and the document loads, as long as it can be
  /// read at all: for re-reading stored documents and for diagnostics.
  kLenient,
};

/// Limits and choices for one read.
struct ReadOptions {
  /// Documents larger than this are refused ("sbomTooLarge") before any parsing.
  std::size_t max_bytes = 50u * 1024 * 1024;
  /// The upload's Content-Type, if any ("application/vnd.cyclonedx+json; version=1.6"). A known
  /// SBOM media type must agree with the content; generic types (application/json, text/plain,
  /// application/octet-stream) leave the choice to detection.
  std::string_view content_type;
  Conformance conformance = Conformance::kStrict;
  /// How deep CycloneDX components (and services, pedigree ancestors) may nest. Deeper
  /// documents are refused ("sbomTooDeep"); this also bounds the readers' recursion.
  std::size_t max_nesting = 64;
  /// Warnings kept per document; the rest are only counted (Document::suppressed_warnings).
  std::size_t max_warnings = 1000;
  /// How many bytes after the document the caller's buffer holds and lets the reader read (the
  /// spare capacity of a std::string, say; their values do not matter). With 64 or more, JSON
  /// is parsed where it lies instead of in a padded copy.
  std::size_t readable_past_end = 0;
};

/// Reads an SBOM of any supported format: CycloneDX 1.4–1.7 JSON or XML (and the legacy 1.2 and
/// 1.3, held to the 1.4 rules), SPDX 2.2–2.3 JSON or tag-value. The format is detected from the
/// content (see DetectFormat).
///
/// Error codes: "sbomTooLarge", "sbomUnsupportedFormat" (not an SBOM, or a format not read such
/// as SPDX 3, SPDX RDF/XML/YAML), "sbomContentTypeMismatch", "sbomUnsupportedVersion",
/// "sbomMalformed" (not well-formed JSON/XML/tag-value), "xmlDtdForbidden", "sbomTooDeep" and
/// "sbomInvalid" (well-formed but breaks the format's schema; `fields` maps the JSON pointer or
/// line to the rule broken). Never throws.
Result<Document> ReadSbom(std::string_view bytes, const ReadOptions& options = {});

/// The format of `bytes`, judged from the content and, when it names one, the Content-Type
/// `content_type`. Fails with "sbomUnsupportedFormat" or "sbomContentTypeMismatch".
Result<Format> DetectFormat(std::string_view bytes, std::string_view content_type = {});

/// The format a Content-Type names (parameters and case ignored), if it names one.
std::optional<Format> FormatFromContentType(std::string_view content_type);

/// Per-format readers, for callers that already know the format. Each checks the size limit.
Result<Document> ReadCycloneDxJson(std::string_view bytes, const ReadOptions& options = {});
Result<Document> ReadCycloneDxXml(std::string_view bytes, const ReadOptions& options = {});
Result<Document> ReadSpdxJson(std::string_view bytes, const ReadOptions& options = {});
Result<Document> ReadSpdxTagValue(std::string_view bytes, const ReadOptions& options = {});

}  // namespace sg::sbom
