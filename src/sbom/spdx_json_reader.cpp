#include <fmt/format.h>

#include <array>
#include <bitset>
#include <string>

#include "sbom/cyclonedx_schema.hpp"
#include "sbom/errors.hpp"
#include "sbom/json_input.hpp"
#include "sbom/json_readers.hpp"
#include "sbom/spdx_common.hpp"

namespace sg::sbom {
namespace {

using simdjson::error_code;
using simdjson::ondemand::value;

/// The keys of one SPDX JSON object kind (spdx-schema.json 2.3, additionalProperties false).
/// `since_2_3` marks keys SPDX 2.2 documents may not use.
struct KeySpec {
  std::string_view name;
  bool since_2_3 = false;
};

constexpr std::array<KeySpec, 17> kDocumentKeys = {{
    // "$schema" is not in the SPDX schema, but common generators (syft) write it.
    {"$schema"},
    {"SPDXID"},
    {"annotations"},
    {"comment"},
    {"creationInfo"},
    {"dataLicense"},
    {"documentDescribes"},
    {"documentNamespace"},
    {"externalDocumentRefs"},
    {"files"},
    {"hasExtractedLicensingInfos"},
    {"name"},
    {"packages"},
    {"relationships"},
    {"revieweds"},
    {"snippets"},
    {"spdxVersion"},
}};

constexpr std::array<KeySpec, 28> kPackageKeys = {{
    {"SPDXID"},
    {"annotations"},
    {"attributionTexts"},
    {"builtDate", true},
    {"checksums"},
    {"comment"},
    {"copyrightText"},
    {"description"},
    {"downloadLocation"},
    {"externalRefs"},
    {"filesAnalyzed"},
    {"hasFiles"},
    {"homepage"},
    {"licenseComments"},
    {"licenseConcluded"},
    {"licenseDeclared"},
    {"licenseInfoFromFiles"},
    {"name"},
    {"originator"},
    {"packageFileName"},
    {"packageVerificationCode"},
    {"primaryPackagePurpose", true},
    {"releaseDate", true},
    {"sourceInfo"},
    {"summary"},
    {"supplier"},
    {"validUntilDate", true},
    {"versionInfo"},
}};

constexpr std::array<KeySpec, 4> kCreationInfoKeys = {
    {{"comment"}, {"created"}, {"creators"}, {"licenseListVersion"}}};
constexpr std::array<KeySpec, 4> kExternalRefKeys = {
    {{"comment"}, {"referenceCategory"}, {"referenceLocator"}, {"referenceType"}}};
constexpr std::array<KeySpec, 2> kChecksumKeys = {{{"algorithm"}, {"checksumValue"}}};
constexpr std::array<KeySpec, 4> kRelationshipKeys = {
    {{"comment"}, {"relatedSpdxElement"}, {"relationshipType"}, {"spdxElementId"}}};

/// A small set of key positions seen in one object.
using Seen = std::bitset<32>;

/// One pass over an SPDX 2.2/2.3 JSON document; see the CycloneDX reader for the conventions.
class SpdxJsonReader : public json::Walker {
 public:
  SpdxJsonReader(json::JsonInput& input, spdx::Assembler& assembler, spdx::Version version)
      : Walker(input, assembler.builder()), assembler_(assembler), version_(version) {}

  void Read(simdjson::ondemand::object& root) {
    if (ReadDocument(root)) CheckNothingTrails();
  }

 private:
  /// Calls `visit(position, value)` for each member whose key is in `keys` (position = index in
  /// `keys`); other keys, 2.3 keys in a 2.2 document and repeated keys are violations.
  template <std::size_t N, typename Visit>
  bool ForEachKnown(value& json_value, const std::array<KeySpec, N>& keys, Seen& seen,
                    Visit&& visit) {
    simdjson::ondemand::object object;
    const error_code error = json_value.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("an object");
    if (error) return Malformed(error);
    return ForEachKnownOf(object, keys, seen, visit);
  }

