#include "service/account_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "auth/crypto.hpp"
#include "auth/qr_svg.hpp"
#include "auth/recovery_codes.hpp"
#include "auth/totp.hpp"
#include "core/text.hpp"
#include "mail/message.hpp"
#include "storage/account_store.hpp"
#include "storage/registry_store.hpp"

namespace sg::service {
namespace {

namespace json = boost::json;
using storage::AccountStore;
using storage::SessionRecord;
using storage::TokenRecord;
using storage::UserRecord;
using Clock_ = std::chrono::system_clock;

// An unusable password hash: no password verifies against it (invited users before they set one).
constexpr std::string_view kNoPassword = "!";
const std::set<std::string> kTokenScopes = {"read", "sboms:write", "admin"};

Error InvalidCredentials() {
  return Error::Unauthenticated("The e-mail or password is wrong.", "unauthenticated");
}

std::string NormaliseEmail(std::string_view email) { return text::AsciiLower(text::Trim(email)); }

bool LooksLikeEmail(std::string_view email) {
  const auto at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string_view::npos && email.size() <= 254 &&
         email.find_first_of(" \t\r\n") == std::string_view::npos;
}

std::optional<std::string> PasswordExpiresAt(const UserRecord& user, const SecurityPolicy& policy) {
  if (!policy.password.max_age || user.password_changed_at.empty()) return std::nullopt;
  const auto changed = ParseTimestamp(user.password_changed_at);
  if (!changed) return std::nullopt;
  return FormatTimestamp(*changed + *policy.password.max_age);
}

bool PasswordExpired(const UserRecord& user, const SecurityPolicy& policy, Clock_::time_point now) {
  const auto expires = PasswordExpiresAt(user, policy);
  return expires && *expires < FormatTimestamp(now);
}

json::value OptionalJson(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

/// The user as the API shows it to the user themself.
json::object UserJson(const UserRecord& user, const SecurityPolicy& policy,
                      Clock_::time_point now) {
  return json::object{
      {"id", std::to_string(user.id)},
      {"email", user.email},
      {"role", user.role},
      {"agency_code", OptionalJson(user.agency_code)},
      {"vendor_tax_id", OptionalJson(user.vendor_tax_id)},
      {"tenant_admin", user.tenant_admin},
      {"must_change_password", user.must_change_password || PasswordExpired(user, policy, now)},
      {"mfa_enabled", user.mfa_secret.has_value()},
      {"password_expires_at", OptionalJson(PasswordExpiresAt(user, policy))},
  };
}

/// The user as administrators see them.
json::object AdminUserJson(const UserRecord& user, const SecurityPolicy& policy,
                           Clock_::time_point now) {
  json::object object = UserJson(user, policy, now);
  object["disabled"] = user.disabled;
  object["password_set"] = user.password_set;
  object["created_at"] = user.created_at;
  object["last_sign_in_at"] = OptionalJson(user.last_sign_in_at);
  object["locked_until"] = user.locked_until && *user.locked_until > FormatTimestamp(now)
                               ? json::value(*user.locked_until)
                               : json::value(nullptr);
  object["expires_at"] = OptionalJson(user.expires_at);
  return object;
}

Caller CallerOf(const UserRecord& user) {
  Caller caller;
  caller.user_id = user.id;
  caller.role = domain::ParseRole(user.role).value_or(domain::Role::kAuditor);
  caller.agency_id = user.agency_id;
  caller.vendor_id = user.vendor_id;
  caller.agency_code = user.agency_code;
  caller.vendor_tax_id = user.vendor_tax_id;
  caller.tenant_admin = user.tenant_admin;
  caller.email = user.email;
  return caller;
}

SessionView ViewOf(const UserRecord& user, const SecurityPolicy& policy, Clock_::time_point now,
                   std::string_view source_ip, std::string_view request_id) {
  SessionView view;
  view.caller = CallerOf(user);
  view.caller.source_ip = std::string(source_ip);
  view.caller.request_id = std::string(request_id);
  view.user = UserJson(user, policy, now);
  view.must_change_password = view.user.at("must_change_password").as_bool();
  return view;
}

bool AccountUsable(const UserRecord& user, Clock_::time_point now) {
  return !user.disabled && (!user.expires_at || *user.expires_at > FormatTimestamp(now));
}

Result<void> Record(AuditTrail* audit, storage::Connection& connection, const Caller& caller,
                    AuditEvent event) {
  if (!audit) return {};
  return audit->Record(connection, caller, event);
}

/// May `caller` administer `user`? The authority everyone; a tenant admin their tenant's users.
bool Administers(const Caller& caller, const UserRecord& user) {
  if (caller.role == domain::Role::kAuthority) return true;
  if (!caller.tenant_admin) return false;
  if (caller.agency_id) return user.agency_id == caller.agency_id;
  if (caller.vendor_id) return user.vendor_id == caller.vendor_id;
  return false;
}

/// The roles a caller may give: the authority any; an agency's admin its agency's roles; a
/// vendor's admin the vendor role.
bool MayGrantRole(const Caller& caller, domain::Role role) {
  if (caller.role == domain::Role::kAuthority) return true;
  if (caller.agency_id) return domain::IsAgencyRole(role);
  if (caller.vendor_id) return role == domain::Role::kVendor;
  return false;
}

}  // namespace

std::string TenantLabel(const Caller& caller) {
  if (caller.role == domain::Role::kAuthority) return "authority";
  if (caller.agency_code) return "agency:" + *caller.agency_code;
  if (caller.vendor_tax_id) return "vendor:" + *caller.vendor_tax_id;
  return "";
}

AccountService::AccountService(storage::Database& database, const Clock& clock,
                               SecurityPolicy policy, const auth::BreachedPasswords& breached,
                               SecretBox data_key, AuditTrail* audit)
    : database_(database),
      clock_(clock),
      policy_(std::move(policy)),
      breached_(breached),
      data_key_(std::move(data_key)),
      audit_(audit),
      session_cache_(database, kIdentityCacheEntries, kIdentityCacheTtl),
      token_cache_(database, kIdentityCacheEntries, kIdentityCacheTtl) {}

// ------------------------------------------------------------------------------------------------
// Accounts

namespace {

/// Checks and resolves an account's role and tenant; fills `user` with the tenant's ids.
Result<void> ResolveTenant(storage::Connection& connection, const NewAccount& account,
                           storage::NewUser& user) {
  FieldErrors errors;
  const auto role = domain::ParseRole(account.role);
  if (!role) errors["role"].push_back("invalidValue");
  if (role) {
    const bool agency_role = domain::IsAgencyRole(*role);
    if (agency_role && !account.agency_code) errors["agency_code"].push_back("required");
    if (*role == domain::Role::kVendor && !account.vendor_tax_id) {
      errors["vendor_tax_id"].push_back("required");
    }
    if (!agency_role && account.agency_code) errors["agency_code"].push_back("notAllowedForRole");
    if (*role != domain::Role::kVendor && account.vendor_tax_id) {
      errors["vendor_tax_id"].push_back("notAllowedForRole");
    }
    if (account.tenant_admin && !agency_role && *role != domain::Role::kVendor) {
      errors["tenant_admin"].push_back("notAllowedForRole");
    }
  }
  if (!errors.empty()) return Fail(Error::Validation(std::move(errors), "The account is invalid."));
  storage::RegistryStore registry(connection);
  if (account.agency_code) {
    auto agency = registry.FindByKey(registry::EntityKind::kAgency, *account.agency_code);
    if (!agency) return std::unexpected(agency.error());
    if (!*agency || (*agency)->deleted) {
      return Fail(Error::Validation({{"agency_code", {"unknownAgency"}}},
                                    fmt::format("No agency has code {}.", *account.agency_code)));
    }
    user.agency_id = (*agency)->id;
  }
  if (account.vendor_tax_id) {
    auto vendor = registry.FindByKey(registry::EntityKind::kVendor, *account.vendor_tax_id);
    if (!vendor) return std::unexpected(vendor.error());
    if (!*vendor || (*vendor)->deleted) {
      return Fail(
          Error::Validation({{"vendor_tax_id", {"unknownVendor"}}},
                            fmt::format("No vendor has tax id {}.", *account.vendor_tax_id)));
    }
    user.vendor_id = (*vendor)->id;
  }
  return {};
}

Error DuplicateEmail(std::string_view email) {
  Error error = Error::Conflict(fmt::format("An account for {} already exists.", email));
  error.fields["email"].push_back("duplicate");
  return error;
}

}  // namespace

/// Tells the in-memory identity caches that this process changed accounts, sessions or tokens.
struct IdentityChanged {
  const EpochCache<std::pair<SessionRecord, UserRecord>>& cache;
  ~IdentityChanged() { cache.ChangedHere(); }
};

Result<std::int64_t> AccountService::AddUser(const NewAccount& account, const Caller& actor) {
  const std::string email = NormaliseEmail(account.email);
  if (!LooksLikeEmail(email)) {
    return Fail(Error::Validation({{"email", {"invalidEmail"}}}, "The e-mail is invalid."));
  }
  if (auto codes = auth::CheckPassword(policy_.password, account.password, email, breached_);
      !codes.empty()) {
    return Fail(Error::Validation({{"password", codes}}, "The password does not meet the policy."));
  }
  if (account.expires_at && !ParseTimestamp(*account.expires_at)) {
    return Fail(Error::Validation({{"expires_at", {"invalidTimestamp"}}}));
  }
  auto hash = auth::HashPassword(account.password);
  if (!hash) return std::unexpected(hash.error());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::NewUser user{email,
                        *hash,
                        account.role,
                        std::nullopt,
                        std::nullopt,
                        account.tenant_admin,
                        account.must_change_password,
                        true,
                        account.expires_at};
  if (auto resolved = ResolveTenant(**connection, account, user); !resolved) {
    return std::unexpected(resolved.error());
  }
  const std::string now = FormatTimestamp(clock_.Now());
  auto id = storage::InTransaction(**connection, [&]() -> Result<std::int64_t> {
    auto inserted = AccountStore(**connection).InsertUser(user, now);
    if (!inserted) return inserted;
    auto recorded = Record(
        audit_, **connection, actor,
        {"user.create", "user", std::to_string(*inserted),
         json::object{
             {"email", email}, {"role", account.role}, {"tenant_admin", account.tenant_admin}}});
    if (!recorded) return std::unexpected(recorded.error());
    return inserted;
  });
  if (!id && id.error().code == "uniqueViolation") return Fail(DuplicateEmail(email));
  return id;
}

Result<bool> AccountService::HasUsers() {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto count = AccountStore(**connection).CountUsers();
  if (!count) return std::unexpected(count.error());
  return *count > 0;
}

// ------------------------------------------------------------------------------------------------
// Sign-in

bool AccountService::Throttled(RateWindow& rates, const std::string& key, int limit,
                               std::chrono::seconds window, std::chrono::seconds* retry_after) {
  std::lock_guard lock(throttle_mutex_);
  auto found = rates.events.find(key);
  if (found == rates.events.end()) return false;
  const auto now = clock_.Now();
  auto& times = found->second;
  while (!times.empty() && times.front() + window <= now) times.pop_front();
  if (times.empty()) {
    rates.events.erase(found);
    return false;
  }
  if (static_cast<int>(times.size()) < limit) return false;
  *retry_after = std::chrono::ceil<std::chrono::seconds>(times.front() + window - now);
  return true;
}

void AccountService::Note(RateWindow& rates, const std::string& key, int limit) {
  std::lock_guard lock(throttle_mutex_);
  auto& times = rates.events[key];
  times.push_back(clock_.Now());
  while (static_cast<int>(times.size()) > limit) times.pop_front();
  // Bound the table's memory: forget the quietest keys when it grows large.
  if (rates.events.size() > 100000) rates.events.clear();
}

namespace {

/// Opens a new session for `user` (a new id on every privilege change).
Result<SignedIn> OpenSession(AccountStore& accounts, const UserRecord& user,
                             const SecurityPolicy& policy, Clock_::time_point now,
                             const Caller& caller, std::string_view user_agent,
                             bool enrolment_only) {
  SignedIn signed_in;
  signed_in.token = auth::RandomToken(32);
  storage::SessionRecord session;
  session.token_hash = auth::Sha256Hex(signed_in.token);
  session.user_id = user.id;
  session.csrf_token = auth::RandomToken(32);
  session.created_at = FormatTimestamp(now);
  session.last_seen_at = session.created_at;
  session.public_id = auth::RandomToken(12);
  session.source_ip = caller.source_ip;
  session.user_agent = std::string(user_agent.substr(0, 300));
  session.enrolment_only = enrolment_only;
  if (auto inserted = accounts.InsertSession(session); !inserted) {
    return std::unexpected(inserted.error());
  }
  signed_in.view = ViewOf(user, policy, now, caller.source_ip, caller.request_id);
  signed_in.view.csrf_token = session.csrf_token;
  signed_in.view.session_hash = session.token_hash;
  signed_in.view.session_id = session.public_id;
  signed_in.view.enrolment_only = enrolment_only;
  return signed_in;
}

/// Whether `password` is the user's current one or one of the policy's history before it
/// (history_depth counts the current password: it and the depth − 1 before it are refused).
Result<bool> PasswordReused(AccountStore& accounts, const UserRecord& user,
                            const auth::PasswordPolicy& policy, std::string_view password) {
  if (auth::VerifyPassword(user.password_hash, password)) return true;
  if (policy.history_depth <= 1) return false;
  auto history = accounts.PasswordHistory(user.id, policy.history_depth - 1);
  if (!history) return std::unexpected(history.error());
  for (const std::string& old : *history) {
    if (auth::VerifyPassword(old, password)) return true;
  }
  return false;
}

}  // namespace

Result<SignedIn> AccountService::SignIn(const SignInRequest& request) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  const std::string email = NormaliseEmail(request.email);
  Caller attempt;
  attempt.email = email.substr(0, 254);
  attempt.source_ip = request.source_ip;
  attempt.request_id = request.request_id;
  std::chrono::seconds retry_after{0};
  if (IpThrottled(request.source_ip, &retry_after)) {
    Error error{ErrorKind::kRateLimited,
                "rateLimited",
                "Too many failed sign-ins from your address. Try again later.",
                {},
                fmt::format("retry_after={}", std::max<long>(1, retry_after.count()))};
    return Fail(std::move(error));
  }
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindUserByEmail(email);
  if (!found) return std::unexpected(found.error());
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);

