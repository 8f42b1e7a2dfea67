#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

#include "core/text.hpp"
#include "sbom/cyclonedx_schema.hpp"
#include "sbom/errors.hpp"
#include "sbom/spdx_common.hpp"
#include "sbom/text_readers.hpp"

namespace sg::sbom {
namespace {

/// The element the tags that follow belong to.
enum class Section { kDocument, kPackage, kFile, kSnippet, kLicense };

/// Tags that are valid but carry nothing the model keeps, wherever they appear.
constexpr std::array<std::string_view, 38> kIgnoredTags = {
    "AnnotationComment",
    "AnnotationDate",
    "AnnotationType",
    "Annotator",
    "ArtifactOfProjectHomePage",
    "ArtifactOfProjectName",
    "ArtifactOfProjectURI",
    "CreatorComment",
    "DocumentComment",
    "ExternalDocumentRef",
    "ExternalRefComment",
    "ExtractedText",
    "FileAttributionText",
    "FileComment",
    "FileContributor",
    "FileCopyrightText",
    "FileDependency",
    "FileNotice",
    "FileType",
    "LicenseComment",
    "LicenseComments",
    "LicenseCrossReference",
    "LicenseListVersion",
    "LicenseName",
    "RelationshipComment",
    "ReviewComment",
    "ReviewDate",
    "Reviewer",
    "SPDXREF",
    "SnippetAttributionText",
    "SnippetByteRange",
    "SnippetComment",
    "SnippetCopyrightText",
    "SnippetFromFileSPDXID",
    "SnippetLicenseComments",
    "SnippetLineRange",
    "SnippetName",
    "FileChecksum",
};

/// Package tags that carry nothing the model keeps.
constexpr std::array<std::string_view, 12> kIgnoredPackageTags = {
    "PackageAttributionText",  "PackageComment",          "PackageCopyrightText",
    "PackageDescription",      "PackageFileName",         "PackageHomePage",
    "PackageLicenseComments",  "PackageSourceInfo",       "PackageSummary",
    "PackageVerificationCode", "PackageDownloadLocation", "FilesAnalyzed",
};

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool IsTagChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/// Reads SPDX tag-value line by line: "Tag: value", with <text>…</text> values that may span
/// lines, "#" comments and blank lines.
class TagValueReader {
 public:
  TagValueReader(std::string_view text, spdx::Assembler& assembler)
      : text_(text), assembler_(assembler), builder_(assembler.builder()) {}

  bool Read();

 private:
  struct Line {
    std::string_view tag;
    std::string_view value;
    std::uint32_t number = 0;
  };

  std::string Where(std::uint32_t line) const { return fmt::format("line {}", line); }
  bool Violation(std::uint32_t line, std::string_view rule, std::string_view message) {
    return builder_.Violation(Where(line), rule, message);
  }

  /// The next tag and value, or nothing at the end. False (with the error set) when a line is
  /// not "Tag: value".
  bool NextLine(std::optional<Line>& out);
  bool Handle(const Line& line);
  bool HandlePackageTag(const Line& line);
  bool CloseSection();
  bool Finish();

  std::string_view text_;
  std::size_t position_ = 0;
  std::uint32_t line_number_ = 0;
  spdx::Assembler& assembler_;
  DocumentBuilder& builder_;
  spdx::Version version_ = spdx::Version::k2_3;

  Section section_ = Section::kDocument;
  ComponentDraft draft_;
  Component& package_ = draft_.component;
  std::uint32_t package_line_ = 0;
  bool package_has_id_ = false;
  bool package_has_download_location_ = false;

