#include "registry/entity.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "core/text.hpp"
#include "domain/rules.hpp"

namespace sg::registry {
namespace {

namespace json = boost::json;
using domain::Level;

constexpr FieldDef kAgencyFields[] = {
    {.name = "code",
     .chinese = "機關代碼",
     .type = FieldType::kCode,
     .required = true,
     .max_length = 40,
     .column = "code"},
    {.name = "name",
     .chinese = "機關名稱",
     .type = FieldType::kText,
     .required = true,
     .column = "name"},
    {.name = "parent_code",
     .chinese = "上級機關代碼",
     .type = FieldType::kReference,
     .required = false,
     .max_length = 40,
     .column = "parent_id",
     .target = EntityKind::kAgency,
     .unknown_code = "unknownAgency"},
    {.name = "level",
     .chinese = "資安責任等級",
     .type = FieldType::kAgencyLevel,
     .required = true,
     .column = "level"},
    {.name = "kind",
     .chinese = "機關類型",
     .type = FieldType::kAgencyKind,
     .required = true,
     .column = "kind"},
};

constexpr FieldDef kVendorFields[] = {
    {.name = "tax_id",
     .chinese = "統一編號",
     .type = FieldType::kTaxId,
     .required = true,
     .max_length = 8,
     .column = "tax_id"},
    {.name = "name",
     .chinese = "廠商名稱",
     .type = FieldType::kText,
     .required = true,
     .column = "name"},
    {.name = "prc_capital",
     .chinese = "陸資",
     .type = FieldType::kBool,
     .required = false,
     .column = "prc_capital"},
    {.name = "certifications",
     .chinese = "驗證",
     .type = FieldType::kCertifications,
     .required = false,
     .max_length = 2000,
     .column = "certifications"},
    {.name = "subcontractors",
     .chinese = "分包廠商",
     .type = FieldType::kReferenceList,
     .required = false,
     .max_length = 8,
     .target = EntityKind::kVendor,
     .link_table = "vendor_subcontractors",
     .link_owner = "vendor_id",
     .link_member = "subcontractor_id",
     .unknown_code = "unknownVendor"},
};

constexpr FieldDef kSystemFields[] = {
    {.name = "agency_code",
     .chinese = "機關代碼",
     .type = FieldType::kReference,
     .required = true,
     .max_length = 40,
     .column = "agency_id",
     .target = EntityKind::kAgency,
     .unknown_code = "unknownAgency"},
    {.name = "system_id",
     .chinese = "系統代碼",
     .type = FieldType::kCode,
     .required = true,
     .max_length = 60,
     .column = "system_id"},
    {.name = "name",
     .chinese = "系統名稱",
     .type = FieldType::kText,
     .required = true,
     .column = "name"},
    {.name = "confidentiality",
     .chinese = "機密性",
     .type = FieldType::kLevel,
     .required = true,
     .column = "confidentiality"},
    {.name = "integrity",
     .chinese = "完整性",
     .type = FieldType::kLevel,
     .required = true,
     .column = "integrity"},
    {.name = "availability",
     .chinese = "可用性",
     .type = FieldType::kLevel,
     .required = true,
     .column = "availability"},
    {.name = "legal",
     .chinese = "法律遵循性",
     .type = FieldType::kLevel,
     .required = true,
     .column = "legal"},
    {.name = "core",
     .chinese = "核心系統",
     .type = FieldType::kBool,
     .required = false,
     .column = "core"},
    {.name = "ci",
     .chinese = "關鍵基礎設施",
     .type = FieldType::kBool,
     .required = false,
     .column = "ci"},
};

constexpr FieldDef kContractFields[] = {
    {.name = "contract_id",
     .chinese = "契約編號",
     .type = FieldType::kCode,
     .required = true,
     .max_length = 60,
     .column = "contract_id"},
    {.name = "agency_code",
     .chinese = "機關代碼",
     .type = FieldType::kReference,
     .required = true,
     .max_length = 40,
     .column = "agency_id",
     .target = EntityKind::kAgency,
     .unknown_code = "unknownAgency"},
    {.name = "vendor_tax_id",
     .chinese = "統一編號",
     .type = FieldType::kReference,
     .required = true,
     .max_length = 8,
     .column = "vendor_id",
     .target = EntityKind::kVendor,
     .unknown_code = "unknownVendor"},
    {.name = "title",
     .chinese = "案名",
     .type = FieldType::kText,
     .required = true,
     .max_length = 300,
     .column = "title"},
    {.name = "service_type",
     .chinese = "資服類型",
     .type = FieldType::kServiceType,
     .required = true,
     .column = "service_type"},
    {.name = "amount",
     .chinese = "金額",
     .type = FieldType::kAmount,
     .required = true,
     .column = "amount"},
    {.name = "start_date",
     .chinese = "起始日",
     .type = FieldType::kDate,
     .required = true,
     .column = "start_date"},
    {.name = "end_date",
     .chinese = "結束日",
     .type = FieldType::kDate,
     .required = true,
     .column = "end_date"},
    {.name = "system_ids",
     .chinese = "系統代碼",
     .type = FieldType::kReferenceList,
     .required = false,
     .max_length = 60,
     .target = EntityKind::kSystem,
     .link_table = "contract_systems",
     .link_owner = "contract_id",
     .link_member = "system_id",
     .unknown_code = "unknownSystem"},
    {.name = "joint_audit_clause",
     .chinese = "聯合稽核條款",
     .type = FieldType::kBool,
     .required = false,
     .column = "joint_audit_clause"},
    {.name = "remote_maintenance",
     .chinese = "遠端維護",
     .type = FieldType::kBool,
     .required = false,
     .column = "remote_maintenance"},
    {.name = "subcontractor_tax_ids",
     .chinese = "分包廠商",
     .type = FieldType::kReferenceList,
     .required = false,
     .max_length = 8,
     .target = EntityKind::kVendor,
     .link_table = "contract_subcontractors",
     .link_owner = "contract_id",
     .link_member = "vendor_id",
     .unknown_code = "unknownVendor"},
};

const EntityDef kEntities[] = {
    {EntityKind::kAgency, "agencies", "code", kAgencyFields},
    {EntityKind::kVendor, "vendors", "tax_id", kVendorFields},
    {EntityKind::kSystem, "systems", "system_id", kSystemFields},
    {EntityKind::kContract, "contracts", "contract_id", kContractFields},
};

using FieldResult = std::expected<json::value, std::string>;

std::unexpected<std::string> Invalid(std::string code) {
  return std::unexpected<std::string>(std::move(code));
}

FieldResult ParseAmount(std::string_view text) {
  std::string digits;
  for (const char character : text) {
    if (character == ',') continue;  // spreadsheets write 1,200,000
    digits.push_back(character);
  }
  if (digits.ends_with(".0")) digits.resize(digits.size() - 2);
  bool negative = !digits.empty() && digits.front() == '-';
  std::int64_t amount = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
  if (error == std::errc::result_out_of_range) return Invalid("tooLarge");
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return Invalid(negative ? "mustNotBeNegative" : "notANumber");
  }
  if (amount < 0) return Invalid("mustNotBeNegative");
  if (amount > 1'000'000'000'000'000LL) return Invalid("tooLarge");
  return json::value(amount);
}

FieldResult ParseCertifications(std::string_view text) {
  json::array certifications;
  for (const std::string& part : text::SplitList(text, ';')) {
    json::object certification;
    std::string_view entry = part;
    // The expiry is after the last ':' when what follows is a date (names may contain ':').
    const auto colon = entry.rfind(':');
    if (colon != std::string_view::npos) {
      const auto expiry = domain::ParseDate(entry.substr(colon + 1));
      if (!expiry) return Invalid("invalidDate");
      certification["name"] = text::Trim(entry.substr(0, colon));
      certification["expires_on"] = domain::ToIsoDate(*expiry);
    } else {
      certification["name"] = text::Trim(entry);
      certification["expires_on"] = nullptr;
    }
    if (certification["name"].as_string().empty()) return Invalid("invalidValue");
    certifications.push_back(std::move(certification));
  }
  return json::value(std::move(certifications));
}

}  // namespace

std::optional<EntityKind> ParseEntityKind(std::string_view name) {
  for (const EntityDef& entity : kEntities) {
    if (entity.table == name) return entity.kind;
  }
  return std::nullopt;
}

std::string_view CollectionName(EntityKind kind) { return Definition(kind).table; }

const FieldDef* EntityDef::Find(std::string_view name) const {
  for (const FieldDef& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const EntityDef& Definition(EntityKind kind) { return kEntities[static_cast<int>(kind)]; }

std::optional<std::string_view> CanonicalHeader(const EntityDef& entity, std::string_view header) {
  const std::string_view trimmed = text::Trim(header);
  const std::string lowered = text::AsciiLower(trimmed);
  for (const FieldDef& field : entity.fields) {
    if (lowered == field.name || trimmed == field.chinese) return field.name;
  }
  return std::nullopt;
}

std::expected<json::value, std::string> ParseFieldText(const FieldDef& field,
                                                       std::string_view raw) {
  const std::string_view value = text::Trim(raw);
  if (value.empty()) {
    if (field.required) return Invalid("required");
    switch (field.type) {
      case FieldType::kBool:
        return json::value(false);
      case FieldType::kReferenceList:
      case FieldType::kCertifications:
        return json::value(json::array());
      default:
        return json::value(nullptr);
    }
  }
  if (!text::IsValidUtf8(value)) return Invalid("invalidEncoding");
  if (field.type != FieldType::kReferenceList && field.type != FieldType::kCertifications &&
      text::CodePointCount(value) > field.max_length) {
    return Invalid("tooLong");
  }
  switch (field.type) {
    case FieldType::kText:
      return json::value(json::string(value));
    case FieldType::kCode:
      for (const char character : value) {
        if (character == ' ' || character == '\t' || character == ';' || character == ',') {
          return Invalid("invalidCode");
        }
      }
      return json::value(json::string(value));
    case FieldType::kTaxId:
      if (!domain::IsValidTaxId(value)) return Invalid("invalidTaxId");
      return json::value(json::string(value));
    case FieldType::kBool: {
      const auto parsed = domain::ParseYesNo(value);
      if (!parsed) return Invalid("notABoolean");
      return json::value(*parsed);
    }
    case FieldType::kLevel: {
      const auto parsed = domain::ParseLevel(value);
      if (!parsed) return Invalid("invalidLevel");
      return json::value(json::string(domain::ToString(*parsed)));
    }
    case FieldType::kAgencyLevel: {
      const auto parsed = domain::ParseResponsibilityLevel(value);
      if (!parsed) return Invalid("invalidValue");
      return json::value(json::string(domain::ToString(*parsed)));
    }
    case FieldType::kAgencyKind: {
      const auto parsed = domain::ParseAgencyKind(value);
      if (!parsed) return Invalid("invalidValue");
      return json::value(json::string(domain::ToString(*parsed)));
    }
    case FieldType::kServiceType: {
      const auto parsed = domain::ParseServiceType(value);
      if (!parsed) return Invalid("invalidValue");
      return json::value(json::string(domain::ToString(*parsed)));
    }
    case FieldType::kAmount:
      return ParseAmount(value);
    case FieldType::kDate: {
      const auto parsed = domain::ParseDate(value);
      if (!parsed) return Invalid("invalidDate");
      return json::value(json::string(domain::ToIsoDate(*parsed)));
    }
    case FieldType::kCertifications:
      return ParseCertifications(value);
    case FieldType::kReference:
      if (field.target == EntityKind::kVendor && !domain::IsValidTaxId(value)) {
        return Invalid("invalidTaxId");
      }
      return json::value(json::string(value));
    case FieldType::kReferenceList: {
      json::array keys;
      for (const std::string& key : text::SplitList(value, ';')) {
        if (field.target == EntityKind::kVendor && !domain::IsValidTaxId(key)) {
          return Invalid("invalidTaxId");
        }
        if (text::CodePointCount(key) > field.max_length) return Invalid("tooLong");
        bool seen = false;
        for (const auto& existing : keys) seen = seen || existing.as_string() == key;
        if (!seen) keys.emplace_back(json::string(key));
      }
      // Canonical order: stored lists come back sorted, so equal sets compare equal.
      std::sort(keys.begin(), keys.end(), [](const json::value& left, const json::value& right) {
        return left.as_string() < right.as_string();
      });
      return json::value(std::move(keys));
    }
  }
  return Invalid("invalidValue");
}

std::string NormaliseSpreadsheetCell(const FieldDef& field, std::string_view raw) {
  const bool tax_ids =
      field.type == FieldType::kTaxId ||
      ((field.type == FieldType::kReference || field.type == FieldType::kReferenceList) &&
       field.target == EntityKind::kVendor);
  if (!tax_ids) return std::string(raw);
  auto pad = [](std::string_view key) {
    const std::string_view trimmed = text::Trim(key);
    const bool digits = !trimmed.empty() && trimmed.size() < 8 &&
                        trimmed.find_first_not_of("0123456789") == std::string_view::npos;
    return digits ? std::string(8 - trimmed.size(), '0') + std::string(trimmed)
                  : std::string(trimmed);
  };
  if (field.type != FieldType::kReferenceList) return pad(raw);
  std::string joined;
  for (const std::string& key : text::SplitList(raw, ';')) {
    if (!joined.empty()) joined.push_back(';');
    joined += pad(key);
  }
  return joined;
}

std::expected<json::value, std::string> ParseFieldJson(const FieldDef& field,
                                                       const json::value& value) {
  if (value.is_null()) return ParseFieldText(field, "");
  switch (field.type) {
    case FieldType::kBool:
      if (!value.is_bool()) return Invalid("wrongType");
      return value;
    case FieldType::kAmount:
      if (value.is_int64()) {
        if (value.as_int64() < 0) return Invalid("mustNotBeNegative");
        return ParseAmount(std::to_string(value.as_int64()));
      }
      if (value.is_uint64()) return Invalid("tooLarge");
      if (value.is_double()) return Invalid("notAnInteger");
      return Invalid("wrongType");
    case FieldType::kReferenceList: {
      if (!value.is_array()) return Invalid("wrongType");
      std::string joined;
      for (const auto& element : value.as_array()) {
        if (!element.is_string()) return Invalid("wrongType");
        const std::string_view key = element.as_string();
        if (key.find(';') != std::string_view::npos) return Invalid("invalidCode");
        joined.append(key).push_back(';');
      }
      return ParseFieldText(field, joined);
    }
    case FieldType::kCertifications: {
      if (!value.is_array()) return Invalid("wrongType");
      json::array certifications;
      for (const auto& element : value.as_array()) {
        if (!element.is_object()) return Invalid("wrongType");
        const auto& object = element.as_object();
        const auto* name = object.if_contains("name");
        if (!name || !name->is_string() || text::Trim(name->as_string()).empty()) {
          return Invalid("invalidValue");
        }
        for (const auto& [key, unused] : object) {
          if (key != "name" && key != "expires_on") return Invalid("unknownField");
        }
        json::object certification;
        certification["name"] = text::Trim(name->as_string());
        certification["expires_on"] = nullptr;
        if (const auto* expiry = object.if_contains("expires_on"); expiry && !expiry->is_null()) {
          if (!expiry->is_string()) return Invalid("wrongType");
          const auto parsed = domain::ParseDate(expiry->as_string());
          if (!parsed) return Invalid("invalidDate");
          certification["expires_on"] = domain::ToIsoDate(*parsed);
        }
        certifications.push_back(std::move(certification));
      }
      return json::value(std::move(certifications));
    }
    default:
      if (!value.is_string()) return Invalid("wrongType");
      return ParseFieldText(field, value.as_string());
  }
}

FieldErrors CheckRecord(const EntityDef& entity, FieldValues& record) {
  FieldErrors errors;
  if (entity.kind == EntityKind::kContract) {
    const auto* start = record.if_contains("start_date");
    const auto* end = record.if_contains("end_date");
    if (start && end && start->is_string() && end->is_string() &&
        end->as_string() < start->as_string()) {
      errors["end_date"].push_back("endBeforeStart");
    }
  }
  if (entity.kind == EntityKind::kSystem) {
    Level highest = Level::kNormal;
    for (const std::string_view rating :
         {"confidentiality", "integrity", "availability", "legal"}) {
      const auto* value = record.if_contains(rating);
      if (!value || !value->is_string()) continue;
      if (const auto level = domain::ParseLevel(value->as_string())) {
        highest = std::max(highest, *level);
      }
    }
    record["protection_level"] = domain::ToString(highest);
  }
  if (entity.kind == EntityKind::kVendor) {
    const auto* tax_id = record.if_contains("tax_id");
    const auto* subcontractors = record.if_contains("subcontractors");
    if (tax_id && subcontractors && subcontractors->is_array()) {
      for (const auto& subcontractor : subcontractors->as_array()) {
        if (subcontractor == *tax_id) errors["subcontractors"].push_back("selfReference");
      }
    }
  }
  if (entity.kind == EntityKind::kAgency) {
    const auto* code = record.if_contains("code");
    const auto* parent = record.if_contains("parent_code");
    if (code && parent && *code == *parent) errors["parent_code"].push_back("selfReference");
  }
  return errors;
}

std::string DescribeFieldError(std::string_view code, const FieldDef& field) {
  struct Description {
    std::string_view code;
    std::string_view text;
  };
  static constexpr Description kDescriptions[] = {
      {"required", "is required"},
      {"invalidTaxId", "is not a valid 統一編號 (8 digits with a valid checksum)"},
      {"notABoolean", "must be yes or no (是/否, Y/N, true/false)"},
      {"invalidLevel", "must be 普, 中 or 高 (normal, medium, high)"},
      {"invalidValue", "is not one of the accepted values"},
      {"notANumber", "is not a whole number"},
      {"notAnInteger", "must be a whole number of NT$"},
      {"mustNotBeNegative", "must not be negative"},
      {"tooLarge", "is too large"},
      {"invalidDate", "is not a date (2026-11-21 or ROC 115/11/21)"},
      {"tooLong", "is too long"},
      {"invalidCode", "must not contain spaces, commas or semicolons"},
      {"invalidEncoding", "is not valid text"},
      {"wrongType", "has the wrong type"},
      {"unknownField", "is not a field of this record"},
      {"unknownAgency", "names an agency that does not exist"},
      {"unknownVendor", "names a vendor that does not exist"},
      {"unknownSystem", "names a system that does not exist"},
      {"endBeforeStart", "is before the start date"},
      {"selfReference", "refers to the record itself"},
      {"duplicateInFile", "repeats a key given earlier in the file"},
      {"cycle", "would make an agency its own ancestor"},
      {"forbidden", "is outside what you may change"},
      {"readOnly", "may not be changed by you"},
  };
  for (const auto& description : kDescriptions) {
    if (description.code == code) {
      return std::string(field.name) + " " + std::string(description.text);
    }
  }
  return std::string(field.name) + " is invalid";
}

}  // namespace sg::registry