  auto fail = [&](std::optional<UserRecord> user, std::string reason,
                  bool counts) -> Result<SignedIn> {
    NoteIpFailure(request.source_ip);
    auto recorded = storage::InTransaction(**connection, [&]() -> Result<void> {
      if (user) attempt.user_id = user->id;
      if (user && counts) {
        int failures = user->failed_sign_ins + 1;
        std::optional<std::string> locked_until;
        if (failures >= policy_.lockout_threshold) {
          locked_until = FormatTimestamp(now + policy_.lockout_duration);
          failures = 0;
        }
        if (auto stored = accounts.RecordSignInFailure(user->id, failures, locked_until); !stored) {
          return stored;
        }
        if (locked_until) {
          auto locked = Record(audit_, **connection, attempt,
                               {"session.locked", "user", std::to_string(user->id),
                                json::object{{"locked_until", *locked_until}}, "failure"});
          if (!locked) return locked;
        }
      }
      return Record(audit_, **connection, attempt,
                    {"session.sign_in_failed", "user", user ? std::to_string(user->id) : "",
                     json::object{{"reason", reason}}, "failure"});
    });
    if (!recorded) return std::unexpected(recorded.error());
    return Fail(InvalidCredentials());
  };

  if (!*found) {
    auth::BurnPasswordVerification(request.password);
    return fail(std::nullopt, "unknownAccount", false);
  }
  const UserRecord& user = **found;
  const bool password_ok = auth::VerifyPassword(user.password_hash, request.password);
  const bool locked = user.locked_until && *user.locked_until > now_text;
  if (locked) return fail(user, "locked", false);
  if (!password_ok) return fail(user, "wrongPassword", true);
  if (!AccountUsable(user, now)) return fail(user, user.disabled ? "disabled" : "expired", false);

