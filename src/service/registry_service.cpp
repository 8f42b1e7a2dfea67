#include "service/registry_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <set>

#include "core/text.hpp"

namespace sg::service {
namespace {

namespace json = boost::json;
using registry::EntityDef;
using registry::EntityKind;
using registry::FieldDef;
using registry::FieldType;
using storage::RegistryStore;

constexpr std::size_t kReportedChanges = 1000;
/// Fields a client may send back unchanged from a GET; they are ignored on write.
constexpr std::string_view kReadOnlyFields[] = {"id", "created_at", "updated_at",
                                                "protection_level"};

Error NotFoundFor(const EntityDef& entity) {
  Error error = Error::NotFound(fmt::format("No such record in {}.", entity.table));
  return error;
}

/// Default value of an optional field that a create did not give.
json::value DefaultFor(const FieldDef& field) {
  switch (field.type) {
    case FieldType::kBool:
      return false;
    case FieldType::kReferenceList:
    case FieldType::kCertifications:
      return json::array();
    default:
      return nullptr;
  }
}

/// Parses a JSON body into canonical field values; unknown fields and wrong types are errors,
/// added to `errors` so a caller can report them together with its own checks.
json::object ParseBody(const EntityDef& entity, const json::object& body, FieldErrors& errors) {
  json::object values;
  for (const auto& [name, value] : body) {
    if (std::find(std::begin(kReadOnlyFields), std::end(kReadOnlyFields), name) !=
        std::end(kReadOnlyFields)) {
      continue;
    }
    const FieldDef* field = entity.Find(name);
    if (!field) {
      errors[std::string(name)].push_back("unknownField");
      continue;
    }
    auto parsed = registry::ParseFieldJson(*field, value);
    if (!parsed) {
      errors[std::string(name)].push_back(parsed.error());
      continue;
    }
    values[name] = std::move(*parsed);
  }
  return values;
}

/// Completes a create's values with defaults; reports required fields that are missing.
FieldErrors CompleteForCreate(const EntityDef& entity, json::object& values) {
  FieldErrors errors;
  for (const FieldDef& field : entity.fields) {
    if (values.contains(field.name)) continue;
    if (field.required) {
      errors[std::string(field.name)].push_back("required");
    } else {
      values[field.name] = DefaultFor(field);
    }
  }
  return errors;
}

/// The record's own fields (no id or timestamps), for diffs and writes.
json::object FieldsOnly(const EntityDef& entity, const json::object& record) {
  json::object fields;
  for (const FieldDef& field : entity.fields) {
    if (const auto* value = record.if_contains(field.name)) fields[field.name] = *value;
  }
  if (const auto* level = record.if_contains("protection_level")) {
    fields["protection_level"] = *level;
  }
  return fields;
}

/// {field: [before, after]} for every field that differs.
json::object Diff(const EntityDef& entity, const json::object* before, const json::object& after) {
  json::object changes;
  for (const FieldDef& field : entity.fields) {
    const json::value empty;
    const json::value* old_value = before ? before->if_contains(field.name) : nullptr;
    const json::value* new_value = after.if_contains(field.name);
    const json::value& left = old_value ? *old_value : empty;
    const json::value& right = new_value ? *new_value : empty;
    if (left != right) changes[field.name] = json::array{left, right};
  }
  return changes;
}

std::string KeyOf(const EntityDef& entity, const json::object& record) {
  const auto* key = record.if_contains(entity.key_field);
  return key && key->is_string() ? std::string(key->as_string()) : std::string();
}

/// Checks the caller's write rights on a record (API.md): authority everything; agency users
/// their own agency's systems and contracts; vendor users their own profile except the
/// PRC-capital flag. Returns the field at fault ("" when the whole record is refused).
std::optional<std::string> WriteRefusal(const Caller& caller, const EntityDef& entity,
                                        const json::object& record, const json::object* before) {
  using domain::Role;
  if (caller.role == Role::kAuthority) return std::nullopt;
  if (domain::IsAgencyRole(caller.role)) {
    if (entity.kind != EntityKind::kSystem && entity.kind != EntityKind::kContract) return "";
    for (const json::object* state : {&record, before}) {
      if (!state) continue;
      const auto* agency = state->if_contains("agency_code");
      if (!agency || !caller.agency_code || !agency->is_string() ||
          agency->as_string() != *caller.agency_code) {
        return "agency_code";
      }
    }
    return std::nullopt;
  }
  if (caller.role == Role::kVendor) {
    if (entity.kind != EntityKind::kVendor || !caller.vendor_tax_id) return "";
    for (const json::object* state : {&record, before}) {
      if (state && KeyOf(entity, *state) != *caller.vendor_tax_id) return "tax_id";
    }
    if (before && record.at("prc_capital") != before->at("prc_capital")) return "prc_capital";
    if (!before) return "";
    return std::nullopt;
  }
  return "";
}

Error Forbidden(const std::optional<std::string>& field) {
  Error error = Error::Forbidden("You may not change this record.");
  if (field && !field->empty()) error.fields[*field].push_back("readOnly");
  return error;
}

/// References to records that do not exist (or are deleted), as field errors. `pending` holds
/// keys created by the same import, which count as existing.
Result<FieldErrors> CheckReferences(RegistryStore& store, const EntityDef& entity,
                                    const json::object& record,
                                    const std::set<std::string>* pending) {
  FieldErrors errors;
  for (const FieldDef& field : entity.fields) {
    if (field.type != FieldType::kReference && field.type != FieldType::kReferenceList) continue;
    const auto* value = record.if_contains(field.name);
    if (!value || value->is_null()) continue;
    std::vector<std::string> keys;
    if (value->is_string()) keys.emplace_back(value->as_string());
    if (value->is_array()) {
      for (const auto& key : value->as_array()) keys.emplace_back(key.as_string());
    }
    if (pending && field.target == entity.kind) {
      std::erase_if(keys, [&](const std::string& key) { return pending->contains(key); });
    }
    auto missing = store.MissingKeys(*field.target, keys);
    if (!missing) return std::unexpected(missing.error());
    if (!missing->empty())
      errors[std::string(field.name)].push_back(std::string(field.unknown_code));
  }
  return errors;
}

/// An agency user's contract may cover only its own agency's systems: otherwise its vendor would
/// read another agency's systems through it.
Result<FieldErrors> CheckCoveredSystems(RegistryStore& store, const Caller& caller,
                                        const EntityDef& entity, const json::object& record) {
  FieldErrors errors;
  if (entity.kind != EntityKind::kContract || !domain::IsAgencyRole(caller.role)) return errors;
  const auto* systems = record.if_contains("system_ids");
  if (!systems || !systems->is_array() || !caller.agency_code) return errors;
  std::vector<std::string> keys;
  for (const auto& key : systems->as_array()) keys.emplace_back(key.as_string());
  auto outside = store.SystemsOutsideAgency(keys, *caller.agency_code);
  if (!outside) return std::unexpected(outside.error());
  if (!outside->empty()) errors["system_ids"].push_back("forbidden");
  return errors;
}

/// True when `record` is an agency whose parent would make it its own ancestor.
Result<bool> CreatesAgencyCycle(RegistryStore& store, const EntityDef& entity,
                                const json::object& record) {
  if (entity.kind != EntityKind::kAgency) return false;
  const auto* parent = record.if_contains("parent_code");
  if (!parent || !parent->is_string()) return false;
  return store.WouldCreateCycle(KeyOf(entity, record), parent->as_string());
}

Error DuplicateKey(const EntityDef& entity, std::string_view key) {
  Error error = Error::Conflict(
      fmt::format("A record with {} {} already exists.", entity.key_field, key), "conflict");
  error.fields[std::string(entity.key_field)].push_back("duplicate");
  return error;
}

void MergeErrors(FieldErrors& into, const FieldErrors& from) {
  for (const auto& [field, codes] : from) {
    auto& target = into[field];
    target.insert(target.end(), codes.begin(), codes.end());
  }
}

}  // namespace

Result<storage::ListPage> RegistryService::List(const Caller& caller, EntityKind kind,
                                                const storage::ListQuery& query) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  return store.List(registry::Definition(kind), ScopeOf(caller, clock_), query);
}

