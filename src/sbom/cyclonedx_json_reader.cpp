#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "sbom/cyclonedx_schema.hpp"
#include "sbom/document_builder.hpp"
#include "sbom/errors.hpp"
#include "sbom/json_input.hpp"
#include "sbom/json_readers.hpp"
#include "sbom/spdx_license_list.hpp"

namespace sg::sbom {
namespace {

namespace cdx = cyclonedx;
using cdx::Field;
using cdx::ObjectKind;
using json::FieldSet;
using simdjson::error_code;
using simdjson::ondemand::value;

/// Where a component read from the document goes.
enum class Placement {
  kModel,    // Document::components
  kSubject,  // Document::subject (metadata.component)
  kAside,    // checked and its bom-ref noted, but not an inventory entry (pedigree, tools)
};

/// One pass over a CycloneDX JSON document with simdjson On-Demand: every field is visited once,
/// in document order; fields the model does not keep are skipped without being parsed. Methods
/// return false to stop (the builder then holds the error).
class CycloneDxJsonReader : public json::Walker {
 public:
  CycloneDxJsonReader(json::JsonInput& input, DocumentBuilder& builder, cdx::Version version)
      : Walker(input, builder), version_(version) {}

  /// Reads the whole document (the root object), then checks nothing follows it.
  void Read(simdjson::ondemand::object& root) {
    if (ReadBom(root)) CheckNothingTrails();
  }

 private:
  bool ReadBom(simdjson::ondemand::object& root);

  bool Since(cdx::VersionSet versions) const { return cdx::Includes(versions, version_); }

  /// A reference (bom-ref, ref, dependsOn item): a string, non-empty from 1.5 on.
  bool ReadRef(value& json_value, std::optional<std::string_view>& out) {
    if (!ReadString(json_value, out)) return false;
    if (out && out->empty() && Since(cdx::kSince1_5)) {
      return Violation("minLength", "A reference must not be empty");
    }
    return true;
  }

  /// Calls `visit(field, value)` for each known field of an object of kind `kind`; unknown
  /// fields, fields of other versions and repeated fields are violations. `seen` says which
  /// fields were present.
  template <typename Visit>
  bool ForEachField(value& json_value, ObjectKind kind, FieldSet& seen, Visit&& visit) {
    simdjson::ondemand::object object;
    const error_code error = json_value.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) return TypeViolation("an object");
    if (error) return Malformed(error);
    return ForEachFieldOf(object, kind, seen, visit);
  }

  template <typename Visit>
  bool ForEachFieldOf(simdjson::ondemand::object& object, ObjectKind kind, FieldSet& seen,
                      Visit&& visit) {
    return ForEachMemberOf(object, [&](std::string_view key, value& member) {
      const cdx::FieldLookup lookup = cdx::LookupJsonField(kind, key, version_);
      if (!lookup.allowed) {
        return Violation("unknownField",
                         lookup.field == Field::kUnknown
                             ? fmt::format("\"{}\" is not a field of this object in CycloneDX {}",
                                           key, cdx::VersionName(version_))
                             : fmt::format("\"{}\" is not allowed here in CycloneDX {}", key,
                                           cdx::VersionName(version_)));
      }
      if (seen.test(static_cast<std::size_t>(lookup.field))) {
        return Violation("duplicateKey", fmt::format("\"{}\" appears twice", key));
      }
      seen[static_cast<std::size_t>(lookup.field)] = true;  // Field values are all below 128
      return visit(lookup.field, member);
    });
  }

  /// A violation for each field of `required` that `seen` lacks.
  bool RequireFields(const FieldSet& seen,
                     std::initializer_list<std::pair<Field, std::string_view>> required) {
    for (const auto& [field, name] : required) {
      if (!seen.test(static_cast<std::size_t>(field)) &&
          !Violation("required", fmt::format("The field \"{}\" is required", name))) {
        return false;
      }
    }
    return true;
  }

  bool CheckDepth(std::size_t depth) {
    if (depth <= builder_.options().max_nesting) return true;
    return builder_.Fail(SbomTooDeep(path_.Text(), builder_.options().max_nesting));
  }

  // --- the document ---------------------------------------------------------------------------