  const bool has_mfa = user.mfa_secret.has_value();
  if (has_mfa) {
    const bool has_code = (request.totp && !request.totp->empty()) ||
                          (request.recovery_code && !request.recovery_code->empty());
    if (!has_code) {
      return Fail(
          Error::Unauthenticated("Enter the code from your authenticator app.", "mfaRequired"));
    }
    bool code_ok = false;
    if (request.totp && !request.totp->empty()) {
      auto secret = data_key_.Open(*user.mfa_secret);
      if (!secret) return std::unexpected(secret.error());
      const auto step = auth::VerifyTotp(
          *secret, *request.totp,
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(),
          user.mfa_last_step);
      if (step) {
        auto used = accounts.UseMfaStep(user.id, *step);
        if (!used) return std::unexpected(used.error());
        code_ok = *used;
      }
    } else {
      auto used = accounts.UseRecoveryCode(
          user.id, auth::Sha256Hex(auth::NormaliseRecoveryCode(*request.recovery_code)), now_text);
      if (!used) return std::unexpected(used.error());
      code_ok = *used;
    }
    if (!code_ok) return fail(user, "wrongCode", true);
  }

  Caller caller = CallerOf(user);
  caller.source_ip = request.source_ip;
  caller.request_id = request.request_id;
  const bool enrolment_only = policy_.password.mfa_required && !has_mfa;
  return storage::InTransaction(**connection, [&]() -> Result<SignedIn> {
    auto opened =
        OpenSession(accounts, user, policy_, now, caller, request.user_agent, enrolment_only);
    if (!opened) return opened;
    if (auto noted = accounts.RecordSignIn(user.id, now_text); !noted) {
      return std::unexpected(noted.error());
    }
    auto recorded =
        Record(audit_, **connection, caller,
               {"session.sign_in", "session", opened->view.session_id,
                json::object{{"mfa", has_mfa ? (request.totp ? "totp" : "recovery_code") : "none"},
                             {"enrolment_only", enrolment_only}}});
    if (!recorded) return std::unexpected(recorded.error());
    return opened;
  });
}

namespace {

/// How often a session's idle timer is refreshed: at most once a minute (or a tenth of the idle
/// timeout, when that is shorter). It saves a write on most requests without letting a session in
/// use expire.
std::chrono::seconds TouchInterval(const SecurityPolicy& policy) {
  return std::min<std::chrono::seconds>(
      std::chrono::seconds(60),
      std::max<std::chrono::seconds>(std::chrono::seconds(1), policy.idle_timeout / 10));
}

/// What a request may do with `session` of `user` (`hash`: the hash of its cookie).
SessionView SessionViewOf(const SessionRecord& session, const UserRecord& user,
                          const SecurityPolicy& policy, Clock_::time_point now,
                          std::string_view source_ip, std::string_view request_id,
                          const std::string& hash) {
  SessionView view = ViewOf(user, policy, now, source_ip, request_id);
  view.csrf_token = session.csrf_token;
  view.session_hash = hash;
  view.session_id = session.public_id;
  view.enrolment_only = session.enrolment_only;
  view.registry_generation = session.registry_generation;
  return view;
}

}  // namespace

std::optional<SessionView> AccountService::FindSessionInMemory(std::string_view token,
                                                               std::string_view source_ip,
                                                               std::string_view request_id) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const std::string hash = auth::Sha256Hex(token);
  // Kept only while the change feed shows nothing changed (PostgreSQL servers): a live session of
  // a usable account that needs no touch; anything else is decided on what the database holds.
  auto cached = session_cache_.Find(hash);
  if (!cached) return std::nullopt;
  const auto& [session, user] = *cached;
  const auto now = clock_.Now();
  if (session.last_seen_at < FormatTimestamp(now - TouchInterval(policy_)) ||
      session.created_at < FormatTimestamp(now - policy_.absolute_timeout) ||
      !AccountUsable(user, now)) {
    return std::nullopt;
  }
  SessionView view = SessionViewOf(session, user, policy_, now, source_ip, request_id, hash);
  return view;
}