Result<json::object> RegistryService::Get(const Caller& caller, EntityKind kind,
                                          std::string_view id_text) {
  const EntityDef& entity = registry::Definition(kind);
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(NotFoundFor(entity));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  auto found = store.Find(entity, ScopeOf(caller, clock_), *id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return Fail(NotFoundFor(entity));
  return std::move(**found);
}

Result<json::object> RegistryService::Create(const Caller& caller, EntityKind kind,
                                             const json::object& body) {
  const EntityDef& entity = registry::Definition(kind);
  FieldErrors errors;
  auto values = std::optional<json::object>(ParseBody(entity, body, errors));
  for (const auto& [field, codes] : CompleteForCreate(entity, *values)) {
    if (!errors.contains(field)) errors[field] = codes;
  }
  if (errors.empty()) MergeErrors(errors, registry::CheckRecord(entity, *values));
  if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
  if (auto refused = WriteRefusal(caller, entity, *values, nullptr)) {
    return Fail(Forbidden(refused));
  }
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  const std::string now = FormatTimestamp(clock_.Now());
  auto created = storage::InTransaction(**connection, [&]() -> Result<std::int64_t> {
    auto references = CheckReferences(store, entity, *values, nullptr);
    if (!references) return std::unexpected(references.error());
    if (!references->empty()) return Fail(Error::Validation(std::move(*references)));
    auto covered = CheckCoveredSystems(store, caller, entity, *values);
    if (!covered) return std::unexpected(covered.error());
    if (!covered->empty())
      return Fail(Error::Forbidden("You may cover only your agency's systems."));
    auto existing = store.FindByKey(kind, KeyOf(entity, *values));
    if (!existing) return std::unexpected(existing.error());
    if (*existing && !(*existing)->deleted)
      return Fail(DuplicateKey(entity, KeyOf(entity, *values)));
    auto cycle = CreatesAgencyCycle(store, entity, *values);
    if (!cycle) return std::unexpected(cycle.error());
    if (*cycle) return Fail(Error::Validation({{"parent_code", {"cycle"}}}));
    if (*existing) {  // re-creating a deleted record restores it
      const std::int64_t id = (*existing)->id;
      auto before = store.Load(entity, id);
      if (!before) return std::unexpected(before.error());
      // Only a caller who could have changed the deleted record may bring it (its id and its
      // history) back; to anyone else the key is taken, as by a live record.
      if (*before && WriteRefusal(caller, entity, *values, &**before)) {
        return Fail(DuplicateKey(entity, KeyOf(entity, *values)));
      }
      if (auto bumped = store.BumpGeneration(); !bumped) return std::unexpected(bumped.error());
      if (auto updated = store.Update(entity, id, *values, now); !updated) {
        return std::unexpected(updated.error());
      }
      const json::object before_fields = FieldsOnly(entity, before->value_or(json::object()));
      auto history =
          store.AppendHistory(entity, id, "restore", Diff(entity, &before_fields, *values),
                              caller.user_id, caller.request_id, now);
      if (!history) return std::unexpected(history.error());
      auto audited = Audit(**connection, caller, "record.restore", entity, id,
                           Diff(entity, &before_fields, *values));
      if (!audited) return std::unexpected(audited.error());
      return id;
    }
    if (auto bumped = store.BumpGeneration(); !bumped) return std::unexpected(bumped.error());
    auto id = store.Insert(entity, *values, now);
    if (!id) return id;
    auto history = store.AppendHistory(entity, *id, "create", Diff(entity, nullptr, *values),
                                       caller.user_id, caller.request_id, now);
    if (!history) return std::unexpected(history.error());
    auto audited =
        Audit(**connection, caller, "record.create", entity, *id, Diff(entity, nullptr, *values));
    if (!audited) return std::unexpected(audited.error());
    return id;
  });
  if (!created) return std::unexpected(created.error());
  generation_.ChangedHere();  // committed: this process's cached generation is stale
  auto record = store.Find(entity, ScopeOf(Caller::CommandLine(), clock_), *created);
  if (!record) return std::unexpected(record.error());
  return std::move(record->value());
}

Result<json::object> RegistryService::Update(const Caller& caller, EntityKind kind,
                                             std::string_view id_text, const json::object& body) {
  const EntityDef& entity = registry::Definition(kind);
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(NotFoundFor(entity));
  FieldErrors body_errors;
  auto values = std::optional<json::object>(ParseBody(entity, body, body_errors));
  if (!body_errors.empty()) return Fail(Error::Validation(std::move(body_errors)));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  const std::string now = FormatTimestamp(clock_.Now());
  auto updated = storage::InTransaction(**connection, [&]() -> Result<void> {
    auto current = store.Find(entity, ScopeOf(caller, clock_), *id);
    if (!current) return std::unexpected(current.error());
    if (!*current) return Fail(NotFoundFor(entity));
    const json::object before = FieldsOnly(entity, **current);
    json::object after = before;
    for (const auto& [name, value] : *values) after[name] = value;
    FieldErrors errors = registry::CheckRecord(entity, after);
    if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
    if (auto refused = WriteRefusal(caller, entity, after, &before)) {
      return Fail(Forbidden(refused));
    }
    auto references = CheckReferences(store, entity, after, nullptr);
    if (!references) return std::unexpected(references.error());
    if (!references->empty()) return Fail(Error::Validation(std::move(*references)));
    auto covered = CheckCoveredSystems(store, caller, entity, after);
    if (!covered) return std::unexpected(covered.error());
    if (!covered->empty())
      return Fail(Error::Forbidden("You may cover only your agency's systems."));
    const std::string new_key = KeyOf(entity, after);
    if (new_key != KeyOf(entity, before)) {
      auto clash = store.FindByKey(kind, new_key);
      if (!clash) return std::unexpected(clash.error());
      if (*clash) return Fail(DuplicateKey(entity, new_key));
    }
    auto cycle = CreatesAgencyCycle(store, entity, after);
    if (!cycle) return std::unexpected(cycle.error());
    if (*cycle) return Fail(Error::Validation({{"parent_code", {"cycle"}}}));
    const json::object changes = Diff(entity, &before, after);
    if (changes.empty()) return {};
    if (auto bumped = store.BumpGeneration(); !bumped) return bumped;
    if (auto written = store.Update(entity, *id, after, now); !written) return written;
    if (auto history = store.AppendHistory(entity, *id, "update", changes, caller.user_id,
                                           caller.request_id, now);
        !history) {
      return history;
    }
    return Audit(**connection, caller, "record.update", entity, *id, changes);
  });
  if (!updated) return std::unexpected(updated.error());
  generation_.ChangedHere();
  auto record = store.Find(entity, ScopeOf(caller, clock_), *id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return Fail(NotFoundFor(entity));
  return std::move(**record);
}

Result<void> RegistryService::Delete(const Caller& caller, EntityKind kind,
                                     std::string_view id_text) {
  const EntityDef& entity = registry::Definition(kind);
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(NotFoundFor(entity));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  const std::string now = FormatTimestamp(clock_.Now());
  auto deleted = storage::InTransaction(**connection, [&]() -> Result<void> {
    auto current = store.Find(entity, ScopeOf(caller, clock_), *id);
    if (!current) return std::unexpected(current.error());
    if (!*current) return Fail(NotFoundFor(entity));
    const json::object before = FieldsOnly(entity, **current);
    if (caller.role == domain::Role::kVendor || WriteRefusal(caller, entity, before, &before)) {
      return Fail(Forbidden(std::nullopt));
    }
    if (auto bumped = store.BumpGeneration(); !bumped) return bumped;
    if (auto deleted = store.SoftDelete(entity, *id, now); !deleted) return deleted;
    json::object changes;
    changes["deleted"] = json::array{false, true};
    if (auto history = store.AppendHistory(entity, *id, "delete", changes, caller.user_id,
                                           caller.request_id, now);
        !history) {
      return history;
    }
    return Audit(**connection, caller, "record.delete", entity, *id, changes);
  });
  if (deleted) generation_.ChangedHere();
  return deleted;
}

Result<json::array> RegistryService::History(const Caller& caller, EntityKind kind,
                                             std::string_view id_text) {
  const EntityDef& entity = registry::Definition(kind);
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(NotFoundFor(entity));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  auto current = store.Find(entity, ScopeOf(caller, clock_), *id);
  if (!current) return std::unexpected(current.error());
  if (!*current) return Fail(NotFoundFor(entity));
  return store.History(entity, *id);
}

Result<ImportReport> RegistryService::Import(const Caller& caller, EntityKind kind,
                                             const importer::Table& table, bool dry_run) {
  const EntityDef& entity = registry::Definition(kind);
  ImportReport report;
  report.dry_run = dry_run;
  auto add_error = [&](std::size_t row, std::string column, std::string value, std::string code,
                       std::string message) {
    report.errors.push_back(
        {row, std::move(column), std::move(value), std::move(code), std::move(message)});
  };

  // 1. Header: every column known, once; every required field present.
  std::vector<const FieldDef*> columns;
  std::set<std::string_view> seen;
  for (const std::string& header : table.header) {
    const auto canonical = registry::CanonicalHeader(entity, header);
    if (!canonical) {
      add_error(1, header, header, "unknownColumn",
                fmt::format("Column \"{}\" is not a column of {}.", header, entity.table));
      columns.push_back(nullptr);
      continue;
    }
    if (!seen.insert(*canonical).second) {
      add_error(1, std::string(*canonical), header, "duplicateColumn",
                fmt::format("Column {} appears twice.", *canonical));
    }
    columns.push_back(entity.Find(*canonical));
  }
  for (const FieldDef& field : entity.fields) {
    if (field.required && !seen.contains(field.name)) {
      add_error(1, std::string(field.name), "", "missingColumn",
                fmt::format("Required column {} ({}) is missing.", field.name, field.chinese));
    }
  }
  if (!report.errors.empty()) return report;

  // 2. Cells: parse every field of every row.
  struct ParsedRow {
    std::size_t row;
    json::object values;  // only the file's columns
  };
  std::vector<ParsedRow> rows;
  std::map<std::string, std::size_t> first_row_of_key;
  for (std::size_t index = 0; index < table.rows.size(); ++index) {
    const auto& cells = table.rows[index];
    const std::size_t row_number = index + 2;
    if (std::all_of(cells.begin(), cells.end(),
                    [](const std::string& cell) { return text::Trim(cell).empty(); })) {
      continue;
    }
    ParsedRow parsed{row_number, {}};
    bool row_ok = true;
    for (std::size_t column = 0; column < columns.size() && column < cells.size(); ++column) {
      const FieldDef& field = *columns[column];
      auto value =
          registry::ParseFieldText(field, registry::NormaliseSpreadsheetCell(field, cells[column]));
      if (!value) {
        add_error(row_number, std::string(field.name), cells[column], value.error(),
                  registry::DescribeFieldError(value.error(), field));
        row_ok = false;
        continue;
      }
      parsed.values[field.name] = std::move(*value);
    }
    if (!row_ok) continue;
    const std::string key = KeyOf(entity, parsed.values);
    if (const auto [at, inserted] = first_row_of_key.emplace(key, row_number); !inserted) {
      add_error(
          row_number, std::string(entity.key_field), key, "duplicateInFile",
          fmt::format("{} {} is already given in row {}.", entity.key_field, key, at->second));
      continue;
    }
    rows.push_back(std::move(parsed));
  }

  // Agencies: parents before children, so a child may name a parent from the same file.
  std::set<std::string> pending_keys;
  for (const auto& row : rows) pending_keys.insert(KeyOf(entity, row.values));
  if (kind == EntityKind::kAgency) {
    std::map<std::string, std::size_t> position;
    for (std::size_t index = 0; index < rows.size(); ++index) {
      position[KeyOf(entity, rows[index].values)] = index;
    }
    std::vector<ParsedRow> ordered;
    std::vector<int> state(rows.size(), 0);  // 0 new, 1 visiting, 2 done
    std::function<bool(std::size_t)> visit = [&](std::size_t index) {
      if (state[index] == 2) return true;
      if (state[index] == 1) return false;
      state[index] = 1;
      const auto* parent = rows[index].values.if_contains("parent_code");
      if (parent && parent->is_string()) {
        const auto found = position.find(std::string(parent->as_string()));
        if (found != position.end() && !visit(found->second)) return false;
      }
      state[index] = 2;
      ordered.push_back(rows[index]);
      return true;
    };
    for (std::size_t index = 0; index < rows.size(); ++index) {
      if (!visit(index)) {
        add_error(rows[index].row, "parent_code", "", "cycle",
                  "parent_code would make an agency its own ancestor");
        return report;
      }
    }
    rows = std::move(ordered);
  }

  // 3. Against the database, in one transaction: references, rights, changes. A dry run and any
  // error roll it back, so nothing is written unless the whole file is good.
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  const std::string now = FormatTimestamp(clock_.Now());
  const bool vendor_links = kind == EntityKind::kVendor;
  const Error kRollback = Error::Conflict("rollback", "rollback");
  auto applied = storage::InTransaction(**connection, [&]() -> Result<void> {
    std::vector<std::pair<std::int64_t, json::object>> deferred_links;
    for (const ParsedRow& row : rows) {
      const std::string key = KeyOf(entity, row.values);
      auto existing = store.FindByKey(kind, key);
      if (!existing) return std::unexpected(existing.error());
      std::optional<json::object> before;
      if (*existing) {
        auto loaded = store.Load(entity, (*existing)->id);
        if (!loaded) return std::unexpected(loaded.error());
        if (*loaded) before = FieldsOnly(entity, **loaded);
      }
      // Columns the file leaves out keep their stored values (or defaults for a new record).
      json::object after;
      if (before) {
        after = *before;
      } else {
        for (const FieldDef& field : entity.fields) after[field.name] = DefaultFor(field);
      }
      for (const auto& [name, value] : row.values) after[name] = value;
      FieldErrors errors = registry::CheckRecord(entity, after);
      auto references = CheckReferences(store, entity, after, &pending_keys);
      if (!references) return std::unexpected(references.error());
      MergeErrors(errors, *references);
      auto covered = CheckCoveredSystems(store, caller, entity, after);
      if (!covered) return std::unexpected(covered.error());
      MergeErrors(errors, *covered);
      const bool was_deleted = *existing && (*existing)->deleted;
      // A deleted record counts as the tenant's who held it: restoring it needs that tenant's
      // rights, or it would hand its id and history to another.
      if (auto refused = WriteRefusal(caller, entity, after, before ? &*before : nullptr)) {
        errors[refused->empty() ? std::string(entity.key_field) : *refused].push_back("forbidden");
      }
      if (errors.empty()) {
        auto cycle = CreatesAgencyCycle(store, entity, after);
        if (!cycle) return std::unexpected(cycle.error());
        if (*cycle) errors["parent_code"].push_back("cycle");
      }
      if (!errors.empty()) {
        for (const auto& [field_name, codes] : errors) {
          const FieldDef* field = entity.Find(field_name);
          const auto* value = after.if_contains(field_name);
          std::string shown;
          if (value && value->is_string()) shown = value->as_string();
          if (value && value->is_array()) {
            for (const auto& element : value->as_array()) {
              if (element.is_string()) shown += std::string(element.as_string()) + ";";
            }
          }
          for (const std::string& code : codes) {
            add_error(row.row, field_name, shown, code,
                      field ? registry::DescribeFieldError(code, *field) : code);
          }
        }
        continue;
      }
      json::object written = after;
      if (vendor_links) written["subcontractors"] = json::array();
      std::string action;
      std::int64_t id = 0;
      if (!*existing) {
        auto inserted = store.Insert(entity, written, now);
        if (!inserted) return std::unexpected(inserted.error());
        id = *inserted;
        action = "create";
        ++report.created;
      } else {
        id = (*existing)->id;
        const json::object changes = Diff(entity, before ? &*before : nullptr, after);
        if (changes.empty() && !was_deleted) {
          action = "unchanged";
          ++report.unchanged;
        } else {
          if (auto updated = store.Update(entity, id, written, now); !updated) {
            return std::unexpected(updated.error());
          }
          action = was_deleted ? "restore" : "update";
          ++report.updated;
        }
      }
      if (action != "unchanged") {
        auto history = store.AppendHistory(
            entity, id, action == "create" ? "import_create" : "import_" + action,
            Diff(entity, before ? &*before : nullptr, after), caller.user_id, caller.request_id,
            now);
        if (!history) return std::unexpected(history.error());
        if (vendor_links) deferred_links.emplace_back(id, after);
      }
      ++report.change_count;
      if (report.changes.size() < kReportedChanges)
        report.changes.push_back({row.row, key, action});
    }
    // Vendors may name subcontractors defined later in the same file: link them last.
    for (const auto& [id, record] : deferred_links) {
      if (auto linked = store.Update(entity, id, record, now); !linked) {
        return std::unexpected(linked.error());
      }
    }
    if (!report.errors.empty() || dry_run) return Fail(kRollback);
    if (audit_) {
      AuditEvent event{"import", std::string(entity.table), "",
                       json::object{{"created", report.created},
                                    {"updated", report.updated},
                                    {"unchanged", report.unchanged},
                                    {"rows", table.rows.size()}}};
      if (auto audited = audit_->Record(**connection, caller, event); !audited) return audited;
    }
    return store.BumpGeneration();
  });
  if (!applied && applied.error().code != "rollback") return std::unexpected(applied.error());
  if (applied) generation_.ChangedHere();  // committed (not a dry run, no bad row)
  std::stable_sort(
      report.errors.begin(), report.errors.end(),
      [](const ImportError& left, const ImportError& right) { return left.row < right.row; });
  if (!report.errors.empty()) {  // nothing was written: report no changes
    report.created = report.updated = report.unchanged = 0;
    report.changes.clear();
    report.change_count = 0;
  }
  return report;
}

Result<json::array> RegistryService::Concentration(const Caller& caller,
                                                   std::optional<std::string> as_of,
                                                   std::optional<std::string> agency_code,
                                                   std::string* resolved_as_of) {
  std::string date = domain::ToIsoDate(TaiwanDate(clock_.Now()));
  if (as_of) {
    const auto parsed = domain::ParseDate(*as_of);
    if (!parsed) return Fail(Error::Validation({{"as_of", {"invalidDate"}}}));
    date = domain::ToIsoDate(*parsed);
  }
  if (resolved_as_of) *resolved_as_of = date;
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  RegistryStore store(**connection);
  const storage::Scope scope = ScopeOf(caller, clock_);
  std::optional<std::int64_t> agency_id;
  if (agency_code) {
    auto found = store.FindByKey(EntityKind::kAgency, *agency_code);
    if (!found) return std::unexpected(found.error());
    if (!*found || (*found)->deleted) return Fail(Error::NotFound("No such agency."));
    // The agency must be one the caller may see.
    auto visible = store.Find(registry::Definition(EntityKind::kAgency), scope, (*found)->id);
    if (!visible) return std::unexpected(visible.error());
    if (!*visible) return Fail(Error::NotFound("No such agency."));
    agency_id = (*found)->id;
  }
  auto snapshot = Snapshot(store);
  if (!snapshot) return std::unexpected(snapshot.error());
  registry::ConcentrationScope concentration_scope;
  switch (scope.kind) {
    case storage::Scope::Kind::kEverything:
      concentration_scope.kind = registry::ConcentrationScope::Kind::kEverything;
      break;
    case storage::Scope::Kind::kAgency:
      concentration_scope.kind = registry::ConcentrationScope::Kind::kAgencySubtree;
      break;
    case storage::Scope::Kind::kVendor:
      concentration_scope.kind = registry::ConcentrationScope::Kind::kVendor;
      break;
    case storage::Scope::Kind::kAuditor:  // an audit assignment grants no registry aggregates
    case storage::Scope::Kind::kNothing:
      concentration_scope.kind = registry::ConcentrationScope::Kind::kNothing;
      break;
  }
  concentration_scope.tenant_id = scope.tenant_id;
  const auto as_of_days = static_cast<std::int32_t>(
      std::chrono::sys_days{*domain::ParseDate(date)}.time_since_epoch().count());
  return registry::Concentration(**snapshot, concentration_scope, as_of_days, agency_id);
}

Result<void> RegistryService::Audit(storage::Connection& connection, const Caller& caller,
                                    std::string_view action, const EntityDef& entity,
                                    std::int64_t id, const json::object& changes) {
  if (!audit_) return {};
  return audit_->Record(
      connection, caller,
      {std::string(action), std::string(entity.table), std::to_string(id), changes});
}

Result<void> RegistryService::RecordExport(const Caller& caller, std::string_view what,
                                           const json::object& details) {
  if (!audit_) return {};
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    return audit_->Record(**connection, caller, {"export", std::string(what), "", details});
  });
}

