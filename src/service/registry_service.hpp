#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "importer/table.hpp"
#include "registry/entity.hpp"
#include "registry/snapshot.hpp"
#include "service/audit_trail.hpp"
#include "service/caller.hpp"
#include "service/epoch_cache.hpp"
#include "storage/db.hpp"
#include "storage/registry_store.hpp"

namespace sg::service {

/// One bad cell (or row) of an import: row numbers count the header as row 1.
struct ImportError {
  std::size_t row = 0;
  std::string column;
  std::string value;
  std::string code;
  std::string message;
};

struct ImportChange {
  std::size_t row = 0;
  std::string key;
  std::string action;  // create, update, restore, unchanged
};

/// The answer to an import (API.md): counts, every error, and the changes (first 1,000).
struct ImportReport {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  bool dry_run = false;
  std::vector<ImportError> errors;
  std::vector<ImportChange> changes;
  std::size_t change_count = 0;
};

/// The registry's use cases: reads scoped by tenancy, writes checked against the caller's rights
/// (API.md "Who may write what"), every change recorded in the record's history.
class RegistryService {
 public:
  RegistryService(storage::Database& database, const Clock& clock, AuditTrail* audit = nullptr)
      : database_(database), clock_(clock), audit_(audit), generation_(database, 1, kCacheTtl) {}

  Result<storage::ListPage> List(const Caller& caller, registry::EntityKind kind,
                                 const storage::ListQuery& query);
  Result<boost::json::object> Get(const Caller& caller, registry::EntityKind kind,
                                  std::string_view id);
  Result<boost::json::object> Create(const Caller& caller, registry::EntityKind kind,
                                     const boost::json::object& body);
  Result<boost::json::object> Update(const Caller& caller, registry::EntityKind kind,
                                     std::string_view id, const boost::json::object& body);
  Result<void> Delete(const Caller& caller, registry::EntityKind kind, std::string_view id);
  Result<boost::json::array> History(const Caller& caller, registry::EntityKind kind,
                                     std::string_view id);

  /// Validates the whole table, then applies it in one transaction (or, for a dry run, applies
  /// and rolls back). Any error means nothing is written; the report lists every error.
  Result<ImportReport> Import(const Caller& caller, registry::EntityKind kind,
                              const importer::Table& table, bool dry_run);

  /// What a read by `caller` depends on besides the request itself: the registry generation
  /// (moved by every write, by any server process) and a key of the caller's scope and today's
  /// date. Two reads with equal versions and equal requests get equal answers.
  struct ReadVersion {
    std::int64_t generation = 0;
    std::string scope_key;
  };
  /// `known_generation`: the generation already read in this request (with the session), which
  /// saves a round trip; otherwise it is read here.
  Result<ReadVersion> CurrentReadVersion(const Caller& caller,
                                         std::optional<std::int64_t> known_generation = {});
  /// The same from memory only, without blocking: absent when the generation would have to be
  /// read from the database.
  std::optional<ReadVersion> FindReadVersionInMemory(
      const Caller& caller, std::optional<std::int64_t> known_generation = {});

  /// Records an export (a CSV download of a report) in the audit log.
  Result<void> RecordExport(const Caller& caller, std::string_view what,
                            const boost::json::object& details);

  /// Seed 000's table for the caller's tenancy, optionally restricted to an agency subtree.
  Result<boost::json::array> Concentration(const Caller& caller, std::optional<std::string> as_of,
                                           std::optional<std::string> agency_code,
                                           std::string* resolved_as_of);

 private:
  /// The registry snapshot for aggregates, rebuilt when the database's registry generation moved
  /// (a write by this or another server process).
  Result<std::shared_ptr<const registry::RegistrySnapshot>> Snapshot(storage::RegistryStore& store);

  Result<void> Audit(storage::Connection& connection, const Caller& caller, std::string_view action,
                     const registry::EntityDef& entity, std::int64_t id,
                     const boost::json::object& changes);

  storage::Database& database_;
  const Clock& clock_;
  AuditTrail* audit_;  // every write and export is recorded here (may be null in tests)
  std::mutex snapshot_mutex_;
  std::shared_ptr<const registry::RegistrySnapshot> snapshot_;
  /// The registry generation, kept while the change feed shows no change (PostgreSQL servers).
  static constexpr std::chrono::seconds kCacheTtl{5};
  EpochCache<std::int64_t> generation_;
};

}  // namespace sg::service