  bool ReadMetadata(value& json_value);
  bool ReadTools(value& json_value);
  bool ReadComponentList(value& json_value, std::optional<std::size_t> parent, std::size_t depth,
                         Placement placement);
  bool ReadComponent(value& json_value, Component& component, std::optional<std::size_t>& slot,
                     std::size_t depth, Placement placement, std::uint32_t ordinal);
  bool ReadHashes(value& json_value, std::span<const Hash>* out);
  bool ReadLicenses(value& json_value, std::span<const License>* out);
  bool ReadLicense(value& json_value, License& license);
  bool ReadAttachment(value& json_value);
  bool ReadProperties(value& json_value);
  bool ReadOrganizationalEntity(value& json_value, std::string_view* name);
  bool ReadContacts(value& json_value, std::string_view* names);
  bool ReadSwid(value& json_value);
  bool ReadPedigree(value& json_value, std::size_t depth);
  bool ReadPatches(value& json_value);
  bool ReadServiceList(value& json_value, std::size_t depth);
  bool ReadServiceData(value& json_value);
  bool ReadDependencies(value& json_value);
  bool ReadCitations(value& json_value);
  void NoteOtherRef(std::string_view ref) {
    if (!ref.empty()) builder_.AddOtherRef(ref, path_.Text());
  }

  /// Whether `id` is one of the licence ids already found in the SPDX list in this document
  /// (a few ids, MIT and Apache-2.0 above all, recur on every component).
  bool IsKnownListedId(std::string_view id) const {
    for (std::size_t index = 0; index < listed_id_count_; ++index) {
      if (listed_ids_[index] == id) return true;
    }
    return false;
  }

  void NoteListedId(std::string_view id) {
    listed_ids_[next_listed_id_] = id;
    next_listed_id_ = (next_listed_id_ + 1) % listed_ids_.size();
    listed_id_count_ = std::min(listed_id_count_ + 1, listed_ids_.size());
  }

