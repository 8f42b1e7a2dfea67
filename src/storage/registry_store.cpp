#include "storage/registry_store.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <string>
#include <unordered_map>

#include "domain/rules.hpp"

namespace sg::storage {
namespace {

namespace json = boost::json;
using registry::EntityDef;
using registry::EntityKind;
using registry::FieldDef;
using registry::FieldType;

// ---------------------------------------------------------------------------------------------
// SQL fragments. Scope fragments use the markers :tenant, :today and :window, bound as
// parameters by SqlBuilder; no value is ever spliced into SQL text.

constexpr std::string_view kAgencySubtree =
    "(WITH RECURSIVE subtree(id) AS (SELECT id FROM agencies WHERE id = :tenant "
    "UNION SELECT a.id FROM agencies a JOIN subtree s ON a.parent_id = s.id) "
    "SELECT id FROM subtree)";

constexpr std::string_view kVendorContracts =
    "(SELECT c.id FROM contracts c WHERE c.deleted_at IS NULL AND (c.vendor_id = :tenant OR "
    "c.id IN (SELECT contract_id FROM contract_subcontractors WHERE vendor_id = :tenant)))";

/// The contracts an auditor's current assignments name (or, for an assignment that names none,
/// all of its vendor's contracts).
constexpr std::string_view kAuditorContracts =
    "(SELECT c.id FROM contracts c JOIN audit_assignments aa ON aa.auditor_id = :tenant AND "
    "aa.revoked_at IS NULL AND aa.starts_on <= :today AND aa.ends_on >= :today WHERE "
    "c.deleted_at IS NULL AND (c.id IN (SELECT ac.contract_id FROM audit_assignment_contracts ac "
    "WHERE ac.assignment_id = aa.id) OR (c.vendor_id = aa.vendor_id AND NOT EXISTS (SELECT 1 FROM "
    "audit_assignment_contracts ac WHERE ac.assignment_id = aa.id))))";

/// What an auditor reads: the assigned vendors, the assigned contracts, the systems they cover
/// and the agencies that own them.
std::string AuditorFragment(EntityKind kind) {
  switch (kind) {
    case EntityKind::kAgency:
      return fmt::format("e.id IN (SELECT agency_id FROM contracts WHERE id IN {})",
                         kAuditorContracts);
    case EntityKind::kVendor:
      return "e.id IN (SELECT aa.vendor_id FROM audit_assignments aa WHERE aa.auditor_id = "
             ":tenant AND aa.revoked_at IS NULL AND aa.starts_on <= :today AND aa.ends_on >= "
             ":today)";
    case EntityKind::kSystem:
      return fmt::format("e.id IN (SELECT system_id FROM contract_systems WHERE contract_id IN {})",
                         kAuditorContracts);
    case EntityKind::kContract:
      return fmt::format("e.id IN {}", kAuditorContracts);
  }
  return "1=0";
}

/// Scope predicates per entity, for agency and vendor tenants. `e` is the entity's alias.

std::string ScopeFragment(EntityKind kind, Scope::Kind scope) {
  if (scope == Scope::Kind::kEverything) return "1=1";
  if (scope == Scope::Kind::kNothing) return "1=0";
  if (scope == Scope::Kind::kAuditor) return AuditorFragment(kind);
  const bool agency = scope == Scope::Kind::kAgency;
  switch (kind) {
    case EntityKind::kAgency:
      return agency ? fmt::format("e.id IN {}", kAgencySubtree)
                    : fmt::format("e.id IN (SELECT agency_id FROM contracts WHERE id IN {})",
                                  kVendorContracts);
    case EntityKind::kVendor:
      return agency ? fmt::format(
                          "(e.id IN (SELECT vendor_id FROM contracts WHERE deleted_at IS NULL AND "
                          "agency_id IN {0}) OR e.id IN (SELECT cs.vendor_id FROM "
                          "contract_subcontractors cs JOIN contracts c ON c.id = cs.contract_id "
                          "WHERE c.deleted_at IS NULL AND c.agency_id IN {0}))",
                          kAgencySubtree)
                    : "e.id = :tenant";
    case EntityKind::kSystem:
      return agency ? fmt::format("e.agency_id IN {}", kAgencySubtree)
                    : fmt::format(
                          "e.id IN (SELECT cs.system_id FROM contract_systems cs JOIN contracts c "
                          "ON c.id = cs.contract_id WHERE c.id IN {} AND c.start_date <= :today "
                          "AND c.end_date >= :window)",
                          kVendorContracts);
    case EntityKind::kContract:
      return agency ? fmt::format("e.agency_id IN {}", kAgencySubtree)
                    : fmt::format("e.id IN {}", kVendorContracts);
  }
  return "1=0";
}

constexpr std::string_view KeyColumnOf(EntityKind kind) {
  switch (kind) {
    case EntityKind::kAgency:
      return "code";
    case EntityKind::kVendor:
      return "tax_id";
    case EntityKind::kSystem:
      return "system_id";
    case EntityKind::kContract:
      return "contract_id";
  }
  return "id";
}

std::string_view TableOf(EntityKind kind) { return registry::Definition(kind).table; }

/// `fragment` with its scope markers replaced by placeholders of parameters appended to `params`.
std::string BindScopeMarkers(std::string_view fragment, const Scope& scope,
                             std::vector<Param>& params) {
  std::string text(fragment);
  const std::pair<std::string_view, Param> markers[] = {
      {":tenant", Param{scope.tenant_id}},
      {":today", Param{scope.today}},
      {":window", Param{scope.vendor_window_start}},
  };
  for (const auto& [marker, value] : markers) {
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker)) {
      params.push_back(value);
      text.replace(at, marker.size(), fmt::format("${}", params.size()));
    }
  }
  return text;
}