Result<SessionView> AccountService::Authenticate(std::string_view token, std::string_view source_ip,
                                                 std::string_view request_id) {
  if (token.empty() || token.size() > 128) return Fail(Error::Unauthenticated());
  if (auto view = FindSessionInMemory(token, source_ip, request_id)) return *view;
  const std::string hash = auth::Sha256Hex(token);
  const auto now = clock_.Now();
  const std::string absolute_cutoff = FormatTimestamp(now - policy_.absolute_timeout);
  const std::string touch_cutoff = FormatTimestamp(now - TouchInterval(policy_));
  const auto epoch = session_cache_.Epoch();
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindSessionAndUser(hash);
  if (!found) return std::unexpected(found.error());
  if (!*found) return Fail(Error::Unauthenticated());
  auto& [session, user] = **found;
  const std::string idle_cutoff = FormatTimestamp(now - policy_.idle_timeout);
  if (session.last_seen_at < idle_cutoff || session.created_at < absolute_cutoff) {
    (void)accounts.DeleteSession(hash);
    return Fail(
        Error::Unauthenticated("The session has expired. Sign in again.", "sessionExpired"));
  }
  if (!AccountUsable(user, now)) {
    (void)accounts.DeleteSession(hash);
    return Fail(Error::Unauthenticated());
  }
  if (session.last_seen_at < touch_cutoff) {
    if (auto touched = accounts.TouchSession(hash, FormatTimestamp(now)); !touched) {
      return std::unexpected(touched.error());
    }
    session.last_seen_at = FormatTimestamp(now);
  }
  SessionView view = SessionViewOf(session, user, policy_, now, source_ip, request_id, hash);
  // Cached without the generation: a later request reads it from the registry's own cache.
  session.registry_generation.reset();
  session_cache_.Store(hash, std::pair{session, user}, epoch);
  return view;
}

Result<SessionView> AccountService::AuthenticateToken(std::string_view token,
                                                      std::string_view source_ip,
                                                      std::string_view request_id) {
  if (!token.starts_with("sg_") || token.size() > 128) return Fail(Error::Unauthenticated());
  const std::string hash = auth::Sha256Hex(token);
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  const std::string touch_cutoff = FormatTimestamp(now - std::chrono::minutes(1));
  const auto view_of = [&](const TokenRecord& record, const UserRecord& user) {
    SessionView view = ViewOf(user, policy_, now, source_ip, request_id);
    view.must_change_password = false;  // machines do not change passwords
    std::vector<std::string> scopes;
    for (const std::string& scope : text::SplitList(record.scopes, ' ')) scopes.push_back(scope);
    view.scopes = std::move(scopes);
    view.registry_generation = record.registry_generation;
    return view;
  };
  const auto usable = [&](const TokenRecord& record, const UserRecord& user) {
    return !record.revoked_at && record.expires_at > now_text && AccountUsable(user, now);
  };
  if (auto cached = token_cache_.Find(hash)) {  // as for sessions
    const auto& [record, user] = *cached;
    if (usable(record, user) && record.last_used_at && *record.last_used_at >= touch_cutoff) {
      return view_of(record, user);
    }
  }
  const auto epoch = token_cache_.Epoch();
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindTokenAndUser(hash);
  if (!found) return std::unexpected(found.error());
  if (!*found) return Fail(Error::Unauthenticated());
  auto& [record, user] = **found;
  if (!usable(record, user)) {
    return Fail(Error::Unauthenticated("The token is revoked or expired.", "unauthenticated"));
  }
  if (!record.last_used_at || *record.last_used_at < touch_cutoff) {
    if (auto touched = accounts.TouchToken(record.id, now_text); !touched) {
      return std::unexpected(touched.error());
    }
    record.last_used_at = now_text;
  }
  SessionView view = view_of(record, user);
  record.registry_generation.reset();
  token_cache_.Store(hash, std::pair{record, user}, epoch);
  return view;
}

Result<void> AccountService::SignOut(const SessionView& session) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    if (auto deleted = AccountStore(**connection).DeleteSession(session.session_hash); !deleted) {
      return deleted;
    }
    return Record(audit_, **connection, session.caller,
                  {"session.sign_out", "session", session.session_id, {}});
  });
}

// ------------------------------------------------------------------------------------------------
// Password, sessions, MFA of the caller

Result<SignedIn> AccountService::ChangePassword(const SessionView& session,
                                                std::string_view current_password,
                                                std::string_view new_password,
                                                std::string_view user_agent) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  const Caller& caller = session.caller;
  if (!caller.user_id) return Fail(Error::Forbidden());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto user = accounts.FindUserById(*caller.user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return Fail(Error::Unauthenticated());
  if (!auth::VerifyPassword((*user)->password_hash, current_password)) {
    return Fail(Error::Validation({{"current_password", {"wrongPassword"}}},
                                  "The current password is wrong."));
  }
  auto codes = auth::CheckPassword(policy_.password, new_password, (*user)->email, breached_);
  if (codes.empty()) {
    auto reused = PasswordReused(accounts, **user, policy_.password, new_password);
    if (!reused) return std::unexpected(reused.error());
    if (*reused) codes.push_back("reused");
  }
  if (!codes.empty()) {
    return Fail(
        Error::Validation({{"new_password", codes}}, "The new password does not meet the policy."));
  }
  auto hash = auth::HashPassword(new_password);
  if (!hash) return std::unexpected(hash.error());
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  return storage::InTransaction(**connection, [&]() -> Result<SignedIn> {
    if (auto kept = accounts.AddPasswordHistory((*user)->id, (*user)->password_hash, now_text);
        !kept) {
      return std::unexpected(kept.error());
    }
    if (auto set = accounts.SetPassword((*user)->id, *hash, now_text); !set) {
      return std::unexpected(set.error());
    }
    if (auto ended = accounts.DeleteSessionsOf((*user)->id, ""); !ended) {
      return std::unexpected(ended.error());
    }
    auto recorded = Record(audit_, **connection, caller,
                           {"password.change", "user", std::to_string((*user)->id), {}});
    if (!recorded) return std::unexpected(recorded.error());
    auto updated = accounts.FindUserById((*user)->id);
    if (!updated) return std::unexpected(updated.error());
    return OpenSession(accounts, **updated, policy_, now, caller, user_agent,
                       session.enrolment_only);
  });
}

Result<json::array> AccountService::Sessions(const SessionView& session) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto sessions = AccountStore(**connection).SessionsOf(*session.caller.user_id);
  if (!sessions) return std::unexpected(sessions.error());
  json::array items;
  const std::string idle_cutoff = FormatTimestamp(clock_.Now() - policy_.idle_timeout);
  for (const auto& record : *sessions) {
    if (record.last_seen_at < idle_cutoff) continue;  // expired, removed at its next use
    items.push_back(json::object{{"id", record.public_id},
                                 {"created_at", record.created_at},
                                 {"last_seen_at", record.last_seen_at},
                                 {"source_ip", record.source_ip},
                                 {"user_agent", record.user_agent},
                                 {"current", record.token_hash == session.session_hash}});
  }
  return items;
}

Result<void> AccountService::EndSession(const SessionView& session, std::string_view public_id) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    auto deleted =
        AccountStore(**connection).DeleteSessionByPublicId(*session.caller.user_id, public_id);
    if (!deleted) return std::unexpected(deleted.error());
    if (!*deleted) return Fail(Error::NotFound("No such session."));
    return Record(audit_, **connection, session.caller,
                  {"session.end", "session", std::string(public_id), {}});
  });
}

Result<void> AccountService::EndOtherSessions(const SessionView& session) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    auto ended =
        AccountStore(**connection).DeleteSessionsOf(*session.caller.user_id, session.session_hash);
    if (!ended) return ended;
    return Record(audit_, **connection, session.caller,
                  {"session.end_others", "user", std::to_string(*session.caller.user_id), {}});
  });
}

