#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/password_policy.hpp"
#include "mail/mail_queue.hpp"
#include "service/account_mail.hpp"
#include "service/audit_trail.hpp"
#include "service/caller.hpp"
#include "service/epoch_cache.hpp"
#include "service/secret_box.hpp"
#include "storage/account_store.hpp"
#include "storage/db.hpp"

namespace sg::service {

/// The security figures of sign-in and sessions (docs/SECURITY.md explains each).
struct SecurityPolicy {
  auth::PasswordPolicy password = auth::PolicyFor(auth::PasswordProfile::kTwHigh);
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};
  int lockout_threshold = 5;  // failures in a row that lock the account
  std::chrono::seconds lockout_duration{15 * 60};
  int ip_failure_limit = 20;  // failed sign-ins per source IP and window
  std::chrono::seconds ip_window{15 * 60};
  std::chrono::hours invitation_validity{72};
  std::chrono::seconds password_reset_validity{60 * 60};
  int reset_mails_per_hour = 5;  // per account: more requests are answered alike but not mailed
  std::chrono::days token_max_lifetime{366};
  std::string issuer = "SupplyGuard";  // shown by authenticator apps
};

struct NewAccount {
  std::string email;
  std::string role;
  std::optional<std::string> agency_code;
  std::optional<std::string> vendor_tax_id;
  std::string password;  // empty: an invitation (no password until the link is used)
  bool tenant_admin = false;
  bool must_change_password = false;
  std::optional<std::string> expires_at;
};

/// An authenticated request's identity: a browser session or an API token.
struct SessionView {
  Caller caller;
  std::string csrf_token;
  boost::json::object user;
  std::string session_hash;                        // empty for a token
  std::string session_id;                          // the public id (session list, audit log)
  bool enrolment_only = false;                     // may only enrol MFA
  bool must_change_password = false;               // may only change the password
  std::optional<std::vector<std::string>> scopes;  // set when authenticated by a token
  /// The registry generation read together with the session (see RegistryService::ReadVersion).
  std::optional<std::int64_t> registry_generation;
};

struct SignedIn {
  std::string token;  // the cookie value; only its hash is stored
  SessionView view;
};

struct SignInRequest {
  std::string email;
  std::string password;
  std::optional<std::string> totp;
  std::optional<std::string> recovery_code;
  std::string source_ip;
  std::string user_agent;
  std::string request_id;
};

struct TotpEnrolment {
  std::string secret;  // base32
  std::string otpauth_uri;
  std::string qr_svg;
};

struct Invitation {
  boost::json::object user;
  std::string token;  // the secret part of the link
  std::string expires_at;
  std::string url;            // the link on --public-url; empty when that is not set
  bool email_queued = false;  // an e-mail with the link was handed to the mail queue
};

/// How accounts reach their users by e-mail. Links in e-mails are built on `public_url` only
/// (never on a request's Host header); without an outbox or a public URL no link is e-mailed.
struct AccountMail {
  mail::Outbox* outbox = nullptr;
  std::string public_url;  // normalised (NormalisePublicUrl), no trailing slash
};

/// A request's origin, for the throttles and the audit log.
struct RequestOrigin {
  std::string source_ip;
  std::string request_id;
};

struct NewToken {
  std::string id;
  std::string token;
};

/// Accounts, sign-in (password, TOTP, lockout, throttling), sessions, invitations and tokens.
/// Every security-relevant event goes to the audit trail in the transaction that causes it.
class AccountService {
 public:
  AccountService(storage::Database& database, const Clock& clock, SecurityPolicy policy,
                 const auth::BreachedPasswords& breached, SecretBox data_key, AuditTrail* audit);

  const SecurityPolicy& policy() const { return policy_; }
  /// Set once at start-up, before requests are served.
  void SetMail(AccountMail mail) { mail_ = std::move(mail); }

  /// `supplyguard user add` and the first administrator: applies the password policy.
  Result<std::int64_t> AddUser(const NewAccount& account, const Caller& actor);
  Result<bool> HasUsers();

  /// Password, then (when the account has MFA) a TOTP or recovery code. Every failure answers
  /// the same generic 401 after the same work; 401 mfaRequired only after a right password.
  Result<SignedIn> SignIn(const SignInRequest& request);
  /// The session for a cookie value, if valid and not expired; refreshes its idle timer.
  Result<SessionView> Authenticate(std::string_view token, std::string_view source_ip,
                                   std::string_view request_id);
  /// The same from memory only, without blocking: absent when Authenticate would have to ask
  /// the database (no change feed, nothing kept, a change since, or the idle timer due).
  std::optional<SessionView> FindSessionInMemory(std::string_view token, std::string_view source_ip,
                                                 std::string_view request_id);
  /// The identity of an `Authorization: Bearer` token.
  Result<SessionView> AuthenticateToken(std::string_view token, std::string_view source_ip,
                                        std::string_view request_id);
  Result<void> SignOut(const SessionView& session);

  /// Changes the caller's password; ends their other sessions and returns a new session.
  Result<SignedIn> ChangePassword(const SessionView& session, std::string_view current_password,
                                  std::string_view new_password, std::string_view user_agent);

