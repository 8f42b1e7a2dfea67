#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "storage/db.hpp"

namespace sg::storage {

/// How long Acquire waits for a free connection before it gives up with Error::Unavailable.
inline constexpr std::chrono::milliseconds kPostgresAcquireTimeout{10'000};

/// Opens a pool of at most `pool_size` libpq connections to `uri` (a libpq URI such as
/// `postgresql://user:pass@host:port/db`, or a key=value string). Connects once at once, so that a
/// wrong address or password fails here; the error's detail names the server but never the
/// password. Connections use UTF-8, and each caches its prepared statements by SQL text.
Result<std::unique_ptr<Database>> OpenPostgres(
    std::string_view uri, int pool_size,
    std::chrono::milliseconds acquire_timeout = kPostgresAcquireTimeout);

/// Maps a failed PostgreSQL operation to an Error, with the same codes as the SQLite back-end:
/// 23505 → conflict "uniqueViolation", 23503 → "foreignKeyViolation", 23514 → "checkViolation",
/// 40001/40P01 → unavailable "retry", a lost connection (class 08, an administrator's shutdown,
/// or no result at all) → unavailable, anything else → internal. `detail` is only logged.
Error MapPostgresError(std::string_view sqlstate, bool connection_lost, std::string detail);

class PostgresConnection;

/// A thread-safe pool of PostgreSQL connections. A connection that broke while leased is closed
/// instead of returned to the pool, and one found dead in the pool is replaced on Acquire.
class PostgresDatabase final : public Database {
 public:
  ~PostgresDatabase() override;
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<ConnectionLease> Acquire() override;
  /// LISTENs on `sg_changes` from a thread and connection of its own (reconnecting with back-off);
  /// fails when the first connection fails.
  Result<bool> StartChangeFeed() override;
  ChangeFeed* changes() override { return feed_.get(); }

 protected:
  void Release(std::unique_ptr<Connection> connection) override;

 private:
  friend Result<std::unique_ptr<Database>> OpenPostgres(std::string_view uri, int pool_size,
                                                        std::chrono::milliseconds acquire_timeout);

  PostgresDatabase(std::string uri, std::string target,
                   std::shared_ptr<const std::vector<std::string>> secrets, int pool_size,
                   std::chrono::milliseconds acquire_timeout);
  Result<std::unique_ptr<PostgresConnection>> Connect() const;

  const std::string uri_;
  /// `user@host:port/db`, to name the server in errors without the password.
  const std::string target_;
  /// Texts (the password, raw and decoded) that are scrubbed from every error detail.
  const std::shared_ptr<const std::vector<std::string>> secrets_;
  const int pool_size_;
  const std::chrono::milliseconds acquire_timeout_;

  std::unique_ptr<ChangeFeed> feed_;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;  // guarded by mutex_
  int open_ = 0;  // connections idle or leased, guarded by mutex_
};

}  // namespace sg::storage
