#include "audit/commands.hpp"

#include <fmt/format.h>

#include "audit/chain.hpp"
#include "storage/db.hpp"

namespace sg::audit {
namespace {

/// Verification reads in batches on one connection; pruning and anchoring need one too.
constexpr int kPoolSize = 1;

/// Opens an existing database: a SQLite file that is missing is not created.
Result<storage::ConnectionLease> Connect(std::string_view db_url,
                                         std::unique_ptr<storage::Database>& database) {
  constexpr std::string_view kSqlitePrefix = "sqlite:";
  if (db_url.starts_with(kSqlitePrefix)) {
    const std::filesystem::path path(db_url.substr(kSqlitePrefix.size()));
    std::error_code ignored;
    if (!std::filesystem::exists(path, ignored)) {
      return Fail(
          Error::NotFound(fmt::format("The database file {} does not exist.", path.string())));
    }
  }
  auto opened = storage::OpenDatabase(db_url, kPoolSize);
  if (!opened) return std::unexpected(opened.error());
  database = std::move(*opened);
  return database->Acquire();
}

}  // namespace

Result<ServerKey> OpenServerKey(std::string_view db_url,
                                const std::optional<std::filesystem::path>& key_file) {
  std::optional<std::filesystem::path> path = key_file ? key_file : DefaultKeyPath(db_url);
  if (!path) {
    return Fail(Error::BadRequest(
        "A PostgreSQL database has no default audit key file: give its path.", "auditKeyRequired"));
  }
  return ServerKey::LoadOrCreate(*path);
}

Result<VerifyReport> VerifyDatabase(std::string_view db_url,
                                    const std::optional<std::filesystem::path>& key_file) {
  std::optional<PublicKey> trusted_key;
  if (key_file) {
    auto loaded = LoadPublicKey(*key_file);
    if (!loaded) return std::unexpected(loaded.error());
    trusted_key = *loaded;
  } else if (auto path = DefaultKeyPath(db_url); path && std::filesystem::exists(*path)) {
    auto loaded = LoadPublicKey(*path);
    if (!loaded) return std::unexpected(loaded.error());
    trusted_key = *loaded;
  }
  std::unique_ptr<storage::Database> database;
  auto connection = Connect(db_url, database);
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  return Verify(store, trusted_key);
}

Result<PruneReport> PruneDatabase(std::string_view db_url, int retention_months,
                                  const std::filesystem::path& export_path,
                                  const std::optional<std::filesystem::path>& key_file) {
  const auto now = std::chrono::system_clock::now();
  auto cut = RetentionCut(now, retention_months);
  if (!cut) return std::unexpected(cut.error());
  auto key = OpenServerKey(db_url, key_file);
  if (!key) return std::unexpected(key.error());
  std::unique_ptr<storage::Database> database;
  auto connection = Connect(db_url, database);
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  return Prune(store, *key, *cut, export_path, UtcTimestamp(now));
}

Result<std::optional<storage::AuditAnchor>> AnchorDatabase(
    std::string_view db_url, const std::optional<std::filesystem::path>& key_file) {
  auto key = OpenServerKey(db_url, key_file);
  if (!key) return std::unexpected(key.error());
  std::unique_ptr<storage::Database> database;
  auto connection = Connect(db_url, database);
  if (!connection) return std::unexpected(connection.error());
  storage::AuditStore store(**connection);
  return Anchor(store, *key, UtcTimestamp(std::chrono::system_clock::now()));
}

}  // namespace sg::audit