namespace {

/// The version of a read by `caller` at registry generation `generation`.
RegistryService::ReadVersion VersionAt(const Caller& caller, const Clock& clock,
                                       std::int64_t generation) {
  RegistryService::ReadVersion version;
  version.generation = generation;
  const storage::Scope scope = ScopeOf(caller, clock);
  // Scopes that do not depend on the user alone (the authority's, an agency's, a vendor's) are
  // shared by every user with the same tenant; any other scope (auditors' assignments) is keyed
  // by the user, so a new kind of scope cannot share answers by accident.
  const bool tenant_wide = scope.kind == storage::Scope::Kind::kEverything ||
                           scope.kind == storage::Scope::Kind::kAgency ||
                           scope.kind == storage::Scope::Kind::kVendor;
  version.scope_key =
      fmt::format("{}:{}:{}:{}", static_cast<int>(scope.kind), scope.tenant_id,
                  tenant_wide ? std::string("-") : fmt::format("u{}", caller.user_id.value_or(-1)),
                  scope.today);
  return version;
}

}  // namespace

Result<RegistryService::ReadVersion> RegistryService::CurrentReadVersion(
    const Caller& caller, std::optional<std::int64_t> known_generation) {
  if (auto version = FindReadVersionInMemory(caller, known_generation)) return *version;
  const auto epoch = generation_.Epoch();
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto generation = RegistryStore(**connection).Generation();
  if (!generation) return std::unexpected(generation.error());
  generation_.Store("", *generation, epoch);
  return VersionAt(caller, clock_, *generation);
}

std::optional<RegistryService::ReadVersion> RegistryService::FindReadVersionInMemory(
    const Caller& caller, std::optional<std::int64_t> known_generation) {
  if (known_generation) return VersionAt(caller, clock_, *known_generation);
  if (auto cached = generation_.Find("")) return VersionAt(caller, clock_, *cached);
  return std::nullopt;
}

Result<std::shared_ptr<const registry::RegistrySnapshot>> RegistryService::Snapshot(
    storage::RegistryStore& store) {
  auto generation = store.Generation();
  if (!generation) return std::unexpected(generation.error());
  {
    std::lock_guard lock(snapshot_mutex_);
    if (snapshot_ && snapshot_->generation == *generation) return snapshot_;
  }
  // Build outside the lock; concurrent builders race harmlessly and the newest wins.
  auto loaded = store.LoadSnapshot();
  if (!loaded) return std::unexpected(loaded.error());
  auto fresh = std::make_shared<const registry::RegistrySnapshot>(std::move(*loaded));
  std::lock_guard lock(snapshot_mutex_);
  if (!snapshot_ || snapshot_->generation <= fresh->generation) snapshot_ = fresh;
  return fresh;
}

}  // namespace sg::service
