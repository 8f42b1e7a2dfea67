#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "service/caller.hpp"
#include "storage/db.hpp"

namespace sg::service {

struct SessionPolicy {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};
};

struct NewAccount {
  std::string email;
  std::string role;
  std::optional<std::string> agency_code;
  std::optional<std::string> vendor_tax_id;
  std::string password;
  bool tenant_admin = false;
  bool must_change_password = false;
};

/// A signed-in session: the caller it stands for, its CSRF token and the user as the API shows it.
struct SessionView {
  Caller caller;
  std::string csrf_token;
  boost::json::object user;
};

struct SignedIn {
  std::string token;  // the cookie value; only its hash is stored
  SessionView view;
};

/// Accounts and server-side sessions.
class AccountService {
 public:
  AccountService(storage::Database& database, const Clock& clock, SessionPolicy policy)
      : database_(database), clock_(clock), policy_(policy) {}

  Result<std::int64_t> AddUser(const NewAccount& account);
  Result<bool> HasUsers();
  /// Checks the password (same answer and cost for an unknown account) and opens a session.
  Result<SignedIn> SignIn(std::string_view email, std::string_view password,
                          std::string_view source_ip);
  /// The session for a cookie value, if valid and not expired; refreshes its idle timer.
  Result<SessionView> Authenticate(std::string_view token);
  Result<void> SignOut(std::string_view token);
  Result<void> ChangePassword(const Caller& caller, std::string_view current_password,
                              std::string_view new_password);

 private:
  storage::Database& database_;
  const Clock& clock_;
  SessionPolicy policy_;
};

}  // namespace sg::service
