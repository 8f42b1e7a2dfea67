#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sg::registry {

/// The four registry collections.
enum class EntityKind { kAgency, kVendor, kSystem, kContract };

std::optional<EntityKind> ParseEntityKind(std::string_view collection_or_kind);
/// The collection's name in URLs and imports: agencies, vendors, systems, contracts.
std::string_view CollectionName(EntityKind kind);

/// How a field's text is read and how it is stored.
enum class FieldType {
  kText,         // free text, stored as is
  kCode,         // an identifier: no spaces inside
  kTaxId,        // 統一編號, checksum-validated
  kBool,         // 是/否, Y/N, true/false; stored 0/1
  kLevel,        // 普/中/高 or normal/medium/high; stored 0/1/2
  kAgencyLevel,  // A–E
  kAgencyKind,
  kServiceType,
  kAmount,          // non-negative integer NT$
  kDate,            // ISO or ROC date, stored YYYY-MM-DD
  kCertifications,  // "ISO 27001:2027-05-01;CMMI", stored as a JSON array
  kReference,       // the natural key of another record (agency_code, vendor_tax_id, parent_code)
  kReferenceList,   // natural keys of other records, stored in a link table
};

/// One field of a record: its JSON/CSV English name, Chinese header, type and storage.
struct FieldDef {
  std::string_view name;
  std::string_view chinese;
  FieldType type;
  bool required;
  std::size_t max_length = 200;
  /// kText…kCertifications: the column. kReference: the foreign-key column (agency_id).
  std::string_view column = {};
  /// kReference / kReferenceList: the referenced entity (its natural key column is implied).
  std::optional<EntityKind> target = std::nullopt;
  /// kReferenceList: link table and its owner / member columns.
  std::string_view link_table = {};
  std::string_view link_owner = {};
  std::string_view link_member = {};
  /// Error code for a reference to a record that does not exist.
  std::string_view unknown_code = {};
};

/// A registry entity: its table, natural key and fields, in the order of the import columns.
struct EntityDef {
  EntityKind kind;
  std::string_view table;
  std::string_view key_field;  // natural key's JSON name (also its column)
  std::span<const FieldDef> fields;
  /// Fields a list may be sorted by besides the natural key; all scalar fields are allowed.
  const FieldDef* Find(std::string_view name) const;
  const FieldDef& Key() const { return *Find(key_field); }
};

const EntityDef& Definition(EntityKind kind);

/// Canonical field name for a CSV header cell: the English name or the Chinese label, any case.
std::optional<std::string_view> CanonicalHeader(const EntityDef& entity, std::string_view header);

/// The value of one field in canonical JSON form: string, bool, int64, string array, or the
/// certification array; null for an empty optional field.
using FieldValues = boost::json::object;

/// Reads one field's text (a CSV cell or a form value) into its canonical JSON value, or the
/// error code saying why it cannot be read (required, invalidTaxId, notANumber, ...).
std::expected<boost::json::value, std::string> ParseFieldText(const FieldDef& field,
                                                              std::string_view text);

/// Undoes what spreadsheet programs do to a cell before it is parsed: a 統一編號 typed as a number
/// loses its leading zeros (04595252 → 4595252), so all-digit tax ids (also in lists) shorter than
/// 8 digits get them back. Other cells are returned unchanged.
std::string NormaliseSpreadsheetCell(const FieldDef& field, std::string_view text);

/// Checks a JSON request value for one field: type (wrongType) and content (as ParseFieldText).
/// Returns the canonical value.
std::expected<boost::json::value, std::string> ParseFieldJson(const FieldDef& field,
                                                              const boost::json::value& value);

/// Rules that span fields, applied to a complete record (all fields present): an end date
/// before the start date; the derived protection level. Adds derived fields to `record`.
FieldErrors CheckRecord(const EntityDef& entity, FieldValues& record);

/// A human sentence for a field error code, for import reports and CLI output.
std::string DescribeFieldError(std::string_view code, const FieldDef& field);

}  // namespace sg::registry
