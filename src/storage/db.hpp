#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace sg::storage {

/// The SQL dialect of a back-end. Almost every statement is written once in the subset both
/// SQLite 3.40 and PostgreSQL 15 accept; the few that differ are kept as pairs of constants.
enum class Dialect { kSqlite, kPostgres };

/// A bound parameter. Booleans are stored as integers 0/1 in both back-ends.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;

/// One result row: every column as text (NULL as nullopt), in the order of the SELECT list.
using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
};

/// A connection to one database. Statements use `$1`, `$2`, ... placeholders in both dialects.
/// Not thread-safe: one thread uses a connection at a time (leases from Database guarantee it).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  /// Runs one statement with parameters and returns its rows.
  virtual Result<QueryResult> Query(std::string_view sql, std::span<const Param> params) = 0;
  /// Runs a script of several statements without parameters (migrations).
  virtual Result<void> ExecScript(std::string_view sql) = 0;
  virtual Result<void> Begin() = 0;
  virtual Result<void> Commit() = 0;
  virtual Result<void> Rollback() = 0;

  Result<QueryResult> Query(std::string_view sql) { return Query(sql, {}); }
  Result<QueryResult> Query(std::string_view sql, std::initializer_list<Param> params) {
    return Query(sql, std::span<const Param>(params.begin(), params.size()));
  }
};

class Database;

/// A connection borrowed from a Database's pool; returned when the lease is destroyed.
class ConnectionLease {
 public:
  ConnectionLease(Database* owner, std::unique_ptr<Connection> connection);
  ConnectionLease(ConnectionLease&&) noexcept = default;
  /// Returns the connection held before taking `other`'s, so the pool never loses a place.
  ConnectionLease& operator=(ConnectionLease&& other) noexcept;
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;
  ~ConnectionLease();

  Connection& operator*() { return *connection_; }
  Connection* operator->() { return connection_.get(); }

 private:
  Database* owner_;
  std::unique_ptr<Connection> connection_;
};

/// Follows the changes that any process makes to the tables authentication and cached reads
/// depend on (users, sessions, API tokens, the registry generation), so a server may keep them in
/// memory instead of reading them on every request. The epoch moves on every such change; a value
/// cached under an older epoch is stale.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  /// The current epoch, or nothing while changes cannot be followed (the feed's connection is
  /// down): then nothing may be served from memory.
  virtual std::optional<std::uint64_t> Epoch() const = 0;
  /// A change this process made: moves the epoch at once, before the database's own notice.
  virtual void Bump() = 0;
};

/// A pool of connections to one database (SQLite file or PostgreSQL server).
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  /// Starts following changes (PostgreSQL: LISTEN on a connection of its own, fed by the
  /// triggers of migration 8). False where the back-end has no such feed (SQLite).
  virtual Result<bool> StartChangeFeed() { return false; }
  /// The feed once started, else nullptr.
  virtual ChangeFeed* changes() { return nullptr; }
  /// Borrows a connection, opening one when the pool is empty and below its size, otherwise
  /// waiting for one to be returned.
  virtual Result<ConnectionLease> Acquire() = 0;

 protected:
  friend class ConnectionLease;
  virtual void Release(std::unique_ptr<Connection> connection) = 0;
};

/// Opens a database from a URL: `sqlite:PATH` (created if missing) or
/// `postgresql://user:pass@host:port/db?...` (libpq URI). `pool_size` caps open connections.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url, int pool_size = 8);

/// Runs `body` inside a transaction on `connection`: commits when it returns a value, rolls back
/// when it returns an error or throws.
template <typename Body>
auto InTransaction(Connection& connection, Body&& body) -> decltype(body()) {
  if (auto begun = connection.Begin(); !begun) return std::unexpected(begun.error());
  try {
    auto result = body();
    if (!result) {
      (void)connection.Rollback();
      return result;
    }
    if (auto committed = connection.Commit(); !committed) {
      (void)connection.Rollback();
      return std::unexpected(committed.error());
    }
    return result;
  } catch (...) {
    (void)connection.Rollback();
    throw;
  }
}

}  // namespace sg::storage