  template <std::size_t N, typename Visit>
  bool ForEachKnownOf(simdjson::ondemand::object& object, const std::array<KeySpec, N>& keys,
                      Seen& seen, Visit&& visit) {
    return ForEachMemberOf(object, [&](std::string_view key, value& member) {
      const auto found = std::find_if(keys.begin(), keys.end(),
                                      [&](const KeySpec& spec) { return spec.name == key; });
      if (found == keys.end()) {
        return Violation("unknownField",
                         fmt::format("\"{}\" is not a field of this SPDX object", key));
      }
      if (found->since_2_3 && version_ == spdx::Version::k2_2) {
        return Violation("unknownField",
                         fmt::format("\"{}\" exists from SPDX 2.3 on, but the document says "
                                     "SPDX-2.2",
                                     key));
      }
      const auto position = static_cast<std::size_t>(found - keys.begin());
      if (seen.test(position)) {
        return Violation("duplicateKey", fmt::format("\"{}\" appears twice", key));
      }
      seen.set(position);
      return visit(found->name, member);
    });
  }

  template <std::size_t N>
  bool Require(const Seen& seen, const std::array<KeySpec, N>& keys,
               std::initializer_list<std::string_view> required) {
    for (const std::string_view name : required) {
      const auto found = std::find_if(keys.begin(), keys.end(),
                                      [&](const KeySpec& spec) { return spec.name == name; });
      if (!seen.test(static_cast<std::size_t>(found - keys.begin())) &&
          !Violation("required", fmt::format("The field \"{}\" is required", name))) {
        return false;
      }
    }
    return true;
  }

  bool ReadDocument(simdjson::ondemand::object& root);
  bool ReadCreationInfo(value& json_value);
  bool ReadPackage(value& json_value, std::size_t ordinal);
  bool ReadChecksums(value& json_value, ComponentDraft& package);
  bool ReadExternalRefs(value& json_value, ComponentDraft& package);
  bool ReadRelationships(value& json_value);
  bool ReadElementIds(value& json_value);