/// Builds a statement and its parameters together, numbering placeholders as it goes.
class SqlBuilder {
 public:
  std::string Bind(Param param) {
    params_.push_back(std::move(param));
    return fmt::format("${}", params_.size());
  }
  /// Appends a fragment, replacing its scope markers by bound parameters.
  void AppendScoped(std::string_view fragment, const Scope& scope) {
    sql_ += BindScopeMarkers(fragment, scope, params_);
  }
  void Append(std::string_view fragment) { sql_ += fragment; }
  const std::string& sql() const { return sql_; }
  const std::vector<Param>& params() const { return params_; }

 private:
  std::string sql_;
  std::vector<Param> params_;
};

/// The SELECT list of an entity: id, every scalar and reference field, timestamps.
std::string SelectList(const EntityDef& entity) {
  std::string list = "e.id";
  for (const FieldDef& field : entity.fields) {
    if (field.type == FieldType::kReferenceList) continue;
    if (field.type == FieldType::kReference) {
      list += fmt::format(", (SELECT t.{} FROM {} t WHERE t.id = e.{})", KeyColumnOf(*field.target),
                          TableOf(*field.target), field.column);
    } else {
      list += fmt::format(", e.{}", field.column);
    }
  }
  if (entity.kind == EntityKind::kSystem) list += ", e.protection_level";
  list += ", e.created_at, e.updated_at";
  return list;
}

json::value ColumnToJson(FieldType type, const std::optional<std::string>& cell) {
  if (!cell) {
    if (type == FieldType::kCertifications) return json::array();
    return nullptr;
  }
  switch (type) {
    case FieldType::kBool:
      return *cell == "1" || *cell == "t";
    case FieldType::kLevel:
      return json::string(domain::ToString(static_cast<domain::Level>(std::stoi(*cell))));
    case FieldType::kAmount:
      return static_cast<std::int64_t>(std::stoll(*cell));
    case FieldType::kCertifications: {
      boost::system::error_code error;
      auto parsed = json::parse(*cell, error);
      return error ? json::value(json::array()) : parsed;
    }
    default:
      return json::string(*cell);
  }
}

Param JsonToColumn(FieldType type, const json::value& value) {
  if (value.is_null()) return nullptr;
  switch (type) {
    case FieldType::kBool:
      return std::int64_t{value.as_bool() ? 1 : 0};
    case FieldType::kLevel:
      return std::int64_t{static_cast<int>(*domain::ParseLevel(value.as_string()))};
    case FieldType::kAmount:
      return value.as_int64();
    case FieldType::kCertifications:
      return json::serialize(value);
    default:
      return std::string(value.as_string());
  }
}