Result<TotpEnrolment> AccountService::StartTotpEnrolment(const SessionView& session) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto user = accounts.FindUserById(*session.caller.user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return Fail(Error::Unauthenticated());
  const std::string secret = auth::NewTotpSecret();
  TotpEnrolment enrolment;
  enrolment.secret = auth::Base32Encode(secret);
  enrolment.otpauth_uri = auth::OtpauthUri(policy_.issuer, (*user)->email, enrolment.secret);
  auto svg = auth::QrSvg(enrolment.otpauth_uri);
  if (!svg) return std::unexpected(svg.error());
  enrolment.qr_svg = std::move(*svg);
  auto stored = accounts.SetMfa((*user)->id, (*user)->mfa_secret, data_key_.Seal(secret),
                                (*user)->mfa_last_step);
  if (!stored) return std::unexpected(stored.error());
  return enrolment;
}

Result<std::pair<std::vector<std::string>, SignedIn>> AccountService::ConfirmTotp(
    const SessionView& session, std::string_view code, std::string_view user_agent) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  using Answer = std::pair<std::vector<std::string>, SignedIn>;
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto user = accounts.FindUserById(*session.caller.user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return Fail(Error::Unauthenticated());
  if (!(*user)->mfa_pending_secret) {
    return Fail(Error::Conflict("Start the enrolment first.", "noPendingEnrolment"));
  }
  auto secret = data_key_.Open(*(*user)->mfa_pending_secret);
  if (!secret) return std::unexpected(secret.error());
  const auto now = clock_.Now();
  const auto step = auth::VerifyTotp(
      *secret, code,
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(),
      (*user)->mfa_last_step);
  if (!step) {
    return Fail(Error::Validation({{"code", {"wrong"}}}, "The code is wrong or was used already."));
  }
  std::vector<std::string> codes = auth::NewRecoveryCodes();
  std::vector<std::string> hashes;
  for (const std::string& recovery : codes) {
    hashes.push_back(auth::Sha256Hex(auth::NormaliseRecoveryCode(recovery)));
  }
  return storage::InTransaction(**connection, [&]() -> Result<Answer> {
    if (auto set = accounts.SetMfa((*user)->id, *(*user)->mfa_pending_secret, std::nullopt, *step);
        !set) {
      return std::unexpected(set.error());
    }
    if (auto stored = accounts.ReplaceRecoveryCodes((*user)->id, hashes); !stored) {
      return std::unexpected(stored.error());
    }
    if (auto ended = accounts.DeleteSessionsOf((*user)->id, ""); !ended) {
      return std::unexpected(ended.error());
    }
    auto recorded = Record(audit_, **connection, session.caller,
                           {"mfa.enrol", "user", std::to_string((*user)->id), {}});
    if (!recorded) return std::unexpected(recorded.error());
    auto updated = accounts.FindUserById((*user)->id);
    if (!updated) return std::unexpected(updated.error());
    auto opened = OpenSession(accounts, **updated, policy_, now, session.caller, user_agent, false);
    if (!opened) return std::unexpected(opened.error());
    return Answer{std::move(codes), std::move(*opened)};
  });
}

// ------------------------------------------------------------------------------------------------
// Administration

Result<std::pair<json::array, std::int64_t>> AccountService::ListUsers(
    const Caller& caller, const storage::ListQuery& query) {
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators see users."));
  storage::UserFilter filter;
  if (caller.role != domain::Role::kAuthority) {
    filter.agency_id = caller.agency_id;
    filter.vendor_id = caller.vendor_id;
  }
  filter.page = query.page;
  filter.per_page = query.per_page;
  filter.search = query.search;
  for (const auto& [name, value] : query.filters) {
    if (name == "role") {
      filter.role = value;
    } else if (name == "disabled") {
      if (value != "true" && value != "false") {
        return Fail(Error::Validation({{"disabled", {"invalidValue"}}}));
      }
      filter.disabled = value == "true";
    } else {
      return Fail(Error::BadRequest(fmt::format("Unknown filter: {}.", name), "unknownParameter"));
    }
  }
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto listed = AccountStore(**connection).ListUsers(filter);
  if (!listed) return std::unexpected(listed.error());
  json::array items;
  const auto now = clock_.Now();
  for (const auto& user : listed->first) items.push_back(AdminUserJson(user, policy_, now));
  return std::pair{std::move(items), listed->second};
}

Result<Invitation> AccountService::InviteUser(const Caller& caller, const NewAccount& account) {
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators invite users."));
  const std::string email = NormaliseEmail(account.email);
  if (!LooksLikeEmail(email)) {
    return Fail(Error::Validation({{"email", {"invalidEmail"}}}, "The e-mail is invalid."));
  }
  const auto role = domain::ParseRole(account.role);
  if (role && !MayGrantRole(caller, *role)) {
    return Fail(Error::Forbidden("You may not give this role."));
  }
  NewAccount scoped = account;
  if (caller.role != domain::Role::kAuthority) {
    // A tenant admin invites into their own tenant only.
    if ((account.agency_code && account.agency_code != caller.agency_code) ||
        (account.vendor_tax_id && account.vendor_tax_id != caller.vendor_tax_id)) {
      return Fail(Error::Forbidden("You may invite users of your own organisation only."));
    }
    if (caller.agency_id) scoped.agency_code = caller.agency_code;
    if (caller.vendor_id) scoped.vendor_tax_id = caller.vendor_tax_id;
  }
  if (account.expires_at && !ParseTimestamp(*account.expires_at)) {
    return Fail(Error::Validation({{"expires_at", {"invalidTimestamp"}}}));
  }
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::NewUser user{email,
                        std::string(kNoPassword),
                        scoped.role,
                        std::nullopt,
                        std::nullopt,
                        scoped.tenant_admin,
                        false,
                        false,
                        scoped.expires_at};
  if (auto resolved = ResolveTenant(**connection, scoped, user); !resolved) {
    return std::unexpected(resolved.error());
  }
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  Invitation invitation;
  invitation.token = auth::RandomToken(32);
  invitation.expires_at = FormatTimestamp(now + policy_.invitation_validity);
  AccountStore accounts(**connection);
  auto done = storage::InTransaction(**connection, [&]() -> Result<void> {
    auto id = accounts.InsertUser(user, now_text);
    if (!id) return std::unexpected(id.error());
    storage::InvitationRecord record{auth::Sha256Hex(invitation.token),
                                     *id,
                                     caller.user_id,
                                     now_text,
                                     invitation.expires_at,
                                     std::nullopt};
    if (auto stored = accounts.InsertInvitation(record); !stored) return stored;
    auto created = accounts.FindUserById(*id);
    if (!created) return std::unexpected(created.error());
    invitation.user = AdminUserJson(**created, policy_, now);
    return Record(audit_, **connection, caller,
                  {"user.invite", "user", std::to_string(*id),
                   json::object{{"email", email},
                                {"role", scoped.role},
                                {"tenant_admin", scoped.tenant_admin},
                                {"agency_code", OptionalJson(scoped.agency_code)},
                                {"vendor_tax_id", OptionalJson(scoped.vendor_tax_id)}}});
  });
  if (!done) {
    if (done.error().code == "uniqueViolation") return Fail(DuplicateEmail(email));
    return std::unexpected(done.error());
  }
  invitation.url = LinkUrl("invitation", invitation.token);
  invitation.email_queued =
      MailLink(LinkMail::kInvitation, email, invitation.url, now + policy_.invitation_validity);
  return invitation;
}

