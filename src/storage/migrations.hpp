#pragma once

#include "storage/db.hpp"

namespace sg::storage {

/// Applies every migration newer than the database's version, each in its own transaction, and
/// returns the number applied. Safe to run concurrently from several processes: the version
/// table's primary key makes a second applier fail and retry-free callers see a conflict.
Result<int> Migrate(Connection& connection);

/// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace sg::storage