json::object RowToRecord(const EntityDef& entity, const Row& row) {
  json::object record;
  std::size_t column = 0;
  record["id"] = row[column++].value_or("");
  for (const FieldDef& field : entity.fields) {
    if (field.type == FieldType::kReferenceList) {
      record[field.name] = json::array();
      continue;
    }
    record[field.name] = ColumnToJson(field.type, row[column++]);
  }
  if (entity.kind == EntityKind::kSystem) {
    record["protection_level"] = ColumnToJson(FieldType::kLevel, row[column++]);
  }
  record["created_at"] = row[column++].value_or("");
  record["updated_at"] = row[column++].value_or("");
  return record;
}

Result<std::int64_t> KeyToId(Connection& connection, EntityKind kind, std::string_view key) {
  const std::string sql = fmt::format("SELECT id FROM {} WHERE {} = $1 AND deleted_at IS NULL",
                                      TableOf(kind), KeyColumnOf(kind));
  auto found = connection.Query(sql, {std::string(key)});
  if (!found) return std::unexpected(found.error());
  if (found->rows.empty()) return Fail(Error::NotFound(fmt::format("{} not found", key)));
  return std::stoll(*found->rows[0][0]);
}

/// Fills the reference-list fields of `records` (keyed by id) with one query per field.
Result<void> LoadLists(Connection& connection, const EntityDef& entity,
                       std::unordered_map<std::string, json::object*>& by_id) {
  if (by_id.empty()) return {};
  for (const FieldDef& field : entity.fields) {
    if (field.type != FieldType::kReferenceList) continue;
    SqlBuilder builder;
    builder.Append(fmt::format(
        "SELECT l.{0}, t.{1} FROM {2} l JOIN {3} t ON t.id = l.{4} WHERE t.deleted_at IS NULL "
        "AND l.{0} IN (",
        field.link_owner, KeyColumnOf(*field.target), field.link_table, TableOf(*field.target),
        field.link_member));
    bool first = true;
    for (const auto& [id, unused] : by_id) {
      if (!first) builder.Append(", ");
      first = false;
      builder.Append(builder.Bind(std::int64_t{std::stoll(id)}));
    }
    builder.Append(
        fmt::format(") ORDER BY l.{0}, t.{1}", field.link_owner, KeyColumnOf(*field.target)));
    auto rows = connection.Query(builder.sql(), builder.params());
    if (!rows) return std::unexpected(rows.error());
    for (const Row& row : rows->rows) {
      if (auto found = by_id.find(*row[0]); found != by_id.end()) {
        (*found->second)[field.name].as_array().emplace_back(json::string(*row[1]));
      }
    }
  }
  return {};
}

/// The SQL expression a list may sort by for `name`, or empty when it is not sortable.
std::string SortExpression(const EntityDef& entity, std::string_view name) {
  if (name == "id" || name == "created_at" || name == "updated_at") {
    return fmt::format("e.{}", name);
  }
  if (entity.kind == EntityKind::kSystem && name == "protection_level") {
    return "e.protection_level";
  }
  const FieldDef* field = entity.Find(name);
  if (!field || field->type == FieldType::kReferenceList ||
      field->type == FieldType::kCertifications) {
    return {};
  }
  if (field->type == FieldType::kReference) {
    return fmt::format("(SELECT t.{} FROM {} t WHERE t.id = e.{})", KeyColumnOf(*field->target),
                       TableOf(*field->target), field->column);
  }
  return fmt::format("e.{}", field->column);
}