  cdx::Version version_;
  // The hashes and licences of the list being read, before they go into the arena (neither
  // list nests inside itself).
  std::vector<Hash> hashes_;
  std::vector<License> licenses_;
  // Views into the document, which outlives the reader.
  std::array<std::string_view, 8> listed_ids_;
  std::size_t listed_id_count_ = 0;
  std::size_t next_listed_id_ = 0;
};

bool CycloneDxJsonReader::ReadBom(simdjson::ondemand::object& root) {
  FieldSet seen;
  const bool read = ForEachFieldOf(root, ObjectKind::kBom, seen, [&](Field field, value& item) {
    switch (field) {
      case Field::kSerialNumber: {
        std::optional<std::string_view> serial;
        if (!ReadString(item, serial)) return false;
        if (!serial) return true;
        builder_.document().serial_number.assign(*serial);
        if (!cdx::IsSerialNumber(*serial)) {
          return Violation("pattern", fmt::format("The serialNumber \"{}\" is not \"urn:uuid:\" "
                                                  "followed by a lower-case UUID",
                                                  *serial));
        }
        return true;
      }
      case Field::kVersion: {
        std::int64_t revision = 0;
        const error_code error = item.get_int64().get(revision);
        if (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_OUT_OF_RANGE ||
            error == simdjson::NUMBER_ERROR) {
          return TypeViolation("an integer");
        }
        if (error) return Malformed(error);
        builder_.document().document_version = revision;
        if (revision < 1 && Since(cdx::kSince1_5)) {
          return Violation("minimum", "The BOM version must be 1 or more");
        }
        return true;
      }
      case Field::kMetadata:
        return ReadMetadata(item);
      case Field::kComponents:
        return ReadComponentList(item, std::nullopt, 1, Placement::kModel);
      case Field::kServices:
        return ReadServiceList(item, 1);
      case Field::kDependencies:
        return ReadDependencies(item);
      case Field::kProperties:
        return ReadProperties(item);
      case Field::kCitations:
        return ReadCitations(item);
      default:
        // bomFormat and specVersion were checked by the probe; the rest is not modelled.
        return true;
    }
  });
  if (!read) return false;
  if (!Since(cdx::kSince1_5)) return RequireFields(seen, {{Field::kVersion, "version"}});
  return true;
}

bool CycloneDxJsonReader::ReadMetadata(value& json_value) {
  FieldSet seen;
  return ForEachField(json_value, ObjectKind::kMetadata, seen, [&](Field field, value& item) {
    switch (field) {
      case Field::kTimestamp: {
        std::optional<std::string_view> timestamp;
        if (!ReadString(item, timestamp)) return false;
        if (!timestamp) return true;
        builder_.document().created.assign(*timestamp);
        if (!cdx::IsDateTime(*timestamp, /*require_offset=*/true)) {
          return Violation("format",
                           fmt::format("The timestamp \"{}\" is not an RFC 3339 date-time such as "
                                       "2024-05-01T08:00:00Z",
                                       *timestamp));
        }
        return true;
      }
      case Field::kComponent: {
        Component subject;
        std::optional<std::size_t> slot;
        if (!ReadComponent(item, subject, slot, 1, Placement::kSubject, 0)) return false;
        builder_.SetSubject(std::move(subject), {});
        return true;
      }
      case Field::kTools:
        return ReadTools(item);
      case Field::kLicenses:
        return ReadLicenses(item, nullptr);
      case Field::kProperties:
        return ReadProperties(item);
      case Field::kSupplier:
      case Field::kManufacture:
      case Field::kManufacturer:
        return ReadOrganizationalEntity(item, nullptr);
      case Field::kAuthors:
        return ReadContacts(item, nullptr);
      default:
        return true;
    }
  });
}

bool CycloneDxJsonReader::ReadTools(value& json_value) {
  simdjson::ondemand::json_type type;
  if (const error_code error = json_value.type().get(type)) return Malformed(error);
  // 1.2–1.4: an array of tools. 1.5+: an object of components and services (the array is deprecated
  // but still valid).
  if (type == simdjson::ondemand::json_type::array) return true;
  if (!Since(cdx::kSince1_5)) return TypeViolation("an array");
  if (type != simdjson::ondemand::json_type::object) return TypeViolation("an object");
  simdjson::ondemand::object object;
  if (const error_code error = json_value.get_object().get(object)) return Malformed(error);
  for (auto field : object) {
    simdjson::ondemand::field member;
    if (const error_code error = std::move(field).get(member)) return Malformed(error);
    std::string_view key;
    if (const error_code error = member.unescaped_key().get(key)) return Malformed(error);
    path_.PushKey(key);
    bool keep_going = true;
    if (key == "components") {
      keep_going = ReadComponentList(member.value(), std::nullopt, 1, Placement::kAside);
    } else if (key == "services") {
      keep_going = ReadServiceList(member.value(), 1);
    } else {
      keep_going =
          Violation("unknownField", fmt::format("\"{}\" is not a field of metadata.tools", key));
    }
    path_.Pop();
    if (!keep_going) return false;
  }
  return true;
}

bool CycloneDxJsonReader::ReadComponentList(value& json_value, std::optional<std::size_t> parent,
                                            std::size_t depth, Placement placement) {
  if (!CheckDepth(depth)) return false;
  return ForEachElement(json_value, [&](value& item, std::size_t ordinal) {
    Component component;
    component.parent = parent;
    std::optional<std::size_t> slot;
    const auto position = static_cast<std::uint32_t>(ordinal);
    if (!ReadComponent(item, component, slot, depth, placement, position)) return false;
    if (placement != Placement::kModel) return true;
    if (slot) {
      builder_.document().components[*slot] = std::move(component);
    } else {
      builder_.AddComponent(std::move(component), {position});
    }
    return true;
  });
}

bool CycloneDxJsonReader::ReadComponent(value& json_value, Component& component,
                                        std::optional<std::size_t>& slot, std::size_t depth,
                                        Placement placement, std::uint32_t ordinal) {
  FieldSet seen;
  std::optional<bool> is_external;
  const bool read =
      ForEachField(json_value, ObjectKind::kComponent, seen, [&](Field field, value& item) {
        switch (field) {
          case Field::kType: {
            std::optional<std::string_view> type;
            if (!ReadString(item, type)) return false;
            if (!type) return true;
            if (const auto parsed = cdx::ParseComponentType(*type, version_)) {
              component.type = *parsed;
              return true;
            }
            component.type = ComponentType::kOther;
            return Violation(
                "notInEnum",
                fmt::format("The component type \"{}\" is not one of {} (CycloneDX {})", *type,
                            cdx::ComponentTypeList(version_), cdx::VersionName(version_)));
          }
          case Field::kBomRef: {
            std::optional<std::string_view> ref;
            if (!ReadRef(item, ref)) return false;
            if (!ref) return true;
            if (placement == Placement::kAside) {
              NoteOtherRef(*ref);
            } else {
              component.bom_ref = builder_.Keep(*ref);
            }
            return true;
          }
          case Field::kName:
            return KeepString(item, component.name);
          case Field::kVersion:
            return KeepString(item, component.version);
          case Field::kGroup:
            return KeepString(item, component.group);
          case Field::kPurl:
            return KeepString(item, component.purl);
          case Field::kPublisher:
            return KeepString(item, component.publisher);
          case Field::kAuthor:
            return KeepString(item, component.author);
          case Field::kVersionRange:
            return KeepString(item, component.version_range);
          case Field::kCpe: {
            std::optional<std::string_view> cpe;
            if (!ReadString(item, cpe)) return false;
            if (cpe) {
              const std::string_view kept = builder_.Keep(*cpe);
              component.cpes = builder_.Keep(std::array{kept});
            }
            return true;
          }
          case Field::kIsExternal:
            if (!ReadBool(item, is_external)) return false;
            component.is_external = is_external.value_or(false);
            return true;
          case Field::kScope: {
            std::optional<std::string_view> scope;
            if (!ReadString(item, scope)) return false;
            if (!scope) return true;
            if (const auto parsed = cdx::ParseScope(*scope)) {
              component.scope = *parsed;
              return true;
            }
            return Violation("notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kScope, *scope));
          }
          case Field::kHashes:
            return ReadHashes(item, &component.hashes);
          case Field::kLicenses:
            return ReadLicenses(item, &component.licenses);
          case Field::kSupplier:
            return ReadOrganizationalEntity(item, &component.supplier);
          case Field::kManufacturer:
            return ReadOrganizationalEntity(item, nullptr);
          case Field::kAuthors:
            return ReadContacts(item, component.author.empty() ? &component.author : nullptr);
          case Field::kSwid:
            return ReadSwid(item);
          case Field::kPedigree:
            return ReadPedigree(item, depth);
          case Field::kProperties:
            return ReadProperties(item);
          case Field::kComponents: {
            if (placement != Placement::kModel) {
              // Children of the subject are inventory too (top level, as the subject is not a
              // component); children of an aside component stay aside.
              const Placement child_placement =
                  placement == Placement::kSubject ? Placement::kModel : Placement::kAside;
              return ReadComponentList(item, std::nullopt, depth + 1, child_placement);
            }
            // The parent goes into the model before its children, so it needs its index now.
            if (!slot) {
              Component placeholder;
              placeholder.parent = component.parent;
              slot = builder_.AddComponent(std::move(placeholder), {ordinal});
            }
            return ReadComponentList(item, slot, depth + 1, Placement::kModel);
          }
          default:
            return true;
        }
      });
  if (!read) return false;
  if (!RequireFields(seen, {{Field::kType, "type"}, {Field::kName, "name"}})) return false;
  if (seen.test(static_cast<std::size_t>(Field::kVersion)) &&
      seen.test(static_cast<std::size_t>(Field::kVersionRange)) &&
      !Violation("oneOf", "A component may have a version or a versionRange, not both")) {
    return false;
  }
  if (seen.test(static_cast<std::size_t>(Field::kVersionRange)) && !is_external.value_or(false)) {
    return Violation("notAllowed",
                     "A versionRange is only allowed on a component with isExternal set to true");
  }
  return true;
}

bool CycloneDxJsonReader::ReadHashes(value& json_value, std::span<const Hash>* out) {
  hashes_.clear();
  const bool read = ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    Hash hash;
    bool known_algorithm = false;
    const bool read = ForEachField(item, ObjectKind::kHash, seen, [&](Field field, value& part) {
      std::optional<std::string_view> text;
      if (!ReadString(part, text)) return false;
      if (!text) return true;
      if (field == Field::kAlg) {
        if (const auto algorithm = cdx::ParseHashAlgorithm(*text, version_)) {
          hash.algorithm = *algorithm;
          known_algorithm = true;
          return true;
        }
        return Violation("notInEnum",
                         fmt::format("\"{}\" is not a CycloneDX {} hash algorithm (MD5, SHA-1, "
                                     "SHA-256, SHA-384, SHA-512, SHA3-*, BLAKE2b-*, BLAKE3…)",
                                     *text, cdx::VersionName(version_)));
      }
      hash.value = *text;  // kept below, once the entry is read
      if (!cdx::IsHashContent(*text)) {
        return Violation("pattern",
                         "A hash content must be 32, 40, 64, 96 or 128 hexadecimal digits");
      }
      return true;
    });
    if (!read || !RequireFields(seen, {{Field::kAlg, "alg"}, {Field::kContent, "content"}})) {
      return false;
    }
    if (out && known_algorithm) {
      hash.value = builder_.Keep(hash.value);
      hashes_.push_back(hash);
    }
    return true;
  });
  if (!read) return false;
  if (out) *out = builder_.Keep(hashes_);
  return true;
}

