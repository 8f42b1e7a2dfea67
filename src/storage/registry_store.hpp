#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "registry/entity.hpp"
#include "registry/snapshot.hpp"
#include "storage/db.hpp"

namespace sg::storage {

/// Which rows a caller may read. Tenancy is applied here, in every query, not only in handlers.
struct Scope {
  enum class Kind {
    kEverything,  // the authority
    kAgency,      // an agency's users: their agency and the agencies under it
    kVendor,      // a vendor's users: their company, its contracts and the systems they cover
    kAuditor,     // an auditor: what their current audit assignments grant (assignment_store)
    kNothing,     // a user bound to no tenant
  };
  Kind kind = Scope::Kind::kNothing;
  std::int64_t tenant_id = 0;  // agency id, vendor id, or the auditor's user id
  std::string today;           // YYYY-MM-DD, for "in force" windows
  std::string
      vendor_window_start;  // today − 90 days: a vendor keeps reading ended contracts' systems
};

struct SortKey {
  std::string field;
  bool descending = false;
};

/// A list request after parameter parsing; field names are validated by the store.
struct ListQuery {
  int page = 1;
  int per_page = 50;
  std::vector<SortKey> sort;
  std::map<std::string, std::string> filters;
  std::string search;
};

struct ListPage {
  boost::json::array items;
  std::int64_t total = 0;
};

/// A subquery of the ids of the live records of `kind` that `scope` may read, for other
/// modules' lists that follow the registry's tenancy (findings, SBOMs). Its parameters are
/// appended to `params` and numbered after those already there.
std::string VisibleIdsSubquery(registry::EntityKind kind, const Scope& scope,
                               std::vector<Param>& params);

/// The registry's four collections over one Connection, in either dialect.
class RegistryStore {
 public:
  explicit RegistryStore(Connection& connection) : connection_(connection) {}

  Result<ListPage> List(const registry::EntityDef& entity, const Scope& scope,
                        const ListQuery& query);
  /// The record with server id `id` if it exists, is not deleted and is within `scope`.
  Result<std::optional<boost::json::object>> Find(const registry::EntityDef& entity,
                                                  const Scope& scope, std::int64_t id);

  struct KeyMatch {
    std::int64_t id;
    bool deleted;
  };
  /// Looks a record up by natural key, deleted or not, ignoring scope (for imports and
  /// uniqueness checks; callers must apply their own rights).
  Result<std::optional<KeyMatch>> FindByKey(registry::EntityKind kind, std::string_view key);
  /// Full record by id regardless of scope or deletion (to compute history diffs).
  Result<std::optional<boost::json::object>> Load(const registry::EntityDef& entity,
                                                  std::int64_t id);

  /// Inserts a complete, validated record whose references exist; returns the new id.
  Result<std::int64_t> Insert(const registry::EntityDef& entity, const boost::json::object& record,
                              std::string_view now);
  /// Replaces every field of the record (and clears deleted_at).
  Result<void> Update(const registry::EntityDef& entity, std::int64_t id,
                      const boost::json::object& record, std::string_view now);
  Result<void> SoftDelete(const registry::EntityDef& entity, std::int64_t id, std::string_view now);

  /// Natural keys among `keys` that name no live record of `kind`.
  Result<std::vector<std::string>> MissingKeys(registry::EntityKind kind,
                                               const std::vector<std::string>& keys);
  /// Keys among `system_keys` of systems that do not belong to the agency `agency_code`.
  Result<std::vector<std::string>> SystemsOutsideAgency(const std::vector<std::string>& system_keys,
                                                        std::string_view agency_code);
  /// True when making `parent_code` the parent of agency `code` would create a cycle.
  Result<bool> WouldCreateCycle(std::string_view code, std::string_view parent_code);

  Result<void> AppendHistory(const registry::EntityDef& entity, std::int64_t id,
                             std::string_view action, const boost::json::object& changes,
                             std::optional<std::int64_t> user_id, std::string_view request_id,
                             std::string_view now);
  Result<boost::json::array> History(const registry::EntityDef& entity, std::int64_t id);

  /// The registry generation: a number every registry write transaction increases, so caches of
  /// derived data (snapshots) know when they are stale, across processes.
  Result<std::int64_t> Generation();
  Result<void> BumpGeneration();
  /// The live relations of the whole registry, for in-memory aggregates.
  Result<registry::RegistrySnapshot> LoadSnapshot();

 private:
  Connection& connection_;
};

}  // namespace sg::storage
