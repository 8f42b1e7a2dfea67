#include "sbom/reader.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "sbom/errors.hpp"
#include "sbom/json_input.hpp"
#include "sbom/json_readers.hpp"
#include "sbom/text_readers.hpp"

namespace sg::sbom {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// What the first bytes say the syntax is.
enum class Syntax { kJson, kXml, kTagValue };

constexpr std::string_view kSupportedFormats =
    "CycloneDX 1.2–1.7 (JSON or XML) or SPDX 2.2–2.3 (JSON or tag-value)";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view SkipBomAndSpace(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  while (!bytes.empty() && IsSpace(bytes.front())) bytes.remove_prefix(1);
  return bytes;
}

/// True when a line of `text` (within its first 64 KiB) starts with `prefix`.
bool HasLineStartingWith(std::string_view text, std::string_view prefix) {
  text = text.substr(0, 64 * 1024);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.starts_with(prefix)) return true;
    start = end + 1;
  }
  return false;
}

/// Judges the syntax from the first bytes, or explains why the bytes are no SBOM at all.
Result<Syntax> SniffSyntax(std::string_view bytes) {
  if (bytes.starts_with("\xFE\xFF") || bytes.starts_with("\xFF\xFE")) {
    return Fail(SbomUnsupportedFormat(
        "The document is UTF-16 text; save it as UTF-8 and upload it again."));
  }
  const std::string_view content = SkipBomAndSpace(bytes);
  if (content.empty()) return Fail(SbomUnsupportedFormat("The document is empty."));
  if (content.front() == '{' || content.front() == '[') return Syntax::kJson;
  if (content.front() == '<') return Syntax::kXml;
  if (HasLineStartingWith(content, "SPDXVersion:")) return Syntax::kTagValue;
  if (HasLineStartingWith(content, "spdxVersion:") || HasLineStartingWith(content, "bomFormat:")) {
    return Fail(SbomUnsupportedFormat(fmt::format(
        "The document looks like YAML, which is not read; upload {}.", kSupportedFormats)));
  }
  return Fail(SbomUnsupportedFormat(
      fmt::format("The document is not a recognised SBOM; upload {}.", kSupportedFormats)));
}

/// The JSON format the probe points to.
Result<Format> JsonFormat(const json::JsonProbe& probe) {
  if (!probe.root_is_object) {
    return Fail(SbomUnsupportedFormat(
        "The document is not a JSON object, so neither CycloneDX nor SPDX JSON."));
  }
  if (probe.has_bom_format) return Format::kCycloneDxJson;
  if (probe.has_spdx_version) return Format::kSpdxJson;
  if (probe.has_context) {
    return Fail(SbomUnsupportedFormat(
        "The document is JSON-LD (as SPDX 3 uses), which is not read; export it as SPDX 2.3 JSON "
        "or as CycloneDX."));
  }
  if (probe.has_spec_version) return Format::kCycloneDxJson;
  return Fail(SbomUnsupportedFormat(
      "The document is JSON but has neither \"bomFormat\" (CycloneDX) nor \"spdxVersion\" "
      "(SPDX) at the top level."));
}

bool IsGenericContentType(std::string_view media_type) {
  return media_type.empty() || media_type == "application/json" ||
         media_type == "application/xml" || media_type == "text/xml" ||
         media_type == "text/plain" || media_type == "application/octet-stream";
}

/// The media type of a Content-Type header: parameters dropped, trimmed, lower case.
std::string MediaTypeOf(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  return text::AsciiLower(text::Trim(content_type.substr(0, semicolon)));
}

/// Refuses a content type that is neither an SBOM format nor generic.
Result<std::optional<Format>> HintOf(std::string_view content_type) {
  const std::optional<Format> hint = FormatFromContentType(content_type);
  if (!hint && !IsGenericContentType(MediaTypeOf(content_type))) {
    return Fail(SbomUnsupportedFormat(
        fmt::format("The Content-Type {} is not an SBOM format; use "
                    "application/vnd.cyclonedx+json, application/vnd.cyclonedx+xml, "
                    "application/spdx+json or text/spdx.",
                    content_type)));
  }
  return hint;
}

Result<void> CheckSize(std::string_view bytes, const ReadOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return Fail(SbomTooLarge(bytes.size(), options.max_bytes));
  }
  return {};
}

/// Reads JSON of either format. `expected` (from a Content-Type or the caller's choice, named
/// `label` in messages) must then agree with the content.
Result<Document> ReadJson(std::string_view bytes, const ReadOptions& options,
                          std::optional<Format> expected, std::string_view label) {
  json::JsonInput input;
  if (auto opened = input.Open(bytes, options.readable_past_end); !opened)
    return Fail(std::move(opened.error()));
  Result<json::JsonProbe> probe = json::Probe(input);
  if (!probe) return Fail(std::move(probe.error()));
  Result<Format> format = JsonFormat(*probe);
  if (!format) {
    // Told what it should be, the reader for that format explains best what is missing.
    if (!expected || !probe->root_is_object) return Fail(std::move(format.error()));
    format = *expected;
  }
  if (expected && *format != *expected) {
    return Fail(SbomContentTypeMismatch(label, FormatName(*format)));
  }
  if (*format == Format::kSpdxJson) return ReadSpdxJsonDocument(input, *probe, options);
  return ReadCycloneDxJsonDocument(input, *probe, options);
}