bool CycloneDxJsonReader::ReadLicenses(value& json_value, std::span<const License>* out) {
  licenses_.clear();
  std::size_t expressions = 0;
  std::size_t licenses = 0;
  const bool read = ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    License license;
    std::optional<LicenseAcknowledgement> acknowledgement;
    const bool item_read =
        ForEachField(item, ObjectKind::kLicenseChoice, seen, [&](Field field, value& part) {
          switch (field) {
            case Field::kLicense:
              return ReadLicense(part, license);
            case Field::kExpression: {
              license.form = LicenseForm::kExpression;
              return KeepString(part, license.value);
            }
            case Field::kAcknowledgement: {
              std::optional<std::string_view> text;
              if (!ReadString(part, text)) return false;
              if (!text) return true;
              acknowledgement = cdx::ParseAcknowledgement(*text);
              if (!acknowledgement) {
                return Violation("notInEnum",
                                 fmt::format("The acknowledgement \"{}\" is not declared or "
                                             "concluded",
                                             *text));
              }
              return true;
            }
            case Field::kBomRef: {
              std::optional<std::string_view> ref;
              if (!ReadRef(part, ref)) return false;
              if (ref) NoteOtherRef(*ref);
              return true;
            }
            default:
              return true;
          }
        });
    if (!item_read) return false;
    const bool has_license = seen.test(static_cast<std::size_t>(Field::kLicense));
    const bool has_expression = seen.test(static_cast<std::size_t>(Field::kExpression));
    if (has_license == has_expression) {
      return Violation("oneOf",
                       "Each entry of licenses must hold either a license or an expression");
    }
    if (has_license && seen.count() > 1) {
      return Violation("unknownField", "An entry holding a license may hold nothing else");
    }
    if (has_license) {
      ++licenses;
    } else {
      ++expressions;
      if (acknowledgement) license.acknowledgement = *acknowledgement;
    }
    if (out) licenses_.push_back(license);
    return true;
  });
  if (!read) return false;
  if (out) *out = builder_.Keep(licenses_);
  // 1.5 and 1.6 allow either licence objects or exactly one expression; 1.4 and 1.7 allow a mix.
  if ((version_ == cdx::Version::k1_5 || version_ == cdx::Version::k1_6) && expressions > 0 &&
      expressions + licenses > 1) {
    return Violation("oneOf",
                     fmt::format("In CycloneDX {}, licenses holds either licence objects "
                                 "or a single expression, not {} entries with {} "
                                 "expression(s)",
                                 cdx::VersionName(version_), expressions + licenses, expressions));
  }
  return true;
}