  Result<boost::json::array> Sessions(const SessionView& session);
  Result<void> EndSession(const SessionView& session, std::string_view public_id);
  Result<void> EndOtherSessions(const SessionView& session);

  Result<TotpEnrolment> StartTotpEnrolment(const SessionView& session);
  /// Activates the pending enrolment; returns the recovery codes and a new (full) session.
  Result<std::pair<std::vector<std::string>, SignedIn>> ConfirmTotp(const SessionView& session,
                                                                    std::string_view code,
                                                                    std::string_view user_agent);

  // Administration (the authority, or a tenant's tenant_admin within the tenant).
  Result<std::pair<boost::json::array, std::int64_t>> ListUsers(const Caller& caller,
                                                                const storage::ListQuery& query);
  Result<Invitation> InviteUser(const Caller& caller, const NewAccount& account);
  Result<boost::json::object> UpdateUser(const Caller& caller, std::string_view id,
                                         const boost::json::object& patch);
  Result<Invitation> NewInvitation(const Caller& caller, std::string_view id);
  Result<void> ResetMfa(const Caller& caller, std::string_view id);

  // Invitation links (public).
  Result<boost::json::object> DescribeInvitation(std::string_view token);
  Result<void> AcceptInvitation(std::string_view token, std::string_view password,
                                std::string_view source_ip, std::string_view request_id);

  // Self-service password reset (public).
  /// Answers alike whatever the account's state (no enumeration): e-mails a one-time link only
  /// when the account exists, may sign in, has a password, and e-mail is configured. Throttled
  /// per source address (429) like sign-in, and per account (silently).
  Result<void> RequestPasswordReset(std::string_view email, const RequestOrigin& origin);
  Result<boost::json::object> DescribePasswordReset(std::string_view token);
  /// Sets the password under the same policy as invitations; ends all the user's sessions.
  Result<void> ResetPassword(std::string_view token, std::string_view password,
                             const RequestOrigin& origin);

  /// Disables every account unused for `idle` (last sign-in, or creation when never signed in,
  /// or the last re-enabling if later), ends its sessions and tokens, and logs `user.disable`
  /// with reason `idle` as the actor `system`. Returns how many were disabled.
  Result<int> DisableIdleAccounts(std::chrono::days idle);

  // API tokens of the caller.
  Result<boost::json::array> Tokens(const Caller& caller);
  Result<NewToken> CreateToken(const Caller& caller, std::string_view name,
                               const std::vector<std::string>& scopes, std::string_view expires_at);
  Result<void> RevokeToken(const Caller& caller, std::string_view id);

 private:
  /// Events per key within a sliding window (in memory: per server process).
  struct RateWindow {
    std::map<std::string, std::deque<std::chrono::system_clock::time_point>> events;
  };
  /// Whether `key` has had `limit` events within `window`; sets `retry_after` when it has.
  bool Throttled(RateWindow& rates, const std::string& key, int limit, std::chrono::seconds window,
                 std::chrono::seconds* retry_after);
  void Note(RateWindow& rates, const std::string& key, int limit);
  bool IpThrottled(const std::string& ip, std::chrono::seconds* retry_after) {
    return Throttled(ip_failures_, ip, policy_.ip_failure_limit, policy_.ip_window, retry_after);
  }
  void NoteIpFailure(const std::string& ip) { Note(ip_failures_, ip, policy_.ip_failure_limit); }

  bool MailConfigured() const { return mail_.outbox && !mail_.public_url.empty(); }
  /// `<public URL>/#/<route>/<token>`; empty without a public URL.
  std::string LinkUrl(std::string_view route, std::string_view token) const;
  /// Queues the e-mail with a link when mail is configured; returns whether it was queued.
  bool MailLink(LinkMail kind, std::string_view email, std::string_view link,
                std::chrono::system_clock::time_point expires);
  /// Sets a password through a link (invitation or reset) and logs `action`.
  Result<void> UseLink(std::string_view token, std::string_view purpose, std::string_view password,
                       const RequestOrigin& origin, std::string_view action);

  storage::Database& database_;
  const Clock& clock_;
  SecurityPolicy policy_;
  const auth::BreachedPasswords& breached_;
  SecretBox data_key_;
  AuditTrail* audit_;  // may be null (tests of other parts)
  AccountMail mail_;
  std::mutex throttle_mutex_;
  RateWindow ip_failures_;
  RateWindow reset_requests_;  // per source address
  RateWindow reset_mails_;     // per account
  /// Sessions and tokens with their users, kept while the database's change feed shows no change
  /// (PostgreSQL servers; storage::ChangeFeed), so most requests authenticate without a
  /// statement. Every method that changes accounts, sessions or tokens moves the feed's epoch.
  static constexpr std::size_t kIdentityCacheEntries = 100'000;
  static constexpr std::chrono::seconds kIdentityCacheTtl{5};
  EpochCache<std::pair<storage::SessionRecord, storage::UserRecord>> session_cache_;
  EpochCache<std::pair<storage::TokenRecord, storage::UserRecord>> token_cache_;
};

}  // namespace sg::service