Result<json::object> AccountService::UpdateUser(const Caller& caller, std::string_view id_text,
                                                const json::object& patch) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators change users."));
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(Error::NotFound("No such user."));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindUserById(*id);
  if (!found) return std::unexpected(found.error());
  if (!*found || !Administers(caller, **found)) return Fail(Error::NotFound("No such user."));
  const UserRecord& user = **found;
  std::string role = user.role;
  bool tenant_admin = user.tenant_admin;
  bool disabled = user.disabled;
  std::optional<std::string> expires_at = user.expires_at;
  FieldErrors errors;
  for (const auto& [key, value] : patch) {
    if (key == "role") {
      const auto parsed = value.is_string() ? domain::ParseRole(value.as_string()) : std::nullopt;
      if (!parsed) {
        errors["role"].push_back("invalidValue");
      } else if (!MayGrantRole(caller, *parsed)) {
        return Fail(Error::Forbidden("You may not give this role."));
      } else if (domain::IsAgencyRole(*parsed) != static_cast<bool>(user.agency_id) ||
                 (*parsed == domain::Role::kVendor) != static_cast<bool>(user.vendor_id)) {
        errors["role"].push_back("notAllowedForTenant");
      } else {
        role = std::string(value.as_string());
      }
    } else if (key == "tenant_admin") {
      if (!value.is_bool()) {
        errors["tenant_admin"].push_back("notABoolean");
      } else if (value.as_bool() && !user.agency_id && !user.vendor_id) {
        errors["tenant_admin"].push_back("notAllowedForRole");
      } else {
        tenant_admin = value.as_bool();
      }
    } else if (key == "disabled") {
      if (!value.is_bool()) {
        errors["disabled"].push_back("notABoolean");
      } else {
        disabled = value.as_bool();
      }
    } else if (key == "expires_at") {
      if (value.is_null()) {
        expires_at.reset();
      } else if (!value.is_string() || !ParseTimestamp(value.as_string())) {
        errors["expires_at"].push_back("invalidTimestamp");
      } else {
        expires_at = FormatTimestamp(*ParseTimestamp(value.as_string()));
      }
    } else {
      errors[std::string(key)].push_back("unknownField");
    }
  }
  if (!errors.empty()) return Fail(Error::Validation(std::move(errors)));
  const bool privilege_change = role != user.role || tenant_admin != user.tenant_admin;
  if (user.id == caller.user_id && (privilege_change || disabled)) {
    return Fail(Error::Validation({{"id", {"cannotChangeOwnAccount"}}},
                                  "You cannot disable or change the rights of your own account."));
  }
  json::object changes;
  auto note = [&](const char* field, json::value from, json::value to) {
    if (from != to) changes[field] = json::object{{"from", std::move(from)}, {"to", std::move(to)}};
  };
  note("role", json::value(user.role), json::value(role));
  note("tenant_admin", json::value(user.tenant_admin), json::value(tenant_admin));
  note("disabled", json::value(user.disabled), json::value(disabled));
  note("expires_at", OptionalJson(user.expires_at), OptionalJson(expires_at));
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  auto done = storage::InTransaction(**connection, [&]() -> Result<void> {
    if (changes.empty()) return {};
    if (auto stored = accounts.UpdateAdministration(user.id, role, tenant_admin, disabled,
                                                    expires_at, now_text);
        !stored) {
      return stored;
    }
    if (privilege_change || disabled) {
      if (auto ended = accounts.DeleteSessionsOf(user.id, ""); !ended) return ended;
    }
    if (disabled) {
      if (auto revoked = accounts.RevokeTokensOf(user.id, now_text); !revoked) return revoked;
    }
    return Record(audit_, **connection, caller,
                  {disabled && !user.disabled ? "user.disable" : "user.update", "user",
                   std::to_string(user.id), changes});
  });
  if (!done) return std::unexpected(done.error());
  auto updated = accounts.FindUserById(user.id);
  if (!updated) return std::unexpected(updated.error());
  return AdminUserJson(**updated, policy_, now);
}

Result<Invitation> AccountService::NewInvitation(const Caller& caller, std::string_view id_text) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators do this."));
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(Error::NotFound("No such user."));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindUserById(*id);
  if (!found) return std::unexpected(found.error());
  if (!*found || !Administers(caller, **found)) return Fail(Error::NotFound("No such user."));
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  Invitation invitation;
  invitation.token = auth::RandomToken(32);
  invitation.expires_at = FormatTimestamp(now + policy_.invitation_validity);
  invitation.user = AdminUserJson(**found, policy_, now);
  auto done = storage::InTransaction(**connection, [&]() -> Result<void> {
    if (auto retired = accounts.RetireInvitations(*id, now_text); !retired) return retired;
    storage::InvitationRecord record{auth::Sha256Hex(invitation.token),
                                     *id,
                                     caller.user_id,
                                     now_text,
                                     invitation.expires_at,
                                     std::nullopt};
    if (auto stored = accounts.InsertInvitation(record); !stored) return stored;
    return Record(audit_, **connection, caller,
                  {"user.password_link", "user", std::to_string(*id),
                   json::object{{"expires_at", invitation.expires_at}}});
  });
  if (!done) return std::unexpected(done.error());
  invitation.url = LinkUrl("invitation", invitation.token);
  if (AccountUsable(**found, now)) {
    invitation.email_queued =
        MailLink((*found)->password_set ? LinkMail::kNewLink : LinkMail::kInvitation,
                 (*found)->email, invitation.url, now + policy_.invitation_validity);
  }
  return invitation;
}

Result<void> AccountService::ResetMfa(const Caller& caller, std::string_view id_text) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  if (!IsAdministrator(caller)) return Fail(Error::Forbidden("Only administrators do this."));
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(Error::NotFound("No such user."));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = accounts.FindUserById(*id);
  if (!found) return std::unexpected(found.error());
  if (!*found || !Administers(caller, **found)) return Fail(Error::NotFound("No such user."));
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    if (auto cleared = accounts.SetMfa(*id, std::nullopt, std::nullopt, 0); !cleared) {
      return cleared;
    }
    if (auto codes = accounts.ReplaceRecoveryCodes(*id, {}); !codes) return codes;
    if (auto ended = accounts.DeleteSessionsOf(*id, ""); !ended) return ended;
    return Record(audit_, **connection, caller, {"mfa.reset", "user", std::to_string(*id), {}});
  });
}

// ------------------------------------------------------------------------------------------------
// Links that set a password: invitations (from an administrator) and resets (by e-mail)