  bool has_version_ = false;
  bool has_data_license_ = false;
  bool has_document_id_ = false;
  bool has_name_ = false;
  bool has_namespace_ = false;
  bool has_created_ = false;
  std::size_t creators_ = 0;
};

bool TagValueReader::NextLine(std::optional<Line>& out) {
  out.reset();
  while (position_ < text_.size()) {
    std::size_t end = text_.find('\n', position_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view raw = text_.substr(position_, end - position_);
    position_ = end + 1;
    ++line_number_;
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    const std::string_view line = text::Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t colon = line.find(':');
    const std::string_view tag = line.substr(0, colon == std::string_view::npos ? 0 : colon);
    if (colon == std::string_view::npos || tag.empty() ||
        !std::all_of(tag.begin(), tag.end(), IsTagChar)) {
      return builder_.Fail(SbomMalformed(
          fmt::format("Line {} is not an SPDX tag-value line (\"Tag: value\"): \"{}\".",
                      line_number_, line.substr(0, 80))));
    }
    Line result{tag, text::Trim(line.substr(colon + 1)), line_number_};
    if (result.value.starts_with("<text>")) {
      // A <text> value runs to the next </text>, across lines.
      const std::size_t value_start =
          static_cast<std::size_t>(result.value.data() - text_.data()) + 6;
      const std::size_t close = text_.find("</text>", value_start);
      if (close == std::string_view::npos) {
        return builder_.Fail(SbomMalformed(fmt::format(
            "The <text> value of {} on line {} is never closed with </text>.", tag, line_number_)));
      }
      result.value = text_.substr(value_start, close - value_start);
      const std::size_t close_end = close + 7;
      for (std::size_t at = position_; at < close_end && at < text_.size(); ++at) {
        if (text_[at] == '\n') ++line_number_;
      }
      if (close_end > position_) {
        std::size_t line_end = text_.find('\n', close_end);
        if (line_end == std::string_view::npos) line_end = text_.size();
        if (!text::Trim(text_.substr(close_end, line_end - close_end)).empty()) {
          return builder_.Fail(
              SbomMalformed(fmt::format("Line {} has text after </text>.", line_number_)));
        }
        position_ = line_end + 1;
      }
    }
    out = result;
    return true;
  }
  return true;
}

bool TagValueReader::Read() {
  // The version decides which tags are allowed, so find it first.
  std::optional<Line> line;
  while (NextLine(line) && line) {
    if (line->tag != "SPDXVersion") continue;
    const auto version = spdx::ParseVersion(line->value);
    if (!version) {
      return builder_.Fail(SbomUnsupportedVersion(spdx::UnsupportedVersionMessage(line->value)));
    }
    version_ = *version;
    builder_.document().spec_version = std::string(line->value.substr(5));
    break;
  }
  if (builder_.failed()) return false;
  position_ = 0;
  line_number_ = 0;
  while (true) {
    if (!NextLine(line)) return false;
    if (!line) break;
    if (!Handle(*line)) return false;
  }
  return CloseSection() && Finish();
}

bool TagValueReader::Handle(const Line& line) {
  const std::string_view tag = line.tag;
  const std::string_view value = line.value;
  Document& document = builder_.document();
  if (tag == "SPDXVersion") {
    has_version_ = true;
    return true;
  }
  if (tag == "DataLicense") {
    has_data_license_ = true;
    if (value != "CC0-1.0") {
      return Violation(line.number, "const", "The DataLicense of an SPDX document must be CC0-1.0");
    }
    return true;
  }
  if (tag == "DocumentName") {
    has_name_ = true;
    document.name = std::string(value);
    return true;
  }
  if (tag == "DocumentNamespace") {
    has_namespace_ = true;
    document.serial_number = std::string(value);
    return true;
  }
  if (tag == "Creator") {
    ++creators_;
    return true;
  }
  if (tag == "Created") {
    has_created_ = true;
    document.created = std::string(value);
    if (!cyclonedx::IsDateTime(value, /*require_offset=*/true)) {
      return Violation(
          line.number, "format",
          fmt::format("\"{}\" is not a date-time such as 2024-05-01T08:00:00Z", value));
    }
    return true;
  }
  if (tag == "PackageName") {
    if (!CloseSection()) return false;
    section_ = Section::kPackage;
    draft_.Clear();
    package_.name = builder_.Keep(value);
    package_line_ = line.number;
    return true;
  }
  if (tag == "FileName") {
    if (!CloseSection()) return false;
    section_ = Section::kFile;
    return true;
  }
  if (tag == "SnippetSPDXID") {
    if (!CloseSection()) return false;
    section_ = Section::kSnippet;
    builder_.AddOtherRef(value, Where(line.number));
    return true;
  }
  if (tag == "LicenseID") {
    if (!CloseSection()) return false;
    section_ = Section::kLicense;
    return true;
  }
  if (tag == "SPDXID") {
    switch (section_) {
      case Section::kDocument:
        has_document_id_ = true;
        assembler_.SetDocumentId(value);
        builder_.AddOtherRef(value, Where(line.number));
        if (value != spdx::kDocumentId) {
          return Violation(line.number, "const", "The document's SPDXID must be SPDXRef-DOCUMENT");
        }
        return true;
      case Section::kPackage:
        package_has_id_ = true;
        package_.bom_ref = builder_.Keep(value);
        if (!spdx::IsSpdxId(value)) {
          return Violation(line.number, "pattern",
                           fmt::format("\"{}\" is not an SPDX identifier (SPDXRef- followed by "
                                       "letters, digits, '.' or '-')",
                                       value));
        }
        return true;
      case Section::kFile:
        builder_.AddOtherRef(value, Where(line.number));
        return true;
      case Section::kSnippet:
      case Section::kLicense:
        return Violation(line.number, "unexpectedTag", "SPDXID is not expected here");
    }
  }
  if (tag == "Relationship") {
    // "SPDXRef-A TYPE SPDXRef-B"
    std::array<std::string_view, 3> parts;
    std::size_t count = 0;
    std::string_view rest = value;
    while (!rest.empty() && count <= parts.size()) {
      const std::size_t space = rest.find_first_of(" \t");
      const std::string_view part = rest.substr(0, space);
      if (!part.empty()) {
        if (count == parts.size()) {
          ++count;
          break;
        }
        parts[count++] = part;
      }
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    if (count != 3) {
      return Violation(line.number, "format",
                       "A Relationship is written \"SPDXRef-A TYPE SPDXRef-B\"");
    }
    if (!spdx::IsRelationshipType(parts[1])) {
      return Violation(line.number, "notInEnum",
                       fmt::format("\"{}\" is not an SPDX relationship type", parts[1]));
    }
    assembler_.AddRelationship(std::string(parts[0]), parts[1], std::string(parts[2]),
                               {line.number});
    return true;
  }
  if (tag == "LicenseConcluded" || tag == "LicenseInfoInFile" || tag == "SnippetLicenseConcluded" ||
      tag == "LicenseInfoInSnippet") {
    if (section_ != Section::kFile && section_ != Section::kSnippet) {
      return Violation(line.number, "unexpectedTag",
                       fmt::format("{} belongs to a file or snippet", tag));
    }
    return assembler_.CheckLicense(value, Where(line.number));
  }
  if (tag.starts_with("Package") || tag == "ExternalRef" || tag == "PrimaryPackagePurpose" ||
      tag == "ReleaseDate" || tag == "BuiltDate" || tag == "ValidUntilDate" ||
      tag == "FilesAnalyzed") {
    if (section_ != Section::kPackage) {
      return Violation(line.number, "unexpectedTag",
                       fmt::format("{} appears outside a package (after PackageName)", tag));
    }
    return HandlePackageTag(line);
  }
  if (Contains(kIgnoredTags, tag)) return true;
  return Violation(line.number, "unknownTag",
                   fmt::format("\"{}\" is not an SPDX {} tag", tag,
                               version_ == spdx::Version::k2_2 ? "2.2" : "2.3"));
}

bool TagValueReader::HandlePackageTag(const Line& line) {
  const std::string_view tag = line.tag;
  const std::string_view value = line.value;
  const bool since_2_3 = tag == "PrimaryPackagePurpose" || tag == "ReleaseDate" ||
                         tag == "BuiltDate" || tag == "ValidUntilDate";
  if (since_2_3 && version_ == spdx::Version::k2_2) {
    return Violation(
        line.number, "unknownTag",
        fmt::format("{} exists from SPDX 2.3 on, but the document says SPDX-2.2", tag));
  }
  if (tag == "PackageVersion") {
    package_.version = builder_.Keep(value);
  } else if (tag == "PackageSupplier") {
    package_.supplier = builder_.Keep(value);
  } else if (tag == "PackageOriginator") {
    package_.author = builder_.Keep(value);
  } else if (tag == "PackageDownloadLocation") {
    package_has_download_location_ = true;
  } else if (tag == "FilesAnalyzed") {
    if (value != "true" && value != "false") {
      return Violation(line.number, "type", "FilesAnalyzed is true or false");
    }
  } else if (tag == "PackageChecksum") {
    // "SHA1: 85ed0817af83a24ad8da68c2b5094de69833983c"
    const std::size_t colon = value.find(':');
    const std::string_view algorithm = text::Trim(value.substr(0, colon));
    const auto parsed = spdx::ParseChecksumAlgorithm(algorithm);
    if (colon == std::string_view::npos || !parsed) {
      return Violation(line.number, "notInEnum",
                       fmt::format("\"{}\" is not \"ALGORITHM: value\" with an SPDX checksum "
                                   "algorithm",
                                   value));
    }
    draft_.hashes.push_back({*parsed, builder_.Keep(text::Trim(value.substr(colon + 1)))});
  } else if (tag == "PackageLicenseConcluded" || tag == "PackageLicenseDeclared") {
    return assembler_.AddLicense(draft_, value,
                                 tag == "PackageLicenseConcluded"
                                     ? LicenseAcknowledgement::kConcluded
                                     : LicenseAcknowledgement::kDeclared,
                                 Where(line.number));
  } else if (tag == "PackageLicenseInfoFromFiles") {
    return assembler_.CheckLicense(value, Where(line.number));
  } else if (tag == "ExternalRef") {
    // "CATEGORY TYPE LOCATOR"
    const std::size_t first = value.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : value.find(' ', first + 1);
    if (second == std::string_view::npos) {
      return Violation(line.number, "format",
                       "An ExternalRef is written \"CATEGORY TYPE LOCATOR\"");
    }
    const std::string_view category = value.substr(0, first);
    if (!spdx::IsReferenceCategory(category)) {
      return Violation(line.number, "notInEnum",
                       fmt::format("\"{}\" is not one of OTHER, SECURITY, PACKAGE-MANAGER, "
                                   "PERSISTENT-ID",
                                   category));
    }
    assembler_.AddExternalRef(draft_, category, value.substr(first + 1, second - first - 1),
                              text::Trim(value.substr(second + 1)));
  } else if (tag == "PrimaryPackagePurpose") {
    const auto type = spdx::ParsePurpose(value);
    if (!type) {
      return Violation(line.number, "notInEnum",
                       fmt::format("\"{}\" is not an SPDX primaryPackagePurpose", value));
    }
    package_.type = *type;
  } else if (!Contains(kIgnoredPackageTags, tag) && tag != "ReleaseDate" && tag != "BuiltDate" &&
             tag != "ValidUntilDate") {
    return Violation(line.number, "unknownTag",
                     fmt::format("\"{}\" is not an SPDX package tag", tag));
  }
  return true;
}

bool TagValueReader::CloseSection() {
  if (section_ == Section::kPackage) {
    if (!package_has_id_ && !Violation(package_line_, "required", "The package needs an SPDXID")) {
      return false;
    }
    if (!package_has_download_location_ &&
        !Violation(package_line_, "required", "The package needs a PackageDownloadLocation")) {
      return false;
    }
    if (package_.name.empty() &&
        !Violation(package_line_, "required", "The package needs a PackageName")) {
      return false;
    }
    assembler_.AddPackage(draft_, {package_line_});
    package_has_id_ = false;
    package_has_download_location_ = false;
  }
  section_ = Section::kDocument;
  return true;
}

bool TagValueReader::Finish() {
  const std::array<std::pair<bool, std::string_view>, 7> required = {{
      {has_version_, "SPDXVersion"},
      {has_data_license_, "DataLicense"},
      {has_document_id_, "SPDXID"},
      {has_name_, "DocumentName"},
      {has_namespace_, "DocumentNamespace"},
      {creators_ > 0, "Creator"},
      {has_created_, "Created"},
  }};
  for (const auto& [present, tag] : required) {
    if (!present &&
        !builder_.Violation("line 1", "required",
                            fmt::format("The document has no {} tag, which is required", tag))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<Document> ReadSpdxTagValueText(std::string_view bytes, const ReadOptions& options) {
  DocumentBuilder builder(Format::kSpdxTagValue, options);
  if (!text::IsValidUtf8(bytes)) {
    return Fail(SbomMalformed("The document is not UTF-8 text; save it as UTF-8."));
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  spdx::Assembler assembler(builder);
  TagValueReader reader(bytes, assembler);
  if (!reader.Read()) return builder.Finish();
  return assembler.Finish();
}

}  // namespace sg::sbom
