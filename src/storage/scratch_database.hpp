#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::storage {

/// A fresh, empty database of one back-end for the contract tests, removed when destroyed:
/// a SQLite file in a scratch folder, or a PostgreSQL database created on the server that
/// SG_TEST_POSTGRES_URL names. Both back-ends also get the scratch folder (for key files).
class ScratchDatabase {
 public:
  /// SG_TEST_POSTGRES_URL, or null when PostgreSQL tests are to be skipped.
  static const char* PostgresUrl();
  /// `backend` is "sqlite" or "postgres"; `prefix` names the folder and the database.
  static Result<std::unique_ptr<ScratchDatabase>> Create(std::string_view backend,
                                                         std::string_view prefix);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  /// The database's URL for OpenDatabase.
  const std::string& url() const { return url_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  ScratchDatabase() = default;

  std::string url_;
  std::filesystem::path directory_;
  std::string admin_url_;      // PostgreSQL: where the database was created
  std::string database_name_;  // PostgreSQL: dropped at the end
};

}  // namespace sg::storage