namespace {

constexpr std::string_view kInvitationLink = "invitation";
constexpr std::string_view kResetLink = "reset";

Error LinkNotFound() { return Error::NotFound("The link is unknown, used or expired."); }

/// The link of `token` with `purpose` and its user, when the link is unused, unexpired and the
/// account may sign in; otherwise 404 (one answer for every reason).
Result<std::pair<storage::InvitationRecord, UserRecord>> FindUsableLink(AccountStore& accounts,
                                                                        std::string_view token,
                                                                        std::string_view purpose,
                                                                        Clock_::time_point now) {
  if (token.empty() || token.size() > 128) return Fail(LinkNotFound());
  auto link = accounts.FindInvitation(auth::Sha256Hex(token));
  if (!link) return std::unexpected(link.error());
  if (!*link || (*link)->purpose != purpose || (*link)->used_at ||
      (*link)->expires_at <= FormatTimestamp(now)) {
    return Fail(LinkNotFound());
  }
  auto user = accounts.FindUserById((*link)->user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user || !AccountUsable(**user, now)) return Fail(LinkNotFound());
  return std::pair{std::move(**link), std::move(**user)};
}

/// The system itself as an actor of the audit log (scheduled jobs).
Caller SystemCaller() {
  Caller caller;
  caller.role = domain::Role::kAuthority;
  caller.email = "system";
  caller.request_id = "system";
  return caller;
}

}  // namespace

std::string AccountService::LinkUrl(std::string_view route, std::string_view token) const {
  if (mail_.public_url.empty()) return "";
  return fmt::format("{}/#/{}/{}", mail_.public_url, route, token);
}

bool AccountService::MailLink(LinkMail kind, std::string_view email, std::string_view link,
                              Clock_::time_point expires) {
  if (!MailConfigured() || link.empty()) return false;
  if (!mail::IsPlainAddress(email)) return false;  // e.g. characters a mail header cannot carry
  return mail_.outbox->Enqueue(LinkMessage(kind, email, link, expires));
}

Result<json::object> AccountService::DescribeInvitation(std::string_view token) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = FindUsableLink(accounts, token, kInvitationLink, clock_.Now());
  if (!found) return std::unexpected(found.error());
  return json::object{{"email", found->second.email}, {"expires_at", found->first.expires_at}};
}

Result<void> AccountService::AcceptInvitation(std::string_view token, std::string_view password,
                                              std::string_view source_ip,
                                              std::string_view request_id) {
  return UseLink(token, kInvitationLink, password,
                 RequestOrigin{std::string(source_ip), std::string(request_id)}, "password.set");
}

Result<json::object> AccountService::DescribePasswordReset(std::string_view token) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  auto found = FindUsableLink(accounts, token, kResetLink, clock_.Now());
  if (!found) return std::unexpected(found.error());
  return json::object{{"email", found->second.email}, {"expires_at", found->first.expires_at}};
}

Result<void> AccountService::ResetPassword(std::string_view token, std::string_view password,
                                           const RequestOrigin& origin) {
  return UseLink(token, kResetLink, password, origin, "password.reset");
}

Result<void> AccountService::UseLink(std::string_view token, std::string_view purpose,
                                     std::string_view password, const RequestOrigin& origin,
                                     std::string_view action) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  auto found = FindUsableLink(accounts, token, purpose, now);
  if (!found) return std::unexpected(found.error());
  const UserRecord& user = found->second;
  auto codes = auth::CheckPassword(policy_.password, password, user.email, breached_);
  if (codes.empty() && user.password_set) {
    auto reused = PasswordReused(accounts, user, policy_.password, password);
    if (!reused) return std::unexpected(reused.error());
    if (*reused) codes.push_back("reused");
  }
  if (!codes.empty()) {
    return Fail(Error::Validation({{"password", codes}}, "The password does not meet the policy."));
  }
  auto hash = auth::HashPassword(password);
  if (!hash) return std::unexpected(hash.error());
  Caller actor = CallerOf(user);
  actor.source_ip = origin.source_ip;
  actor.request_id = origin.request_id;
  const std::string token_hash = auth::Sha256Hex(token);
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    // The link is used exactly once, even when two requests race for it.
    auto again = accounts.FindInvitation(token_hash);
    if (!again) return std::unexpected(again.error());
    if (!*again || (*again)->used_at) return Fail(LinkNotFound());
    if (user.password_set) {
      if (auto kept = accounts.AddPasswordHistory(user.id, user.password_hash, now_text); !kept) {
        return kept;
      }
    }
    if (auto set = accounts.SetPassword(user.id, *hash, now_text); !set) return set;
    if (auto used = accounts.UseInvitation(token_hash, now_text); !used) return used;
    // Any other link of the account (an older reset, an administrator's link) ends with it.
    if (auto retired = accounts.RetireInvitations(user.id, now_text); !retired) return retired;
    if (auto unlocked = accounts.RecordSignInFailure(user.id, 0, std::nullopt); !unlocked) {
      return unlocked;
    }
    if (auto ended = accounts.DeleteSessionsOf(user.id, ""); !ended) return ended;
    return Record(audit_, **connection, actor,
                  {std::string(action), "user", std::to_string(user.id), {}});
  });
}

Result<void> AccountService::RequestPasswordReset(std::string_view email_text,
                                                  const RequestOrigin& origin) {
  std::chrono::seconds retry_after{0};
  if (Throttled(reset_requests_, origin.source_ip, policy_.ip_failure_limit, policy_.ip_window,
                &retry_after)) {
    Error error{ErrorKind::kRateLimited,
                "rateLimited",
                "Too many requests from your address. Try again later.",
                {},
                fmt::format("retry_after={}", std::max<long>(1, retry_after.count()))};
    return Fail(std::move(error));
  }
  Note(reset_requests_, origin.source_ip, policy_.ip_failure_limit);
  const std::string email = NormaliseEmail(email_text);
  Caller actor;
  actor.email = email.substr(0, 254);
  actor.source_ip = origin.source_ip;
  actor.request_id = origin.request_id;
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  std::optional<UserRecord> user;
  if (LooksLikeEmail(email)) {
    auto found = accounts.FindUserByEmail(email);
    if (!found) return std::unexpected(found.error());
    user = std::move(*found);
  }
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  // Why no link is sent; empty when one is. Only the audit log learns which.
  std::string refusal;
  std::chrono::seconds unused{0};
  if (!user) {
    refusal = "unknownAccount";
  } else if (!AccountUsable(*user, now)) {
    refusal = user->disabled ? "disabled" : "expired";
  } else if (!user->password_set) {
    refusal = "invitationPending";  // the invitation is the way in
  } else if (!MailConfigured() || !mail::IsPlainAddress(user->email)) {
    refusal = "mailNotConfigured";
  } else if (Throttled(reset_mails_, std::to_string(user->id), policy_.reset_mails_per_hour,
                       std::chrono::hours(1), &unused)) {
    refusal = "tooManyRequests";
  }
  if (user) {
    actor = CallerOf(*user);
    actor.source_ip = origin.source_ip;
    actor.request_id = origin.request_id;
  }
  const std::string token = auth::RandomToken(32);
  const auto expires = now + policy_.password_reset_validity;
  const std::string expires_text = FormatTimestamp(expires);
  auto done = storage::InTransaction(**connection, [&]() -> Result<void> {
    if (refusal.empty()) {
      if (auto retired = accounts.RetireLinks(user->id, kResetLink, now_text); !retired) {
        return retired;
      }
      storage::InvitationRecord link{
          auth::Sha256Hex(token), user->id,     std::nullopt,           now_text,
          expires_text,           std::nullopt, std::string(kResetLink)};
      if (auto stored = accounts.InsertInvitation(link); !stored) return stored;
    }
    json::object changes;
    if (refusal.empty()) {
      changes["expires_at"] = expires_text;
    } else {
      changes["reason"] = refusal;
    }
    return Record(audit_, **connection, actor,
                  {"password.reset_requested", "user", user ? std::to_string(user->id) : "",
                   std::move(changes), refusal.empty() ? "success" : "failure"});
  });
  if (!done) return std::unexpected(done.error());
  if (refusal.empty()) {
    Note(reset_mails_, std::to_string(user->id), policy_.reset_mails_per_hour);
    MailLink(LinkMail::kReset, user->email, LinkUrl("password-reset", token), expires);
  }
  return {};
}