/// Appends `AND <condition>` for one filter, or returns an error naming the parameter.
Result<void> AppendFilter(SqlBuilder& builder, const EntityDef& entity, const std::string& name,
                          const std::string& value) {
  auto invalid = [&](std::string code) {
    return Fail(Error::Validation({{name, {std::move(code)}}},
                                  fmt::format("The filter {} is invalid.", name)));
  };
  if (entity.kind == EntityKind::kContract && name == "in_force_on") {
    const auto date = domain::ParseDate(value);
    if (!date) return invalid("invalidDate");
    const std::string iso = domain::ToIsoDate(*date);
    builder.Append(fmt::format(" AND e.start_date <= {} AND e.end_date >= {}", builder.Bind(iso),
                               builder.Bind(iso)));
    return {};
  }
  if (entity.kind == EntityKind::kSystem && name == "protection_level") {
    const auto level = domain::ParseLevel(value);
    if (!level) return invalid("invalidLevel");
    builder.Append(fmt::format(" AND e.protection_level = {}",
                               builder.Bind(std::int64_t{static_cast<int>(*level)})));
    return {};
  }
  const FieldDef* field = entity.Find(name);
  if (!field || field->type == FieldType::kCertifications) {
    return Fail(Error::BadRequest(fmt::format("Unknown filter: {}.", name), "unknownParameter"));
  }
  if (field->type == FieldType::kReferenceList) {
    builder.Append(fmt::format(
        " AND e.id IN (SELECT l.{0} FROM {1} l JOIN {2} t ON t.id = l.{3} WHERE t.{4} = {5})",
        field->link_owner, field->link_table, TableOf(*field->target), field->link_member,
        KeyColumnOf(*field->target), builder.Bind(value)));
    return {};
  }
  if (field->type == FieldType::kReference) {
    builder.Append(fmt::format(" AND e.{} = (SELECT t.id FROM {} t WHERE t.{} = {})", field->column,
                               TableOf(*field->target), KeyColumnOf(*field->target),
                               builder.Bind(value)));
    return {};
  }
  registry::FieldDef optional_field = *field;
  optional_field.required = false;
  auto parsed = registry::ParseFieldText(optional_field, value);
  if (!parsed) return invalid(parsed.error());
  if (parsed->is_null()) {
    builder.Append(fmt::format(" AND e.{} IS NULL", field->column));
  } else {
    builder.Append(fmt::format(" AND e.{} = {}", field->column,
                               builder.Bind(JsonToColumn(field->type, *parsed))));
  }
  return {};
}

/// The columns a search (`q=`) looks in: the natural key and the name or title.
std::string SearchCondition(const EntityDef& entity, SqlBuilder& builder,
                            const std::string& search) {
  std::string pattern = "%";
  for (const char character : search) {
    if (character == '%' || character == '_' || character == '\\') pattern.push_back('\\');
    pattern.push_back(character);
  }
  pattern.push_back('%');
  const std::string_view name_column = entity.kind == EntityKind::kContract ? "title" : "name";
  const std::string bound = builder.Bind(pattern);
  // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  return fmt::format(
      " AND (LOWER(e.{0}) LIKE LOWER({2}) ESCAPE '\\' OR LOWER(e.{1}) LIKE LOWER({2}) ESCAPE "
      "'\\')",
      name_column, entity.key_field, bound);
}

Result<void> WriteLists(Connection& connection, const EntityDef& entity, std::int64_t id,
                        const json::object& record) {
  for (const FieldDef& field : entity.fields) {
    if (field.type != FieldType::kReferenceList) continue;
    auto cleared = connection.Query(
        fmt::format("DELETE FROM {} WHERE {} = $1", field.link_table, field.link_owner), {id});
    if (!cleared) return std::unexpected(cleared.error());
    const auto* keys = record.if_contains(field.name);
    if (!keys || !keys->is_array()) continue;
    const std::string insert = fmt::format(
        "INSERT INTO {0} ({1}, {2}) SELECT $1, t.id FROM {3} t WHERE t.{4} = $2 AND "
        "t.deleted_at IS NULL",
        field.link_table, field.link_owner, field.link_member, TableOf(*field.target),
        KeyColumnOf(*field.target));
    for (const auto& key : keys->as_array()) {
      auto inserted = connection.Query(insert, {id, std::string(key.as_string())});
      if (!inserted) return std::unexpected(inserted.error());
    }
  }
  return {};
}

/// Column names and parameters for the scalar and reference fields of `record`.
Result<std::vector<std::pair<std::string, Param>>> ColumnValues(Connection& connection,
                                                                const EntityDef& entity,
                                                                const json::object& record) {
  std::vector<std::pair<std::string, Param>> values;
  for (const FieldDef& field : entity.fields) {
    if (field.type == FieldType::kReferenceList) continue;
    const json::value* value = record.if_contains(field.name);
    if (field.type == FieldType::kReference) {
      if (!value || value->is_null()) {
        values.emplace_back(std::string(field.column), nullptr);
        continue;
      }
      auto id = KeyToId(connection, *field.target, value->as_string());
      if (!id) {
        return Fail(
            Error::Validation({{std::string(field.name), {std::string(field.unknown_code)}}}));
      }
      values.emplace_back(std::string(field.column), *id);
      continue;
    }
    values.emplace_back(std::string(field.column),
                        value ? JsonToColumn(field.type, *value) : Param{nullptr});
  }
  if (entity.kind == EntityKind::kSystem) {
    values.emplace_back("protection_level",
                        JsonToColumn(FieldType::kLevel, record.at("protection_level")));
  }
  return values;
}

}  // namespace