bool CycloneDxJsonReader::ReadLicense(value& json_value, License& license) {
  FieldSet seen;
  const bool read =
      ForEachField(json_value, ObjectKind::kLicense, seen, [&](Field field, value& part) {
        switch (field) {
          case Field::kId: {
            std::optional<std::string_view> id;
            if (!ReadString(part, id)) return false;
            if (!id) return true;
            license.form = LicenseForm::kId;
            license.value = builder_.Keep(*id);
            if (IsKnownListedId(*id)) return true;
            const auto listed = FindLicenseId(*id);
            if (!listed || *listed != *id) {
              return Violation(
                  "notInEnum",
                  fmt::format("\"{}\" is not an SPDX licence identifier (licence list {}){}", *id,
                              LicenseListVersion(),
                              listed ? fmt::format("; did you mean \"{}\"?", *listed)
                                     : std::string("; use \"name\" for a licence without one")));
            }
            NoteListedId(*id);
            return true;
          }
          case Field::kName:
            license.form = LicenseForm::kName;
            return KeepString(part, license.value);
          case Field::kText:
            return ReadAttachment(part);
          case Field::kAcknowledgement: {
            std::optional<std::string_view> text;
            if (!ReadString(part, text)) return false;
            if (!text) return true;
            if (const auto acknowledgement = cdx::ParseAcknowledgement(*text)) {
              license.acknowledgement = *acknowledgement;
              return true;
            }
            return Violation("notInEnum",
                             fmt::format("The acknowledgement \"{}\" is not declared or "
                                         "concluded",
                                         *text));
          }
          case Field::kBomRef: {
            std::optional<std::string_view> ref;
            if (!ReadRef(part, ref)) return false;
            if (ref) NoteOtherRef(*ref);
            return true;
          }
          case Field::kProperties:
            return ReadProperties(part);
          default:
            return true;
        }
      });
  if (!read) return false;
  const bool has_id = seen.test(static_cast<std::size_t>(Field::kId));
  const bool has_name = seen.test(static_cast<std::size_t>(Field::kName));
  if (has_id == has_name) {
    return Violation("oneOf", "A license must have either an id or a name (exactly one)");
  }
  return true;
}