// ------------------------------------------------------------------------------------------------
// Idle accounts (附表十: accounts unused for a period are disabled)

Result<int> AccountService::DisableIdleAccounts(std::chrono::days idle) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  AccountStore accounts(**connection);
  const auto now = clock_.Now();
  const std::string now_text = FormatTimestamp(now);
  auto idle_users = accounts.IdleUsers(FormatTimestamp(now - idle));
  if (!idle_users) return std::unexpected(idle_users.error());
  const Caller system = SystemCaller();
  int disabled = 0;
  for (const storage::IdleUser& user : *idle_users) {
    auto done = storage::InTransaction(**connection, [&]() -> Result<bool> {
      auto changed = accounts.DisableUser(user.id, now_text);
      if (!changed || !*changed) return changed;  // disabled meanwhile: nothing to do
      if (auto ended = accounts.DeleteSessionsOf(user.id, ""); !ended) {
        return std::unexpected(ended.error());
      }
      if (auto revoked = accounts.RevokeTokensOf(user.id, now_text); !revoked) {
        return std::unexpected(revoked.error());
      }
      if (auto retired = accounts.RetireInvitations(user.id, now_text); !retired) {
        return std::unexpected(retired.error());
      }
      auto recorded =
          Record(audit_, **connection, system,
                 {"user.disable", "user", std::to_string(user.id),
                  json::object{{"disabled", json::object{{"from", false}, {"to", true}}},
                               {"reason", "idle"},
                               {"email", user.email},
                               {"last_active_at", user.last_active_at},
                               {"idle_days", idle.count()}}});
      if (!recorded) return std::unexpected(recorded.error());
      return true;
    });
    if (!done) return std::unexpected(done.error());
    if (*done) ++disabled;
  }
  return disabled;
}

// ------------------------------------------------------------------------------------------------
// API tokens

Result<json::array> AccountService::Tokens(const Caller& caller) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto tokens = AccountStore(**connection).TokensOf(*caller.user_id);
  if (!tokens) return std::unexpected(tokens.error());
  json::array items;
  const std::string now = FormatTimestamp(clock_.Now());
  for (const auto& token : *tokens) {
    json::array scopes;
    for (const std::string& scope : text::SplitList(token.scopes, ' '))
      scopes.push_back(json::value(scope));
    items.push_back(json::object{{"id", std::to_string(token.id)},
                                 {"name", token.name},
                                 {"scopes", std::move(scopes)},
                                 {"created_at", token.created_at},
                                 {"expires_at", token.expires_at},
                                 {"last_used_at", OptionalJson(token.last_used_at)},
                                 {"revoked", token.revoked_at.has_value()},
                                 {"expired", token.expires_at <= now}});
  }
  return items;
}

Result<NewToken> AccountService::CreateToken(const Caller& caller, std::string_view name,
                                             const std::vector<std::string>& scopes,
                                             std::string_view expires_at) {
  FieldErrors errors;
  const std::string trimmed(text::Trim(name));
  if (trimmed.empty()) errors["name"].push_back("required");
  if (trimmed.size() > 100) errors["name"].push_back("tooLong");
  std::set<std::string> chosen;
  for (const std::string& scope : scopes) {
    if (!kTokenScopes.contains(scope)) {
      errors["scopes"].push_back("invalidValue");
    } else {
      chosen.insert(scope);
    }
  }
  if (scopes.empty()) errors["scopes"].push_back("required");
  if (chosen.contains("admin") && !IsAdministrator(caller)) {
    errors["scopes"].push_back("notAllowedForRole");
  }
  const auto now = clock_.Now();
  const auto expires = ParseTimestamp(expires_at);
  if (!expires) {
    errors["expires_at"].push_back("invalidTimestamp");
  } else if (*expires <= now) {
    errors["expires_at"].push_back("mustBeInTheFuture");
  } else if (*expires > now + policy_.token_max_lifetime) {
    errors["expires_at"].push_back("tooFarAhead");
  }
  if (!errors.empty()) return Fail(Error::Validation(std::move(errors), "The token is invalid."));
  std::string scope_text;
  for (const std::string& scope : chosen) scope_text += (scope_text.empty() ? "" : " ") + scope;
  NewToken created;
  created.token = "sg_" + auth::RandomToken(32);
  storage::TokenRecord record;
  record.user_id = *caller.user_id;
  record.name = trimmed;
  record.token_hash = auth::Sha256Hex(created.token);
  record.scopes = scope_text;
  record.created_at = FormatTimestamp(now);
  record.expires_at = FormatTimestamp(*expires);
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto done = storage::InTransaction(**connection, [&]() -> Result<void> {
    auto id = AccountStore(**connection).InsertToken(record);
    if (!id) return std::unexpected(id.error());
    created.id = std::to_string(*id);
    return Record(
        audit_, **connection, caller,
        {"token.create", "token", created.id,
         json::object{
             {"name", trimmed}, {"scopes", scope_text}, {"expires_at", record.expires_at}}});
  });
  if (!done) return std::unexpected(done.error());
  return created;
}

Result<void> AccountService::RevokeToken(const Caller& caller, std::string_view id_text) {
  const IdentityChanged changed(session_cache_);  // on return, committed or not
  const auto id = text::ParsePositiveId(id_text);
  if (!id) return Fail(Error::NotFound("No such token."));
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::InTransaction(**connection, [&]() -> Result<void> {
    auto revoked =
        AccountStore(**connection).RevokeToken(*caller.user_id, *id, FormatTimestamp(clock_.Now()));
    if (!revoked) return std::unexpected(revoked.error());
    if (!*revoked) return Fail(Error::NotFound("No such token."));
    return Record(audit_, **connection, caller,
                  {"token.revoke", "token", std::string(id_text), {}});
  });
}

}  // namespace sg::service