  spdx::Assembler& assembler_;
  ComponentDraft package_;  // the package being read (its lists' storage is reused)
  spdx::Version version_;
};

bool SpdxJsonReader::ReadDocument(simdjson::ondemand::object& root) {
  Seen seen;
  Document& document = builder_.document();
  const bool read =
      ForEachKnownOf(root, kDocumentKeys, seen, [&](std::string_view key, value& item) {
        if (key == "SPDXID") {
          std::optional<std::string_view> id;
          if (!ReadString(item, id)) return false;
          if (!id) return true;
          assembler_.SetDocumentId(*id);
          builder_.AddOtherRef(*id, path_.Text());
          if (*id != spdx::kDocumentId) {
            return Violation("const", "The document's SPDXID must be \"SPDXRef-DOCUMENT\"");
          }
          return true;
        }
        if (key == "dataLicense") {
          std::optional<std::string_view> license;
          if (!ReadString(item, license)) return false;
          if (license && *license != "CC0-1.0") {
            return Violation("const", "The dataLicense of an SPDX document must be \"CC0-1.0\"");
          }
          return true;
        }
        if (key == "name") return CopyString(item, document.name);
        if (key == "documentNamespace") return CopyString(item, document.serial_number);
        if (key == "creationInfo") return ReadCreationInfo(item);
        if (key == "documentDescribes") {
          return ForEachElement(item, [&](value& element, std::size_t) {
            std::string ref;
            if (!CopyString(element, ref)) return false;
            assembler_.AddDescribed(std::move(ref));
            return true;
          });
        }
        if (key == "packages") {
          return ForEachElement(item, [&](value& package, std::size_t ordinal) {
            return ReadPackage(package, ordinal);
          });
        }
        if (key == "files" || key == "snippets") return ReadElementIds(item);
        if (key == "relationships") return ReadRelationships(item);
        return true;
      });
  if (!read) return false;
  return Require(
      seen, kDocumentKeys,
      {"SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion", "documentNamespace"});
}

bool SpdxJsonReader::ReadCreationInfo(value& json_value) {
  Seen seen;
  const bool read =
      ForEachKnown(json_value, kCreationInfoKeys, seen, [&](std::string_view key, value& item) {
        if (key == "created") {
          std::optional<std::string_view> created;
          if (!ReadString(item, created)) return false;
          if (!created) return true;
          builder_.document().created.assign(*created);
          if (!cyclonedx::IsDateTime(*created, /*require_offset=*/true)) {
            return Violation(
                "format",
                fmt::format("\"{}\" is not a date-time such as 2024-05-01T08:00:00Z", *created));
          }
          return true;
        }
        if (key == "creators") {
          std::size_t count = 0;
          bool is_array = false;
          const bool listed = ForEachElement(
              item,
              [&](value& creator, std::size_t) {
                ++count;
                std::optional<std::string_view> text;
                return ReadString(creator, text);
              },
              &is_array);
          if (!listed) return false;
          if (is_array && count == 0)
            return Violation("minItems", "At least one creator is required");
          return true;
        }
        std::optional<std::string_view> text;
        return ReadString(item, text);
      });
  return read && Require(seen, kCreationInfoKeys, {"created", "creators"});
}

bool SpdxJsonReader::ReadPackage(value& json_value, std::size_t ordinal) {
  Seen seen;
  ComponentDraft& package = package_;
  package.Clear();
  Component& component = package.component;
  const bool read =
      ForEachKnown(json_value, kPackageKeys, seen, [&](std::string_view key, value& item) {
        if (key == "SPDXID") {
          if (!KeepString(item, component.bom_ref)) return false;
          if (!spdx::IsSpdxId(component.bom_ref)) {
            return Violation("pattern",
                             fmt::format("\"{}\" is not an SPDX identifier (SPDXRef- followed by "
                                         "letters, digits, '.' or '-')",
                                         component.bom_ref));
          }
          return true;
        }
        if (key == "name") {
          std::optional<std::string_view> name;
          if (!ReadString(item, name)) return false;
          if (!name) return true;
          component.name = builder_.Keep(*name);
          if (name->empty()) return Violation("minLength", "A package name must not be empty");
          return true;
        }
        if (key == "versionInfo") return KeepString(item, component.version);
        if (key == "supplier") return KeepString(item, component.supplier);
        if (key == "originator") return KeepString(item, component.author);
        if (key == "licenseConcluded" || key == "licenseDeclared") {
          std::optional<std::string_view> license;
          if (!ReadString(item, license)) return false;
          if (!license) return true;
          return assembler_.AddLicense(package, *license,
                                       key == "licenseConcluded"
                                           ? LicenseAcknowledgement::kConcluded
                                           : LicenseAcknowledgement::kDeclared,
                                       path_.Text());
        }
        if (key == "licenseInfoFromFiles") {
          return ForEachElement(item, [&](value& license, std::size_t) {
            std::optional<std::string_view> text;
            if (!ReadString(license, text)) return false;
            return !text || assembler_.CheckLicense(*text, path_.Text());
          });
        }
        if (key == "filesAnalyzed") {
          std::optional<bool> analysed;
          return ReadBool(item, analysed);
        }
        if (key == "primaryPackagePurpose") {
          std::optional<std::string_view> purpose;
          if (!ReadString(item, purpose)) return false;
          if (!purpose) return true;
          if (const auto type = spdx::ParsePurpose(*purpose)) {
            component.type = *type;
            return true;
          }
          return Violation("notInEnum",
                           fmt::format("\"{}\" is not an SPDX primaryPackagePurpose", *purpose));
        }
        if (key == "checksums") return ReadChecksums(item, package);
        if (key == "externalRefs") return ReadExternalRefs(item, package);
        if (key == "downloadLocation" || key == "packageFileName" || key == "homepage" ||
            key == "copyrightText" || key == "description" || key == "summary" ||
            key == "sourceInfo" || key == "comment" || key == "licenseComments" ||
            key == "releaseDate" || key == "builtDate" || key == "validUntilDate") {
          std::optional<std::string_view> text;
          return ReadString(item, text);
        }
        return true;
      });
  if (!read || !Require(seen, kPackageKeys, {"SPDXID", "name", "downloadLocation"})) return false;
  assembler_.AddPackage(package, {static_cast<std::uint32_t>(ordinal)});
  return true;
}

bool SpdxJsonReader::ReadChecksums(value& json_value, ComponentDraft& package) {
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    Seen seen;
    Hash hash;
    bool known = false;
    const bool read =
        ForEachKnown(item, kChecksumKeys, seen, [&](std::string_view key, value& part) {
          std::optional<std::string_view> text;
          if (!ReadString(part, text)) return false;
          if (!text) return true;
          if (key == "checksumValue") {
            hash.value = builder_.Keep(*text);
            return true;
          }
          if (const auto algorithm = spdx::ParseChecksumAlgorithm(*text)) {
            hash.algorithm = *algorithm;
            known = true;
            return true;
          }
          return Violation("notInEnum",
                           fmt::format("\"{}\" is not an SPDX checksum algorithm", *text));
        });
    if (!read || !Require(seen, kChecksumKeys, {"algorithm", "checksumValue"})) return false;
    if (known) package.hashes.push_back(hash);
    return true;
  });
}