bool CycloneDxJsonReader::ReadAttachment(value& json_value) {
  FieldSet seen;
  const bool read =
      ForEachField(json_value, ObjectKind::kAttachment, seen, [&](Field field, value& part) {
        std::optional<std::string_view> text;
        if (!ReadString(part, text)) return false;
        if (field == Field::kEncoding && text && !cdx::IsAttachmentEncoding(*text)) {
          return Violation("notInEnum",
                           fmt::format("The encoding \"{}\" is not base64 (the only encoding "
                                       "allowed)",
                                       *text));
        }
        return true;
      });
  return read && RequireFields(seen, {{Field::kContent, "content"}});
}

bool CycloneDxJsonReader::ReadProperties(value& json_value) {
  // Before 1.6 a property had no required or forbidden fields.
  if (!Since(cdx::kSince1_6)) return true;
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    const bool read = ForEachField(item, ObjectKind::kProperty, seen, [&](Field, value& part) {
      std::optional<std::string_view> text;
      return ReadString(part, text);
    });
    return read && RequireFields(seen, {{Field::kName, "name"}});
  });
}

bool CycloneDxJsonReader::ReadOrganizationalEntity(value& json_value, std::string_view* name) {
  FieldSet seen;
  return ForEachField(json_value, ObjectKind::kOrganizationalEntity, seen,
                      [&](Field field, value& part) {
                        if (field == Field::kName) {
                          std::optional<std::string_view> text;
                          if (!ReadString(part, text)) return false;
                          if (name && text) *name = builder_.Keep(*text);
                          return true;
                        }
                        if (field == Field::kBomRef) {
                          std::optional<std::string_view> ref;
                          if (!ReadRef(part, ref)) return false;
                          if (ref) NoteOtherRef(*ref);
                        }
                        return true;
                      });
}

bool CycloneDxJsonReader::ReadContacts(value& json_value, std::string_view* out) {
  std::string joined;
  std::string* const names = out ? &joined : nullptr;
  const bool read = ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    return ForEachField(item, ObjectKind::kOrganizationalContact, seen,
                        [&](Field field, value& part) {
                          if (field == Field::kName) {
                            std::optional<std::string_view> text;
                            if (!ReadString(part, text)) return false;
                            if (names && text && !text->empty()) {
                              if (!names->empty()) names->append(", ");
                              names->append(*text);
                            }
                            return true;
                          }
                          if (field == Field::kBomRef) {
                            std::optional<std::string_view> ref;
                            if (!ReadRef(part, ref)) return false;
                            if (ref) NoteOtherRef(*ref);
                          }
                          return true;
                        });
  });
  if (!read) return false;
  if (out && !joined.empty()) *out = builder_.Keep(joined);
  return true;
}

bool CycloneDxJsonReader::ReadSwid(value& json_value) {
  FieldSet seen;
  const bool read =
      ForEachField(json_value, ObjectKind::kSwid, seen, [&](Field field, value& part) {
        if (field == Field::kText) return ReadAttachment(part);
        return true;
      });
  return read && RequireFields(seen, {{Field::kTagId, "tagId"}, {Field::kName, "name"}});
}

bool CycloneDxJsonReader::ReadPedigree(value& json_value, std::size_t depth) {
  FieldSet seen;
  return ForEachField(json_value, ObjectKind::kPedigree, seen, [&](Field field, value& part) {
    switch (field) {
      case Field::kAncestors:
      case Field::kDescendants:
      case Field::kVariants:
        return ReadComponentList(part, std::nullopt, depth + 1, Placement::kAside);
      case Field::kPatches:
        return ReadPatches(part);
      default:
        return true;
    }
  });
}