std::string VisibleIdsSubquery(EntityKind kind, const Scope& scope, std::vector<Param>& params) {
  return BindScopeMarkers(fmt::format("(SELECT e.id FROM {} e WHERE e.deleted_at IS NULL AND {})",
                                      TableOf(kind), ScopeFragment(kind, scope.kind)),
                          scope, params);
}

Result<ListPage> RegistryStore::List(const EntityDef& entity, const Scope& scope,
                                     const ListQuery& query) {
  SqlBuilder where;
  where.Append(fmt::format(" FROM {} e WHERE e.deleted_at IS NULL AND ", entity.table));
  where.AppendScoped(ScopeFragment(entity.kind, scope.kind), scope);
  for (const auto& [name, value] : query.filters) {
    if (auto appended = AppendFilter(where, entity, name, value); !appended) {
      return std::unexpected(appended.error());
    }
  }
  if (!query.search.empty()) where.Append(SearchCondition(entity, where, query.search));

  ListPage page;
  auto counted = connection_.Query("SELECT COUNT(*)" + where.sql(), where.params());
  if (!counted) return std::unexpected(counted.error());
  page.total = std::stoll(counted->rows.at(0).at(0).value_or("0"));

  std::string order;
  for (const SortKey& key : query.sort) {
    const std::string expression = SortExpression(entity, key.field);
    if (expression.empty()) {
      return Fail(Error::Validation({{"sort", {"unknownField"}}},
                                    fmt::format("Cannot sort by {}.", key.field)));
    }
    order += fmt::format("{}{}{}", order.empty() ? "" : ", ", expression,
                         key.descending ? " DESC" : " ASC");
  }
  order += fmt::format("{}e.{} ASC", order.empty() ? "" : ", ", entity.key_field);

  SqlBuilder select = where;
  const std::string limit = select.Bind(std::int64_t{query.per_page});
  const std::string offset =
      select.Bind(std::int64_t{static_cast<std::int64_t>(query.page - 1) * query.per_page});
  // Sort and cut the page on the table's own rows first, then resolve references for the page
  // only: otherwise both databases evaluate the SELECT list's subqueries for every row.
  const std::string sql = fmt::format(
      "SELECT {0} FROM (SELECT e.*{1} ORDER BY {2} LIMIT {3} OFFSET {4}) e ORDER BY {2}",
      SelectList(entity), select.sql(), order, limit, offset);
  auto rows = connection_.Query(sql, select.params());
  if (!rows) return std::unexpected(rows.error());
  std::unordered_map<std::string, json::object*> by_id;
  page.items.reserve(rows->rows.size());
  for (const Row& row : rows->rows) page.items.emplace_back(RowToRecord(entity, row));
  for (auto& item : page.items) {
    by_id.emplace(std::string(item.as_object().at("id").as_string()), &item.as_object());
  }
  if (auto lists = LoadLists(connection_, entity, by_id); !lists) {
    return std::unexpected(lists.error());
  }
  return page;
}

Result<std::optional<json::object>> RegistryStore::Find(const EntityDef& entity, const Scope& scope,
                                                        std::int64_t id) {
  SqlBuilder builder;
  builder.Append(
      fmt::format("SELECT {} FROM {} e WHERE e.id = ", SelectList(entity), entity.table));
  builder.Append(builder.Bind(id));
  builder.Append(" AND e.deleted_at IS NULL AND ");
  builder.AppendScoped(ScopeFragment(entity.kind, scope.kind), scope);
  auto rows = connection_.Query(builder.sql(), builder.params());
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<json::object>{};
  json::object record = RowToRecord(entity, rows->rows.front());
  std::unordered_map<std::string, json::object*> by_id{{std::to_string(id), &record}};
  if (auto lists = LoadLists(connection_, entity, by_id); !lists) {
    return std::unexpected(lists.error());
  }
  return std::optional<json::object>(std::move(record));
}

