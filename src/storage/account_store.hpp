#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
  bool password_set = true;  // false until an invited user sets one
  std::string password_changed_at;
  std::optional<std::string> mfa_secret;          // sealed with the server's data key
  std::optional<std::string> mfa_pending_secret;  // an enrolment waiting for its first code
  std::int64_t mfa_last_step = 0;                 // the last TOTP step accepted (no replay)
  int failed_sign_ins = 0;
  std::optional<std::string> locked_until;
  std::optional<std::string> last_sign_in_at;
  std::optional<std::string> expires_at;
  std::string created_at;
};

struct NewUser {
  std::string email;
  std::string password_hash;
  std::string role;
  std::optional<std::int64_t> agency_id;
  std::optional<std::int64_t> vendor_id;
  bool tenant_admin = false;
  bool must_change_password = false;
  bool password_set = true;
  std::optional<std::string> expires_at;
};

/// A server-side session, looked up by the SHA-256 of its cookie value.
struct SessionRecord {
  std::string token_hash;
  std::int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string last_seen_at;
  std::string public_id;  // shown in the session list; not a credential
  std::string source_ip;
  std::string user_agent;
  bool enrolment_only = false;  // may only enrol MFA (profile tw-high, account without MFA)
  /// The registry generation, read in the same statement by FindSessionAndUser so a cached read
  /// needs no second round trip.
  std::optional<std::int64_t> registry_generation;
};

/// A machine token; only the SHA-256 of its value is stored.
struct TokenRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::string token_hash;
  std::string scopes;  // space-separated
  std::string created_at;
  std::string expires_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
  /// As SessionRecord::registry_generation, read by FindTokenAndUser.
  std::optional<std::int64_t> registry_generation;
};

/// A one-time link that sets a password: an administrator's invitation (or new link), or a
/// self-service reset requested by e-mail. Only the SHA-256 of its token is stored.
struct InvitationRecord {
  std::string token_hash;
  std::int64_t user_id = 0;
  std::optional<std::int64_t> created_by;  // null for a self-service reset
  std::string created_at;
  std::string expires_at;
  std::optional<std::string> used_at;
  std::string purpose = "invitation";  // "invitation" or "reset"
};

/// An account that has not been used since a cut-off (附表十: idle accounts are disabled).
struct IdleUser {
  std::int64_t id = 0;
  std::string email;
  std::string last_active_at;  // the last sign-in, or the creation when never signed in
};

/// Which users a list shows: all (the authority) or one tenant's (a tenant admin).
struct UserFilter {
  std::optional<std::int64_t> agency_id;
  std::optional<std::int64_t> vendor_id;
  std::optional<std::string> role;
  std::optional<bool> disabled;
  std::string search;  // in the e-mail
  int page = 1;
  int per_page = 50;
};

/// Users, sessions, password history, recovery codes, invitations and API tokens.
class AccountStore {
 public:
  explicit AccountStore(Connection& connection) : connection_(connection) {}

  Result<std::int64_t> CountUsers();
  Result<std::int64_t> InsertUser(const NewUser& user, std::string_view now);
  Result<std::optional<UserRecord>> FindUserByEmail(std::string_view email);
  Result<std::optional<UserRecord>> FindUserById(std::int64_t id);
  Result<std::pair<std::vector<UserRecord>, std::int64_t>> ListUsers(const UserFilter& filter);
  /// Sets the password, clears the forced change, and keeps the old hash in the history.
  Result<void> SetPassword(std::int64_t user_id, std::string_view password_hash,
                           std::string_view now);
  /// The user's previous password hashes, newest first (at most `depth`).
  Result<std::vector<std::string>> PasswordHistory(std::int64_t user_id, int depth);
  Result<void> AddPasswordHistory(std::int64_t user_id, std::string_view password_hash,
                                  std::string_view now);
  /// Re-enabling (disabled true → false) also sets `enabled_at`, which restarts the idle clock.
  Result<void> UpdateAdministration(std::int64_t user_id, std::string_view role, bool tenant_admin,
                                    bool disabled, const std::optional<std::string>& expires_at,
                                    std::string_view now);
  /// Enabled accounts whose last sign-in (or creation, if never) and last re-enabling are both
  /// before `cutoff`.
  Result<std::vector<IdleUser>> IdleUsers(std::string_view cutoff);
  /// Disables an enabled account; false when it was disabled already.
  Result<bool> DisableUser(std::int64_t user_id, std::string_view now);
  Result<void> RecordSignInFailure(std::int64_t user_id, int failures,
                                   const std::optional<std::string>& locked_until);
  Result<void> RecordSignIn(std::int64_t user_id, std::string_view now);
  Result<void> SetMfa(std::int64_t user_id, const std::optional<std::string>& secret,
                      const std::optional<std::string>& pending_secret, std::int64_t last_step);
  /// Accepts a TOTP step only if it is later than the last one accepted (atomic compare-and-set).
  Result<bool> UseMfaStep(std::int64_t user_id, std::int64_t step);

  Result<void> ReplaceRecoveryCodes(std::int64_t user_id, const std::vector<std::string>& hashes);
  /// Marks one unused recovery code used; false when none matches.
  Result<bool> UseRecoveryCode(std::int64_t user_id, std::string_view code_hash,
                               std::string_view now);

  Result<void> InsertSession(const SessionRecord& session);
  Result<std::optional<SessionRecord>> FindSession(std::string_view token_hash);
  /// The session of a token hash together with its user (one statement).
  Result<std::optional<std::pair<SessionRecord, UserRecord>>> FindSessionAndUser(
      std::string_view token_hash);
  Result<std::vector<SessionRecord>> SessionsOf(std::int64_t user_id);
  Result<void> TouchSession(std::string_view token_hash, std::string_view now);
  Result<void> DeleteSession(std::string_view token_hash);
  Result<bool> DeleteSessionByPublicId(std::int64_t user_id, std::string_view public_id);
  /// Ends every session of the user except `keep_token_hash` (empty: all).
  Result<void> DeleteSessionsOf(std::int64_t user_id, std::string_view keep_token_hash);
  /// Removes sessions idle since before `idle_cutoff` or created before `absolute_cutoff`.
  Result<void> DeleteExpiredSessions(std::string_view idle_cutoff,
                                     std::string_view absolute_cutoff);

  Result<void> InsertInvitation(const InvitationRecord& invitation);
  Result<std::optional<InvitationRecord>> FindInvitation(std::string_view token_hash);
  Result<void> UseInvitation(std::string_view token_hash, std::string_view now);
  /// Every unused link of the user becomes unusable (a new link replaces them).
  Result<void> RetireInvitations(std::int64_t user_id, std::string_view now);
  /// Every unused link of one purpose becomes unusable.
  Result<void> RetireLinks(std::int64_t user_id, std::string_view purpose, std::string_view now);

  Result<std::int64_t> InsertToken(const TokenRecord& token);
  Result<std::optional<std::pair<TokenRecord, UserRecord>>> FindTokenAndUser(
      std::string_view token_hash);
  Result<std::vector<TokenRecord>> TokensOf(std::int64_t user_id);
  Result<bool> RevokeToken(std::int64_t user_id, std::int64_t token_id, std::string_view now);
  Result<void> RevokeTokensOf(std::int64_t user_id, std::string_view now);
  Result<void> TouchToken(std::int64_t token_id, std::string_view now);

 private:
  Connection& connection_;
};

}  // namespace sg::storage