Result<Document> ReadKnown(Format format, std::string_view bytes, const ReadOptions& options) {
  switch (format) {
    case Format::kCycloneDxJson:
    case Format::kSpdxJson:
      return ReadJson(bytes, options, format, FormatName(format));
    case Format::kCycloneDxXml:
      return ReadCycloneDxXmlText(bytes, options);
    case Format::kSpdxTagValue:
      return ReadSpdxTagValueText(bytes, options);
  }
  return Fail(Error::Internal("unknown SBOM format"));
}

/// The syntax a format is written in.
Syntax SyntaxOf(Format format) {
  switch (format) {
    case Format::kCycloneDxJson:
    case Format::kSpdxJson:
      return Syntax::kJson;
    case Format::kCycloneDxXml:
      return Syntax::kXml;
    case Format::kSpdxTagValue:
      return Syntax::kTagValue;
  }
  return Syntax::kJson;
}

/// Runs the reader of `format` after checking the size and that the content's syntax agrees.
Result<Document> ReadAs(Format format, std::string_view bytes, const ReadOptions& options) {
  if (auto size = CheckSize(bytes, options); !size) return Fail(std::move(size.error()));
  const Result<Syntax> syntax = SniffSyntax(bytes);
  if (syntax && *syntax != SyntaxOf(format)) {
    const std::string_view found = *syntax == Syntax::kJson  ? "JSON"
                                   : *syntax == Syntax::kXml ? "XML"
                                                             : "SPDX tag-value";
    return Fail(SbomUnsupportedFormat(
        fmt::format("The document is {}, not {}.", found, FormatName(format))));
  }
  return ReadKnown(format, bytes, options);
}

}  // namespace

std::optional<Format> FormatFromContentType(std::string_view content_type) {
  const std::string media_type = MediaTypeOf(content_type);
  if (media_type == "application/vnd.cyclonedx+json") return Format::kCycloneDxJson;
  if (media_type == "application/vnd.cyclonedx+xml") return Format::kCycloneDxXml;
  if (media_type == "application/spdx+json") return Format::kSpdxJson;
  if (media_type == "text/spdx") return Format::kSpdxTagValue;
  return std::nullopt;
}

Result<Format> DetectFormat(std::string_view bytes, std::string_view content_type) {
  Result<std::optional<Format>> hint = HintOf(content_type);
  if (!hint) return Fail(std::move(hint.error()));
  Result<Syntax> syntax = SniffSyntax(bytes);
  if (!syntax) {
    if (*hint) return **hint;
    return Fail(std::move(syntax.error()));
  }
  Format format = Format::kCycloneDxXml;
  if (*syntax == Syntax::kXml &&
      bytes.substr(0, 4096).find("http://cyclonedx.org/schema/bom/") == std::string_view::npos) {
    // Only the reader can be sure (the namespace may be declared late); this is a first look.
    return Fail(SbomUnsupportedFormat(
        "The document is XML but does not declare the CycloneDX namespace in its first 4 KB; "
        "SPDX RDF/XML is not read."));
  }
  if (*syntax == Syntax::kTagValue) format = Format::kSpdxTagValue;
  if (*syntax == Syntax::kJson) {
    json::JsonInput input;
    if (auto opened = input.Open(bytes); !opened) return Fail(std::move(opened.error()));
    Result<json::JsonProbe> probe = json::Probe(input);
    if (!probe) return Fail(std::move(probe.error()));
    Result<Format> json_format = JsonFormat(*probe);
    if (!json_format) return Fail(std::move(json_format.error()));
    format = *json_format;
  }
  if (*hint && **hint != format) {
    return Fail(SbomContentTypeMismatch(content_type, FormatName(format)));
  }
  return format;
}

Result<Document> ReadSbom(std::string_view bytes, const ReadOptions& options) {
  if (auto size = CheckSize(bytes, options); !size) return Fail(std::move(size.error()));
  Result<std::optional<Format>> hint = HintOf(options.content_type);
  if (!hint) return Fail(std::move(hint.error()));
  Result<Syntax> syntax = SniffSyntax(bytes);
  if (!syntax) {
    if (*hint) return ReadKnown(**hint, bytes, options);
    return Fail(std::move(syntax.error()));
  }
  const auto mismatch = [&](std::string_view found) {
    return Fail(SbomContentTypeMismatch(options.content_type, found));
  };
  switch (*syntax) {
    case Syntax::kJson: {
      if (*hint && SyntaxOf(**hint) != Syntax::kJson) return mismatch("JSON");
      return ReadJson(bytes, options, *hint, options.content_type);
    }
    case Syntax::kXml:
      if (*hint && **hint != Format::kCycloneDxXml) return mismatch("XML");
      return ReadCycloneDxXmlText(bytes, options);
    case Syntax::kTagValue:
      if (*hint && **hint != Format::kSpdxTagValue) {
        return mismatch(FormatName(Format::kSpdxTagValue));
      }
      return ReadSpdxTagValueText(bytes, options);
  }
  return Fail(Error::Internal("unknown syntax"));
}

Result<Document> ReadCycloneDxJson(std::string_view bytes, const ReadOptions& options) {
  return ReadAs(Format::kCycloneDxJson, bytes, options);
}

Result<Document> ReadCycloneDxXml(std::string_view bytes, const ReadOptions& options) {
  return ReadAs(Format::kCycloneDxXml, bytes, options);
}

Result<Document> ReadSpdxJson(std::string_view bytes, const ReadOptions& options) {
  return ReadAs(Format::kSpdxJson, bytes, options);
}

Result<Document> ReadSpdxTagValue(std::string_view bytes, const ReadOptions& options) {
  return ReadAs(Format::kSpdxTagValue, bytes, options);
}

}  // namespace sg::sbom