bool CycloneDxJsonReader::ReadPatches(value& json_value) {
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    const bool read = ForEachField(item, ObjectKind::kPatch, seen, [&](Field field, value& part) {
      if (field == Field::kType) {
        std::optional<std::string_view> type;
        if (!ReadString(part, type)) return false;
        if (type && !cdx::IsOneOf(cdx::Enumeration::kPatchType, *type)) {
          return Violation("notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kPatchType, *type));
        }
        return true;
      }
      if (field != Field::kResolves) return true;
      return ForEachElement(part, [&](value& issue, std::size_t) {
        FieldSet issue_seen;
        const bool issue_read =
            ForEachField(issue, ObjectKind::kIssue, issue_seen, [&](Field issue_field, value& v) {
              if (issue_field != Field::kType) return true;
              std::optional<std::string_view> type;
              if (!ReadString(v, type)) return false;
              if (type && !cdx::IsOneOf(cdx::Enumeration::kIssueType, *type)) {
                return Violation("notInEnum",
                                 cdx::NotOneOfMessage(cdx::Enumeration::kIssueType, *type));
              }
              return true;
            });
        return issue_read && RequireFields(issue_seen, {{Field::kType, "type"}});
      });
    });
    return read && RequireFields(seen, {{Field::kType, "type"}});
  });
}

bool CycloneDxJsonReader::ReadServiceList(value& json_value, std::size_t depth) {
  if (!CheckDepth(depth)) return false;
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    const bool read = ForEachField(item, ObjectKind::kService, seen, [&](Field field, value& part) {
      switch (field) {
        case Field::kBomRef: {
          std::optional<std::string_view> ref;
          if (!ReadRef(part, ref)) return false;
          if (ref) NoteOtherRef(*ref);
          return true;
        }
        case Field::kName: {
          std::optional<std::string_view> name;
          return ReadString(part, name);
        }
        case Field::kData:
          return ForEachElement(part,
                                [&](value& data, std::size_t) { return ReadServiceData(data); });
        case Field::kServices:
          return ReadServiceList(part, depth + 1);
        case Field::kLicenses:
          return ReadLicenses(part, nullptr);
        case Field::kProperties:
          return ReadProperties(part);
        case Field::kProvider:
          return ReadOrganizationalEntity(part, nullptr);
        default:
          return true;
      }
    });
    return read && RequireFields(seen, {{Field::kName, "name"}});
  });
}