bool SpdxJsonReader::ReadExternalRefs(value& json_value, ComponentDraft& package) {
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    Seen seen;
    std::string category;
    std::string type;
    std::string locator;
    const bool read =
        ForEachKnown(item, kExternalRefKeys, seen, [&](std::string_view key, value& part) {
          if (key == "referenceCategory") {
            if (!CopyString(part, category)) return false;
            if (!spdx::IsReferenceCategory(category)) {
              return Violation("notInEnum",
                               fmt::format("\"{}\" is not one of OTHER, SECURITY, PACKAGE-MANAGER, "
                                           "PERSISTENT-ID",
                                           category));
            }
            return true;
          }
          if (key == "referenceType") return CopyString(part, type);
          if (key == "referenceLocator") return CopyString(part, locator);
          std::optional<std::string_view> comment;
          return ReadString(part, comment);
        });
    if (!read || !Require(seen, kExternalRefKeys,
                          {"referenceCategory", "referenceLocator", "referenceType"})) {
      return false;
    }
    assembler_.AddExternalRef(package, category, type, locator);
    return true;
  });
}

bool SpdxJsonReader::ReadRelationships(value& json_value) {
  return ForEachElement(json_value, [&](value& item, std::size_t ordinal) {
    Seen seen;
    std::string from;
    std::string to;
    std::string type;
    const bool read =
        ForEachKnown(item, kRelationshipKeys, seen, [&](std::string_view key, value& part) {
          if (key == "spdxElementId") return CopyString(part, from);
          if (key == "relatedSpdxElement") return CopyString(part, to);
          if (key == "relationshipType") {
            if (!CopyString(part, type)) return false;
            if (!spdx::IsRelationshipType(type)) {
              return Violation("notInEnum",
                               fmt::format("\"{}\" is not an SPDX relationship type", type));
            }
            return true;
          }
          std::optional<std::string_view> comment;
          return ReadString(part, comment);
        });
    if (!read || !Require(seen, kRelationshipKeys,
                          {"spdxElementId", "relatedSpdxElement", "relationshipType"})) {
      return false;
    }
    if (spdx::IsRelationshipType(type)) {
      assembler_.AddRelationship(std::move(from), type, std::move(to),
                                 {static_cast<std::uint32_t>(ordinal)});
    }
    return true;
  });
}

bool SpdxJsonReader::ReadElementIds(value& json_value) {
  // Files and snippets are not modelled; their SPDXIDs are noted so that relationships to them
  // resolve and duplicates are caught.
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    bool has_id = false;
    const bool read = ForEachMember(item, [&](std::string_view key, value& part) {
      if (key != "SPDXID") return true;
      has_id = true;
      std::optional<std::string_view> id;
      if (!ReadString(part, id)) return false;
      if (id) builder_.AddOtherRef(*id, path_.Text());
      return true;
    });
    if (!read) return false;
    return has_id || Violation("required", "The field \"SPDXID\" is required");
  });
}

}  // namespace

Result<Document> ReadSpdxJsonDocument(json::JsonInput& input, const json::JsonProbe& probe,
                                      const ReadOptions& options) {
  DocumentBuilder builder(Format::kSpdxJson, options);
  if (!probe.spdx_version) {
    return Fail(SbomInvalid("/spdxVersion", "type",
                            "The SPDX field \"spdxVersion\" must be a string such as "
                            "\"SPDX-2.3\""));
  }
  const std::optional<spdx::Version> version = spdx::ParseVersion(*probe.spdx_version);
  if (!version)
    return Fail(SbomUnsupportedVersion(spdx::UnsupportedVersionMessage(*probe.spdx_version)));
  builder.document().spec_version = probe.spdx_version->substr(5);
  simdjson::ondemand::object root;
  if (const error_code error = input.document().get_object().get(root)) {
    return Fail(input.Malformed(error));
  }
  spdx::Assembler assembler(builder);
  SpdxJsonReader reader(input, assembler, *version);
  reader.Read(root);
  if (builder.failed()) return builder.Finish();
  return assembler.Finish();
}

}  // namespace sg::sbom