Result<std::optional<json::object>> RegistryStore::Load(const EntityDef& entity, std::int64_t id) {
  const std::string sql =
      fmt::format("SELECT {} FROM {} e WHERE e.id = $1", SelectList(entity), entity.table);
  auto rows = connection_.Query(sql, {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<json::object>{};
  json::object record = RowToRecord(entity, rows->rows.front());
  std::unordered_map<std::string, json::object*> by_id{{std::to_string(id), &record}};
  if (auto lists = LoadLists(connection_, entity, by_id); !lists) {
    return std::unexpected(lists.error());
  }
  return std::optional<json::object>(std::move(record));
}

Result<std::optional<RegistryStore::KeyMatch>> RegistryStore::FindByKey(EntityKind kind,
                                                                        std::string_view key) {
  const std::string sql =
      fmt::format("SELECT id, deleted_at FROM {} WHERE {} = $1", TableOf(kind), KeyColumnOf(kind));
  auto rows = connection_.Query(sql, {std::string(key)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<KeyMatch>{};
  return std::optional<KeyMatch>(
      KeyMatch{std::stoll(*rows->rows[0][0]), rows->rows[0][1].has_value()});
}

Result<std::int64_t> RegistryStore::Insert(const EntityDef& entity, const json::object& record,
                                           std::string_view now) {
  auto values = ColumnValues(connection_, entity, record);
  if (!values) return std::unexpected(values.error());
  SqlBuilder builder;
  std::string columns;
  std::string placeholders;
  for (auto& [column, value] : *values) {
    columns += column + ", ";
    placeholders += builder.Bind(std::move(value)) + ", ";
  }
  const std::string created = builder.Bind(std::string(now));
  const std::string sql =
      fmt::format("INSERT INTO {} ({}created_at, updated_at) VALUES ({}{}, {}) RETURNING id",
                  entity.table, columns, placeholders, created, created);
  auto inserted = connection_.Query(sql, builder.params());
  if (!inserted) return std::unexpected(inserted.error());
  const std::int64_t id = std::stoll(*inserted->rows.at(0).at(0));
  if (auto lists = WriteLists(connection_, entity, id, record); !lists) {
    return std::unexpected(lists.error());
  }
  return id;
}

Result<void> RegistryStore::Update(const EntityDef& entity, std::int64_t id,
                                   const json::object& record, std::string_view now) {
  auto values = ColumnValues(connection_, entity, record);
  if (!values) return std::unexpected(values.error());
  SqlBuilder builder;
  std::string assignments;
  for (auto& [column, value] : *values) {
    assignments += fmt::format("{} = {}, ", column, builder.Bind(std::move(value)));
  }
  const std::string updated = builder.Bind(std::string(now));
  const std::string sql =
      fmt::format("UPDATE {} SET {}updated_at = {}, deleted_at = NULL WHERE id = {}", entity.table,
                  assignments, updated, builder.Bind(id));
  auto changed = connection_.Query(sql, builder.params());
  if (!changed) return std::unexpected(changed.error());
  return WriteLists(connection_, entity, id, record);
}

Result<void> RegistryStore::SoftDelete(const EntityDef& entity, std::int64_t id,
                                       std::string_view now) {
  const std::string sql = fmt::format(
      "UPDATE {} SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL",
      entity.table);
  auto changed = connection_.Query(sql, {std::string(now), id});
  if (!changed) return std::unexpected(changed.error());
  return {};
}

Result<std::vector<std::string>> RegistryStore::MissingKeys(EntityKind kind,
                                                            const std::vector<std::string>& keys) {
  std::vector<std::string> missing;
  const std::string sql = fmt::format("SELECT 1 FROM {} WHERE {} = $1 AND deleted_at IS NULL",
                                      TableOf(kind), KeyColumnOf(kind));
  for (const std::string& key : keys) {
    auto found = connection_.Query(sql, {key});
    if (!found) return std::unexpected(found.error());
    if (found->rows.empty()) missing.push_back(key);
  }
  return missing;
}

Result<std::vector<std::string>> RegistryStore::SystemsOutsideAgency(
    const std::vector<std::string>& system_keys, std::string_view agency_code) {
  constexpr std::string_view kSystemAgency =
      "SELECT a.code FROM systems s JOIN agencies a ON a.id = s.agency_id WHERE s.system_id = $1";
  std::vector<std::string> outside;
  for (const std::string& key : system_keys) {
    auto found = connection_.Query(kSystemAgency, {key});
    if (!found) return std::unexpected(found.error());
    if (found->rows.empty() || found->rows[0][0] != agency_code) outside.push_back(key);
  }
  return outside;
}

Result<bool> RegistryStore::WouldCreateCycle(std::string_view code, std::string_view parent_code) {
  // Walk up from the new parent; reaching `code` means a cycle.
  constexpr std::string_view kAncestors =
      "WITH RECURSIVE up(id, code, parent_id) AS (SELECT id, code, parent_id FROM agencies WHERE "
      "code = $1 UNION SELECT a.id, a.code, a.parent_id FROM agencies a JOIN up ON a.id = "
      "up.parent_id) SELECT 1 FROM up WHERE code = $2";
  auto found = connection_.Query(kAncestors, {std::string(parent_code), std::string(code)});
  if (!found) return std::unexpected(found.error());
  return !found->rows.empty();
}

Result<void> RegistryStore::AppendHistory(const EntityDef& entity, std::int64_t id,
                                          std::string_view action, const json::object& changes,
                                          std::optional<std::int64_t> user_id,
                                          std::string_view request_id, std::string_view now) {
  constexpr std::string_view kInsertHistory =
      "INSERT INTO record_history (entity, entity_id, action, changes, user_id, request_id, at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)";
  auto inserted = connection_.Query(
      kInsertHistory,
      {std::string(entity.table), id, std::string(action), json::serialize(changes),
       user_id ? Param{*user_id} : Param{nullptr}, std::string(request_id), std::string(now)});
  if (!inserted) return std::unexpected(inserted.error());
  return {};
}

Result<json::array> RegistryStore::History(const EntityDef& entity, std::int64_t id) {
  constexpr std::string_view kSelectHistory =
      "SELECT h.at, h.action, h.changes, u.email FROM record_history h LEFT JOIN users u ON u.id "
      "= h.user_id WHERE h.entity = $1 AND h.entity_id = $2 ORDER BY h.id DESC";
  auto rows = connection_.Query(kSelectHistory, {std::string(entity.table), id});
  if (!rows) return std::unexpected(rows.error());
  json::array items;
  for (const Row& row : rows->rows) {
    boost::system::error_code error;
    json::value changes = json::parse(row[2].value_or("{}"), error);
    items.push_back(json::object{{"at", row[0].value_or("")},
                                 {"action", row[1].value_or("")},
                                 {"changes", error ? json::value(json::object()) : changes},
                                 {"user_email", row[3] ? json::value(*row[3]) : nullptr}});
  }
  return items;
}

Result<std::int64_t> RegistryStore::Generation() {
  constexpr std::string_view kSelectGeneration =
      "SELECT generation FROM registry_generation WHERE id = 1";
  auto rows = connection_.Query(kSelectGeneration);
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return Fail(Error::Internal("registry_generation has no row"));
  return std::stoll(*rows->rows[0][0]);
}

Result<void> RegistryStore::BumpGeneration() {
  constexpr std::string_view kBumpGeneration =
      "UPDATE registry_generation SET generation = generation + 1 WHERE id = 1";
  auto done = connection_.Query(kBumpGeneration);
  if (!done) return std::unexpected(done.error());
  return {};
}

namespace {

constexpr std::string_view kSnapshotContracts =
    "SELECT id, vendor_id, agency_id, start_date, end_date, amount FROM contracts WHERE "
    "deleted_at IS NULL";
constexpr std::string_view kSnapshotContractSystems =
    "SELECT cs.contract_id, cs.system_id, s.core FROM contract_systems cs JOIN systems s ON s.id = "
    "cs.system_id AND s.deleted_at IS NULL";
constexpr std::string_view kSnapshotContractSubcontractors =
    "SELECT contract_id, vendor_id FROM contract_subcontractors";
constexpr std::string_view kSnapshotAgencies = "SELECT id, parent_id FROM agencies";
constexpr std::string_view kSnapshotVendors = "SELECT id, tax_id, name FROM vendors";

std::int32_t DaysOf(const std::optional<std::string>& iso) {
  const auto date = iso ? domain::ParseDate(*iso) : std::nullopt;
  if (!date) return 0;
  return static_cast<std::int32_t>(std::chrono::sys_days{*date}.time_since_epoch().count());
}

}  // namespace

Result<registry::RegistrySnapshot> RegistryStore::LoadSnapshot() {
  registry::RegistrySnapshot snapshot;
  // Read the generation first: a write that lands while loading makes the snapshot look stale,
  // never fresher than it is.
  auto generation = Generation();
  if (!generation) return std::unexpected(generation.error());
  snapshot.generation = *generation;

  auto contracts = connection_.Query(kSnapshotContracts);
  if (!contracts) return std::unexpected(contracts.error());
  std::unordered_map<std::int64_t, std::size_t> index_of;
  index_of.reserve(contracts->rows.size());
  snapshot.contracts.reserve(contracts->rows.size());
  for (const Row& row : contracts->rows) {
    index_of.emplace(std::stoll(*row[0]), snapshot.contracts.size());
    registry::RegistrySnapshot::Contract contract;
    contract.vendor = std::stoll(*row[1]);
    contract.agency = std::stoll(*row[2]);
    contract.start = DaysOf(row[3]);
    contract.end = DaysOf(row[4]);
    contract.amount = std::stoll(*row[5]);
    snapshot.contracts.push_back(contract);
  }

  // Link rows grouped per contract: count, prefix-sum into ranges, then fill.
  auto links = connection_.Query(kSnapshotContractSystems);
  if (!links) return std::unexpected(links.error());
  auto subcontractors = connection_.Query(kSnapshotContractSubcontractors);
  if (!subcontractors) return std::unexpected(subcontractors.error());
  std::vector<std::uint32_t> system_counts(snapshot.contracts.size() + 1, 0);
  std::vector<std::uint32_t> sub_counts(snapshot.contracts.size() + 1, 0);
  for (const Row& row : links->rows) {
    if (auto found = index_of.find(std::stoll(*row[0])); found != index_of.end()) {
      ++system_counts[found->second + 1];
    }
  }
  for (const Row& row : subcontractors->rows) {
    if (auto found = index_of.find(std::stoll(*row[0])); found != index_of.end()) {
      ++sub_counts[found->second + 1];
    }
  }
  for (std::size_t index = 0; index < snapshot.contracts.size(); ++index) {
    system_counts[index + 1] += system_counts[index];
    sub_counts[index + 1] += sub_counts[index];
    auto& contract = snapshot.contracts[index];
    contract.systems_begin = contract.systems_end = system_counts[index];
    contract.subcontractors_begin = contract.subcontractors_end = sub_counts[index];
  }
  snapshot.contract_systems.resize(system_counts.back());
  snapshot.contract_system_core.resize(system_counts.back());
  snapshot.contract_subcontractors.resize(sub_counts.back());
  for (const Row& row : links->rows) {
    auto found = index_of.find(std::stoll(*row[0]));
    if (found == index_of.end()) continue;
    auto& contract = snapshot.contracts[found->second];
    snapshot.contract_systems[contract.systems_end] = std::stoll(*row[1]);
    snapshot.contract_system_core[contract.systems_end] =
        row[2] && (*row[2] == "1" || *row[2] == "t");
    ++contract.systems_end;
  }
  for (const Row& row : subcontractors->rows) {
    auto found = index_of.find(std::stoll(*row[0]));
    if (found == index_of.end()) continue;
    auto& contract = snapshot.contracts[found->second];
    snapshot.contract_subcontractors[contract.subcontractors_end++] = std::stoll(*row[1]);
  }

  auto agencies = connection_.Query(kSnapshotAgencies);
  if (!agencies) return std::unexpected(agencies.error());
  for (const Row& row : agencies->rows) {
    snapshot.agency_parent.emplace(std::stoll(*row[0]), row[1] ? std::stoll(*row[1]) : 0);
  }
  auto vendors = connection_.Query(kSnapshotVendors);
  if (!vendors) return std::unexpected(vendors.error());
  for (const Row& row : vendors->rows) {
    snapshot.vendors.emplace(std::stoll(*row[0]),
                             registry::RegistrySnapshot::Vendor{*row[1], *row[2]});
  }
  return snapshot;
}

}  // namespace sg::storage