bool CycloneDxJsonReader::ReadServiceData(value& json_value) {
  FieldSet seen;
  const bool read =
      ForEachField(json_value, ObjectKind::kServiceData, seen, [&](Field field, value& part) {
        if (field == Field::kFlow) {
          std::optional<std::string_view> flow;
          if (!ReadString(part, flow)) return false;
          if (flow && !cdx::IsOneOf(cdx::Enumeration::kDataFlow, *flow)) {
            return Violation("notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kDataFlow, *flow));
          }
          return true;
        }
        if (field == Field::kClassification) {
          std::optional<std::string_view> classification;
          return ReadString(part, classification);
        }
        return true;
      });
  return read &&
         RequireFields(seen, {{Field::kFlow, "flow"}, {Field::kClassification, "classification"}});
}

bool CycloneDxJsonReader::ReadDependencies(value& json_value) {
  std::vector<std::pair<std::string_view, EdgeKind>> targets;
  std::vector<std::string_view> listed;
  return ForEachElement(json_value, [&](value& item, std::size_t ordinal) {
    FieldSet seen;
    std::string_view ref;
    targets.clear();
    const bool read =
        ForEachField(item, ObjectKind::kDependency, seen, [&](Field field, value& part) {
          if (field == Field::kRef) {
            std::optional<std::string_view> text;
            if (!ReadRef(part, text)) return false;
            if (text) ref = *text;
            return true;
          }
          const EdgeKind kind =
              field == Field::kProvides ? EdgeKind::kProvides : EdgeKind::kDependsOn;
          // The views stay valid: the padded text and simdjson's string buffer live until the
          // parse ends.
          listed.clear();
          const bool all_read = ForEachElement(part, [&](value& target, std::size_t) {
            std::optional<std::string_view> text;
            if (!ReadRef(target, text)) return false;
            if (!text) return true;
            listed.push_back(*text);
            targets.emplace_back(*text, kind);
            return true;
          });
          if (!all_read) return false;
          std::sort(listed.begin(), listed.end());
          const auto repeated = std::adjacent_find(listed.begin(), listed.end());
          if (repeated != listed.end()) {
            return Violation("uniqueItems",
                             fmt::format("\"{}\" is listed twice in this dependency", *repeated));
          }
          return true;
        });
    if (!read || !RequireFields(seen, {{Field::kRef, "ref"}})) return false;
    const auto origin = Origin{static_cast<std::uint32_t>(ordinal)};
    for (const auto& [target, kind] : targets) {
      builder_.AddEdge(ref, target, kind, origin, /*refs_outlive=*/true);
    }
    return true;
  });
}

bool CycloneDxJsonReader::ReadCitations(value& json_value) {
  return ForEachElement(json_value, [&](value& item, std::size_t) {
    FieldSet seen;
    const bool read =
        ForEachField(item, ObjectKind::kCitation, seen, [&](Field field, value& part) {
          switch (field) {
            case Field::kBomRef: {
              std::optional<std::string_view> ref;
              if (!ReadRef(part, ref)) return false;
              if (ref) NoteOtherRef(*ref);
              return true;
            }
            case Field::kTimestamp: {
              std::optional<std::string_view> timestamp;
              if (!ReadString(part, timestamp)) return false;
              if (timestamp && !cdx::IsDateTime(*timestamp, /*require_offset=*/true)) {
                return Violation("format",
                                 fmt::format("\"{}\" is not an RFC 3339 date-time", *timestamp));
              }
              return true;
            }
            case Field::kPointers:
            case Field::kExpressions: {
              std::size_t count = 0;
              bool is_array = false;
              const bool listed = ForEachElement(
                  part,
                  [&](value& entry, std::size_t) {
                    ++count;
                    std::optional<std::string_view> text;
                    return ReadString(entry, text);
                  },
                  &is_array);
              if (!listed) return false;
              if (is_array && count == 0)
                return Violation("minItems", "The list must not be empty");
              return true;
            }
            case Field::kAttributedTo:
            case Field::kProcess: {
              std::optional<std::string_view> ref;
              return ReadRef(part, ref);
            }
            default:
              return true;
          }
        });
    if (!read || !RequireFields(seen, {{Field::kTimestamp, "timestamp"}})) return false;
    if (!seen.test(static_cast<std::size_t>(Field::kAttributedTo)) &&
        !seen.test(static_cast<std::size_t>(Field::kProcess)) &&
        !Violation("anyOf", "A citation must name who it is attributed to or the process")) {
      return false;
    }
    if (seen.test(static_cast<std::size_t>(Field::kPointers)) ==
        seen.test(static_cast<std::size_t>(Field::kExpressions))) {
      return Violation("oneOf", "A citation has either pointers or expressions (exactly one)");
    }
    return true;
  });
}

}  // namespace

Result<Document> ReadCycloneDxJsonDocument(json::JsonInput& input, const json::JsonProbe& probe,
                                           const ReadOptions& options) {
  DocumentBuilder builder(Format::kCycloneDxJson, options);
  if (!probe.root_is_object) {
    return Fail(SbomInvalid("/", "type", "A CycloneDX document must be a JSON object"));
  }
  if (!probe.has_spec_version || !probe.spec_version) {
    return Fail(
        SbomInvalid("/specVersion", "required",
                    "The CycloneDX field \"specVersion\" (a string such as \"1.6\") is missing"));
  }
  const std::optional<cdx::Version> version = cdx::ParseVersion(*probe.spec_version);
  if (!version) {
    return Fail(SbomUnsupportedVersion(
        fmt::format("CycloneDX {} is not supported; export the SBOM as CycloneDX 1.4 or later "
                    "(1.2 and 1.3 are also read).",
                    *probe.spec_version)));
  }
  builder.document().spec_version = *probe.spec_version;
  if (!probe.has_bom_format) {
    if (!builder.Violation("/bomFormat", "required", "The field \"bomFormat\" is required")) {
      return builder.Finish();
    }
  } else if (probe.bom_format != "CycloneDX") {
    if (!builder.Violation("/bomFormat", "const",
                           "The field \"bomFormat\" must be \"CycloneDX\"")) {
      return builder.Finish();
    }
  }

  simdjson::ondemand::object root;
  if (const error_code error = input.document().get_object().get(root)) {
    return Fail(input.Malformed(error));
  }
  CycloneDxJsonReader reader(input, builder, *version);
  reader.Read(root);
  return builder.Finish();
}

}  // namespace sg::sbom
