#pragma once

#include <memory>
#include <string_view>

#include "storage/db.hpp"

namespace sg::storage {

/// Opens (creating if missing) an SQLite database file in WAL mode with synchronous=FULL,
/// foreign keys on and a busy timeout. Each pooled connection has its own statement cache.
Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, int pool_size);

}  // namespace sg::storage
