#include "storage/sqlite_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sg::storage {
namespace {

/// The statement with PostgreSQL's `$N` placeholders written as SQLite's numbered `?N` (outside
/// quoted text). SQLite treats `$N` as a name and finds each by a linear search, while parsing
/// and binding alike — quadratic in a multi-row INSERT of thousands of values; `?N` is a slot.
std::string NumberedPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t index = 0; index < sql.size(); ++index) {
    const char c = sql[index];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && index + 1 < sql.size() && sql[index + 1] >= '0' &&
               sql[index + 1] <= '9') {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

constexpr int kBusyTimeoutMs = 10000;
constexpr std::string_view kConnectionPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
    " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16384; PRAGMA mmap_size=268435456;";

Error MapSqliteError(sqlite3* handle, int code, std::string_view what) {
  const int extended = handle ? sqlite3_extended_errcode(handle) : code;
  std::string detail =
      fmt::format("sqlite {} failed: {} ({})", what,
                  handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code), extended);
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: {
      Error error =
          Error::Conflict("A record with the same key already exists.", "uniqueViolation");
      error.detail = std::move(detail);
      return error;
    }
    case SQLITE_CONSTRAINT_FOREIGNKEY: {
      Error error = Error::Conflict("The record refers to, or is referred to by, another record.",
                                    "foreignKeyViolation");
      error.detail = std::move(detail);
      return error;
    }
    case SQLITE_CONSTRAINT_CHECK: {
      Error error = Error::Conflict("The record breaks a rule of the database.", "checkViolation");
      error.detail = std::move(detail);
      return error;
    }
    default:
      break;
  }
  if ((code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED) {
    Error error = Error::Unavailable(std::move(detail));
    error.code = "retry";
    return error;
  }
  return Error::Internal(std::move(detail));
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* handle) : handle_(handle) {}
  ~SqliteConnection() override {
    statements_.clear();
    sqlite3_close_v2(handle_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<QueryResult> Query(std::string_view sql, std::span<const Param> params) override {
    auto prepared = Prepare(sql);
    if (!prepared) return std::unexpected(prepared.error());
    sqlite3_stmt* statement = *prepared;
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    // Placeholders are numbered (`?N`, see Prepare), so parameter N binds to position N.
    const auto count = static_cast<std::size_t>(sqlite3_bind_parameter_count(statement));
    if (count > params.size()) {
      return Fail(Error::Internal(fmt::format("the statement has {} placeholders but {} parameters",
                                              count, params.size())));
    }
    for (std::size_t index = 0; index < count; ++index) {
      const int position = static_cast<int>(index + 1);
      const Param& param = params[index];
      int bound = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(param)) {
        bound = sqlite3_bind_null(statement, position);
      } else if (const auto* value = std::get_if<std::int64_t>(&param)) {
        bound = sqlite3_bind_int64(statement, position, *value);
      } else {
        const auto& text = std::get<std::string>(param);
        bound = sqlite3_bind_text(statement, position, text.data(), static_cast<int>(text.size()),
                                  SQLITE_TRANSIENT);
      }
      if (bound != SQLITE_OK) return Fail(MapSqliteError(handle_, bound, "bind"));
    }
    QueryResult result;
    const int columns = sqlite3_column_count(statement);
    while (true) {
      const int step = sqlite3_step(statement);
      if (step == SQLITE_DONE) break;
      if (step != SQLITE_ROW) {
        Error error = MapSqliteError(handle_, step, "step");
        sqlite3_reset(statement);
        return Fail(std::move(error));
      }
      Row row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int column = 0; column < columns; ++column) {
        if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
          row.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))));
        }
      }
      result.rows.push_back(std::move(row));
    }
    result.affected = sqlite3_changes64(handle_);
    sqlite3_reset(statement);
    return result;
  }

  Result<void> ExecScript(std::string_view sql) override {
    char* message = nullptr;
    const std::string script(sql);
    const int code = sqlite3_exec(handle_, script.c_str(), nullptr, nullptr, &message);
    if (message) sqlite3_free(message);
    if (code != SQLITE_OK) return Fail(MapSqliteError(handle_, code, "exec"));
    return {};
  }

  // Writers take the write lock up front: a deferred transaction that later writes can fail with
  // SQLITE_BUSY without waiting, which the busy timeout cannot help.
  Result<void> Begin() override { return ExecScript("BEGIN IMMEDIATE"); }
  Result<void> Commit() override { return ExecScript("COMMIT"); }
  Result<void> Rollback() override {
    if (sqlite3_get_autocommit(handle_)) return {};
    return ExecScript("ROLLBACK");
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto found = statements_.find(std::string(sql));
    if (found != statements_.end()) return found->second.get();
    sqlite3_stmt* statement = nullptr;
    const std::string numbered = NumberedPlaceholders(sql);
    const int code = sqlite3_prepare_v3(handle_, numbered.data(), static_cast<int>(numbered.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) return Fail(MapSqliteError(handle_, code, "prepare"));
    statements_.emplace(std::string(sql), StatementPtr(statement));
    return statement;
  }

  sqlite3* handle_;
  std::unordered_map<std::string, StatementPtr> statements_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, int pool_size)
      : path_(std::move(path)), pool_size_(pool_size < 1 ? 1 : pool_size) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<ConnectionLease> Acquire() override {
    std::unique_lock lock(mutex_);
    const bool available = returned_.wait_for(lock, std::chrono::seconds(30),
                                              [&] { return !idle_.empty() || open_ < pool_size_; });
    if (!available) return Fail(Error::Unavailable("sqlite pool exhausted"));
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return ConnectionLease(this, std::move(connection));
    }
    ++open_;
    lock.unlock();
    auto opened = Open();
    if (!opened) {
      std::lock_guard relock(mutex_);
      --open_;
      returned_.notify_one();
      return std::unexpected(opened.error());
    }
    return ConnectionLease(this, std::move(*opened));
  }

  Result<std::unique_ptr<Connection>> Open() {
    sqlite3* handle = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int code = sqlite3_open_v2(path_.c_str(), &handle, flags, nullptr);
    if (code != SQLITE_OK) {
      Error error =
          Error::Unavailable(fmt::format("cannot open sqlite database {}: {}", path_,
                                         handle ? sqlite3_errmsg(handle) : sqlite3_errstr(code)));
      error.message = fmt::format("Cannot open the database file {}.", path_);
      sqlite3_close_v2(handle);
      return Fail(std::move(error));
    }
    sqlite3_busy_timeout(handle, kBusyTimeoutMs);
    sqlite3_extended_result_codes(handle, 1);
    auto connection = std::make_unique<SqliteConnection>(handle);
    if (auto configured = connection->ExecScript(kConnectionPragmas); !configured) {
      Error error = configured.error();
      error.message = fmt::format("Cannot use {} as a database file.", path_);
      return Fail(std::move(error));
    }
    return std::unique_ptr<Connection>(std::move(connection));
  }

 protected:
  void Release(std::unique_ptr<Connection> connection) override {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
    returned_.notify_one();
  }

 private:
  std::string path_;
  int pool_size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, int pool_size) {
  // Memory statistics take one process-wide mutex on every allocation, which serialises the
  // pool's connections under load; the platform does not read them. Must precede the library's
  // initialisation (a later call fails harmlessly with SQLITE_MISUSE).
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto database = std::make_unique<SqliteDatabase>(std::string(path), pool_size);
  auto first = database->Acquire();  // fail fast on an unusable path
  if (!first) return std::unexpected(first.error());
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace sg::storage
