#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "storage/db.hpp"

namespace sg::storage {

/// A user account as stored. `agency_code` / `vendor_tax_id` name the tenant it is bound to.
struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  std::string password_hash;
  std::string role;
  std::optional<std::int64_t> agency_id;
  std::optional<std::int64_t> vendor_id;
  std::optional<std::string> agency_code;
  std::optional<std::string> vendor_tax_id;
  bool tenant_admin = false;
  bool disabled = false;
  bool must_change_password = false;
};

struct NewUser {
  std::string email;
  std::string password_hash;
  std::string role;
  std::optional<std::int64_t> agency_id;
  std::optional<std::int64_t> vendor_id;
  bool tenant_admin = false;
  bool must_change_password = false;
};

/// A server-side session, looked up by the SHA-256 of its cookie value.
struct SessionRecord {
  std::string token_hash;
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
};

/// Users and sessions.
class AccountStore {
 public:
  explicit AccountStore(Connection& connection) : connection_(connection) {}

  Result<std::int64_t> CountUsers();
  Result<std::int64_t> InsertUser(const NewUser& user, std::string_view now);
  Result<std::optional<UserRecord>> FindUserByEmail(std::string_view email);
  Result<std::optional<UserRecord>> FindUserById(std::int64_t id);
  Result<void> SetPassword(std::int64_t user_id, std::string_view password_hash,
                           std::string_view now);

  Result<void> InsertSession(const SessionRecord& session);
  Result<std::optional<SessionRecord>> FindSession(std::string_view token_hash);
  /// The session of a token hash together with its user (one statement).
  Result<std::optional<std::pair<SessionRecord, UserRecord>>> FindSessionAndUser(
      std::string_view token_hash);
  Result<void> TouchSession(std::string_view token_hash, std::string_view now);
  Result<void> DeleteSession(std::string_view token_hash);
  /// Removes sessions idle since before `idle_cutoff` or created before `absolute_cutoff`.
  Result<void> DeleteExpiredSessions(std::string_view idle_cutoff,
                                     std::string_view absolute_cutoff);

 private:
  Connection& connection_;
};

}  // namespace sg::storage
