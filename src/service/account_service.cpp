#include "service/account_service.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "auth/crypto.hpp"
#include "core/text.hpp"
#include "storage/account_store.hpp"
#include "storage/registry_store.hpp"

namespace sg::service {
namespace {

namespace json = boost::json;

Error InvalidCredentials() {
  return Error::Unauthenticated("The e-mail or password is wrong.", "invalidCredentials");
}

std::string NormaliseEmail(std::string_view email) { return text::AsciiLower(text::Trim(email)); }

bool LooksLikeEmail(std::string_view email) {
  const auto at = email.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string_view::npos && email.size() <= 254 &&
         email.find_first_of(" \t\r\n") == std::string_view::npos;
}

SessionView ViewOf(const storage::UserRecord& user, std::string csrf_token) {
  SessionView view;
  view.caller.user_id = user.id;
  view.caller.role = domain::ParseRole(user.role).value_or(domain::Role::kAuditor);
  view.caller.agency_id = user.agency_id;
  view.caller.vendor_id = user.vendor_id;
  view.caller.agency_code = user.agency_code;
  view.caller.vendor_tax_id = user.vendor_tax_id;
  view.caller.tenant_admin = user.tenant_admin;
  view.csrf_token = std::move(csrf_token);
  view.user = json::object{
      {"id", std::to_string(user.id)},
      {"email", user.email},
      {"role", user.role},
      {"agency_code", user.agency_code ? json::value(*user.agency_code) : nullptr},
      {"vendor_tax_id", user.vendor_tax_id ? json::value(*user.vendor_tax_id) : nullptr},
      {"tenant_admin", user.tenant_admin},
      {"must_change_password", user.must_change_password},
  };
  return view;
}

}  // namespace

Result<std::int64_t> AccountService::AddUser(const NewAccount& account) {
  FieldErrors errors;
  const std::string email = NormaliseEmail(account.email);
  if (!LooksLikeEmail(email)) errors["email"].push_back("invalidEmail");
  const auto role = domain::ParseRole(account.role);
  if (!role) errors["role"].push_back("invalidValue");
  if (const std::string rule = auth::CheckPasswordRule(account.password, email); !rule.empty()) {
    errors["password"].push_back(rule);
  }
  if (role) {
    const bool agency_role = domain::IsAgencyRole(*role);
    if (agency_role && !account.agency_code) errors["agency"].push_back("required");
    if (*role == domain::Role::kVendor && !account.vendor_tax_id) {
      errors["vendor"].push_back("required");
    }
    if (!agency_role && account.agency_code) errors["agency"].push_back("notAllowedForRole");
    if (*role != domain::Role::kVendor && account.vendor_tax_id) {
      errors["vendor"].push_back("notAllowedForRole");
    }
  }
  if (!errors.empty()) return Fail(Error::Validation(std::move(errors), "The account is invalid."));

  auto hash = auth::HashPassword(account.password);
  if (!hash) return std::unexpected(hash.error());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::RegistryStore registry(**connection);
  storage::AccountStore accounts(**connection);
  storage::NewUser user{email,
                        *hash,
                        account.role,
                        std::nullopt,
                        std::nullopt,
                        account.tenant_admin,
                        account.must_change_password};
  if (account.agency_code) {
    auto agency = registry.FindByKey(registry::EntityKind::kAgency, *account.agency_code);
    if (!agency) return std::unexpected(agency.error());
    if (!*agency || (*agency)->deleted) {
      return Fail(Error::Validation({{"agency", {"unknownAgency"}}},
                                    fmt::format("No agency has code {}.", *account.agency_code)));
    }
    user.agency_id = (*agency)->id;
  }
  if (account.vendor_tax_id) {
    auto vendor = registry.FindByKey(registry::EntityKind::kVendor, *account.vendor_tax_id);
    if (!vendor) return std::unexpected(vendor.error());
    if (!*vendor || (*vendor)->deleted) {
      return Fail(
          Error::Validation({{"vendor", {"unknownVendor"}}},
                            fmt::format("No vendor has tax id {}.", *account.vendor_tax_id)));
    }
    user.vendor_id = (*vendor)->id;
  }
  auto id = accounts.InsertUser(user, FormatTimestamp(clock_.Now()));
  if (!id && id.error().code == "uniqueViolation") {
    Error error = Error::Conflict(fmt::format("An account for {} already exists.", email));
    error.fields["email"].push_back("duplicate");
    return Fail(std::move(error));
  }
  return id;
}

Result<bool> AccountService::HasUsers() {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto count = storage::AccountStore(**connection).CountUsers();
  if (!count) return std::unexpected(count.error());
  return *count > 0;
}

Result<SignedIn> AccountService::SignIn(std::string_view email_text, std::string_view password,
                                        std::string_view source_ip) {
  const std::string email = NormaliseEmail(email_text);
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AccountStore accounts(**connection);
  auto user = accounts.FindUserByEmail(email);
  if (!user) return std::unexpected(user.error());
  if (!*user) {
    auth::BurnPasswordVerification(password);
    return Fail(InvalidCredentials());
  }
  if (!auth::VerifyPassword((*user)->password_hash, password) || (*user)->disabled) {
    return Fail(InvalidCredentials());
  }
  const std::string now = FormatTimestamp(clock_.Now());
  SignedIn signed_in;
  signed_in.token = auth::RandomToken(32);
  std::string csrf = auth::RandomToken(32);
  storage::SessionRecord session{auth::Sha256Hex(signed_in.token), (*user)->id, csrf, now, now};
  if (auto stored = accounts.InsertSession(session); !stored) {
    return std::unexpected(stored.error());
  }
  (void)source_ip;  // recorded by the audit log (issue 3)
  signed_in.view = ViewOf(**user, std::move(csrf));
  return signed_in;
}

Result<SessionView> AccountService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return Fail(Error::Unauthenticated());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AccountStore accounts(**connection);
  const std::string hash = auth::Sha256Hex(token);
  auto found = accounts.FindSessionAndUser(hash);
  if (!found) return std::unexpected(found.error());
  if (!*found) return Fail(Error::Unauthenticated());
  const auto& [stored_session, stored_user] = **found;
  const auto* session = &stored_session;
  const auto now = clock_.Now();
  const std::string idle_cutoff = FormatTimestamp(now - policy_.idle_timeout);
  const std::string absolute_cutoff = FormatTimestamp(now - policy_.absolute_timeout);
  if (session->last_seen_at < idle_cutoff || session->created_at < absolute_cutoff) {
    (void)accounts.DeleteSession(hash);
    return Fail(
        Error::Unauthenticated("The session has expired. Sign in again.", "sessionExpired"));
  }
  if (stored_user.disabled) {
    (void)accounts.DeleteSession(hash);
    return Fail(Error::Unauthenticated());
  }
  // Refresh the idle timer at most once a minute (or a tenth of the idle timeout, when that is
  // shorter): it saves a write on most requests without letting a session in use expire.
  const auto touch_interval = std::min<std::chrono::seconds>(
      std::chrono::seconds(60),
      std::max<std::chrono::seconds>(std::chrono::seconds(1), policy_.idle_timeout / 10));
  const std::string touch_cutoff = FormatTimestamp(now - touch_interval);
  if (session->last_seen_at < touch_cutoff) {
    if (auto touched = accounts.TouchSession(hash, FormatTimestamp(now)); !touched) {
      return std::unexpected(touched.error());
    }
  }
  return ViewOf(stored_user, session->csrf_token);
}

Result<void> AccountService::SignOut(std::string_view token) {
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  return storage::AccountStore(**connection).DeleteSession(auth::Sha256Hex(token));
}

Result<void> AccountService::ChangePassword(const Caller& caller, std::string_view current_password,
                                            std::string_view new_password) {
  if (!caller.user_id) return Fail(Error::Unauthenticated());
  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  storage::AccountStore accounts(**connection);
  auto user = accounts.FindUserById(*caller.user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return Fail(Error::Unauthenticated());
  if (!auth::VerifyPassword((*user)->password_hash, current_password)) {
    return Fail(Error::Validation({{"current_password", {"wrongPassword"}}}));
  }
  if (const std::string rule = auth::CheckPasswordRule(new_password, (*user)->email);
      !rule.empty()) {
    return Fail(Error::Validation({{"new_password", {rule}}}));
  }
  if (current_password == new_password) {
    return Fail(Error::Validation({{"new_password", {"passwordReused"}}}));
  }
  auto hash = auth::HashPassword(new_password);
  if (!hash) return std::unexpected(hash.error());
  return accounts.SetPassword(*caller.user_id, *hash, FormatTimestamp(clock_.Now()));
}

}  // namespace sg::service
