#include "storage/db.hpp"

#include "storage/postgres_database.hpp"
#include "storage/sqlite_database.hpp"

namespace sg::storage {

ConnectionLease::ConnectionLease(Database* owner, std::unique_ptr<Connection> connection)
    : owner_(owner), connection_(std::move(connection)) {}

ConnectionLease& ConnectionLease::operator=(ConnectionLease&& other) noexcept {
  if (this != &other) {
    if (connection_ && owner_) owner_->Release(std::move(connection_));
    owner_ = other.owner_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

ConnectionLease::~ConnectionLease() {
  if (connection_ && owner_) owner_->Release(std::move(connection_));
}

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url, int pool_size) {
  if (url.starts_with("sqlite:")) {
    url.remove_prefix(std::string_view("sqlite:").size());
    if (url.starts_with("//")) url.remove_prefix(2);
    if (url.empty()) return Fail(Error::BadRequest("The SQLite URL names no file."));
    return OpenSqlite(url, pool_size);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(url, pool_size);
  }
  return Fail(Error::BadRequest(
      "Unknown database URL: use sqlite:PATH or postgresql://USER@HOST:PORT/DB."));
}

}  // namespace sg::storage
