#include "storage/account_store.hpp"

#include <fmt/format.h>

namespace sg::storage {
namespace {

constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (email, password_hash, role, agency_id, vendor_id, tenant_admin, "
    "must_change_password, password_set, expires_at, password_changed_at, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id";
// The columns ReadUser expects, in order; kUserColumnCount of them.
constexpr std::string_view kUserColumns =
    "u.id, u.email, u.password_hash, u.role, u.agency_id, u.vendor_id, a.code, v.tax_id, "
    "u.tenant_admin, u.disabled, u.must_change_password, u.password_set, u.password_changed_at, "
    "u.mfa_secret, u.mfa_pending_secret, u.mfa_last_step, u.failed_sign_ins, u.locked_until, "
    "u.last_sign_in_at, u.expires_at, u.created_at";
constexpr std::size_t kUserColumnCount = 21;
constexpr std::string_view kUserJoins =
    " FROM users u LEFT JOIN agencies a ON a.id = u.agency_id LEFT JOIN vendors v ON v.id = "
    "u.vendor_id ";
constexpr std::string_view kSetPassword =
    "UPDATE users SET password_hash = $1, must_change_password = 0, password_set = 1, "
    "password_changed_at = $2, updated_at = $2 WHERE id = $3";
constexpr std::string_view kSelectPasswordHistory =
    "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2";
constexpr std::string_view kInsertPasswordHistory =
    "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)";
// SET expressions read the row as it was, so `disabled` in the CASE is the old value.
constexpr std::string_view kUpdateAdministration =
    "UPDATE users SET role = $1, tenant_admin = $2, disabled = $3, expires_at = $4, updated_at = "
    "$5, enabled_at = CASE WHEN disabled = 1 AND $3 = 0 THEN $5 ELSE enabled_at END WHERE id = $6";
constexpr std::string_view kSelectIdleUsers =
    "SELECT id, email, COALESCE(last_sign_in_at, created_at) FROM users WHERE disabled = 0 AND "
    "COALESCE(last_sign_in_at, created_at) < $1 AND (enabled_at IS NULL OR enabled_at < $1) "
    "ORDER BY id";
constexpr std::string_view kDisableUser =
    "UPDATE users SET disabled = 1, updated_at = $1 WHERE id = $2 AND disabled = 0";
constexpr std::string_view kRecordFailure =
    "UPDATE users SET failed_sign_ins = $1, locked_until = $2 WHERE id = $3";
constexpr std::string_view kRecordSignIn =
    "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $1 WHERE id = "
    "$2";
constexpr std::string_view kSetMfa =
    "UPDATE users SET mfa_secret = $1, mfa_pending_secret = $2, mfa_last_step = $3 WHERE id = $4";
constexpr std::string_view kUseMfaStep =
    "UPDATE users SET mfa_last_step = $1 WHERE id = $2 AND mfa_last_step < $1";
constexpr std::string_view kDeleteRecoveryCodes = "DELETE FROM recovery_codes WHERE user_id = $1";
constexpr std::string_view kInsertRecoveryCode =
    "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)";
constexpr std::string_view kUseRecoveryCode =
    "UPDATE recovery_codes SET used_at = $1 WHERE id = (SELECT id FROM recovery_codes WHERE "
    "user_id = $2 AND code_hash = $3 AND used_at IS NULL LIMIT 1) AND used_at IS NULL";

constexpr std::string_view kSessionColumns =
    "s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.public_id, "
    "s.source_ip, s.user_agent, s.enrolment_only";
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, public_id, "
    "source_ip, user_agent, enrolment_only) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteSessionByPublicId =
    "DELETE FROM sessions WHERE user_id = $1 AND public_id = $2";
constexpr std::string_view kDeleteSessionsOf =
    "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2";

constexpr std::string_view kInsertInvitation =
    "INSERT INTO invitations (token_hash, user_id, created_by, created_at, expires_at, purpose) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kSelectInvitation =
    "SELECT token_hash, user_id, created_by, created_at, expires_at, used_at, purpose FROM "
    "invitations WHERE token_hash = $1";
constexpr std::string_view kUseInvitation =
    "UPDATE invitations SET used_at = $1 WHERE token_hash = $2";
constexpr std::string_view kRetireInvitations =
    "UPDATE invitations SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL";
constexpr std::string_view kRetireLinks =
    "UPDATE invitations SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL";

constexpr std::string_view kTokenColumns =
    "t.id, t.user_id, t.name, t.token_hash, t.scopes, t.created_at, t.expires_at, "
    "t.last_used_at, t.revoked_at";
constexpr std::string_view kInsertToken =
    "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) VALUES "
    "($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kRevokeToken =
    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
constexpr std::string_view kRevokeTokensOf =
    "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
constexpr std::string_view kTouchToken = "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2";

std::optional<std::int64_t> OptionalId(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return std::stoll(*cell);
}

bool Flag(const std::optional<std::string>& cell) { return cell && (*cell == "1" || *cell == "t"); }

UserRecord UserOf(const Row& row, std::size_t at = 0) {
  UserRecord user;
  user.id = std::stoll(*row[at + 0]);
  user.email = *row[at + 1];
  user.password_hash = *row[at + 2];
  user.role = *row[at + 3];
  user.agency_id = OptionalId(row[at + 4]);
  user.vendor_id = OptionalId(row[at + 5]);
  user.agency_code = row[at + 6];
  user.vendor_tax_id = row[at + 7];
  user.tenant_admin = Flag(row[at + 8]);
  user.disabled = Flag(row[at + 9]);
  user.must_change_password = Flag(row[at + 10]);
  user.password_set = Flag(row[at + 11]);
  user.password_changed_at = row[at + 12].value_or("");
  user.mfa_secret = row[at + 13];
  user.mfa_pending_secret = row[at + 14];
  user.mfa_last_step = std::stoll(row[at + 15].value_or("0"));
  user.failed_sign_ins = std::stoi(row[at + 16].value_or("0"));
  user.locked_until = row[at + 17];
  user.last_sign_in_at = row[at + 18];
  user.expires_at = row[at + 19];
  user.created_at = row[at + 20].value_or("");
  return user;
}

SessionRecord SessionOf(const Row& row, std::size_t at = 0) {
  SessionRecord session;
  session.token_hash = *row[at + 0];
  session.user_id = std::stoll(*row[at + 1]);
  session.csrf_token = *row[at + 2];
  session.created_at = *row[at + 3];
  session.last_seen_at = *row[at + 4];
  session.public_id = row[at + 5].value_or("");
  session.source_ip = row[at + 6].value_or("");
  session.user_agent = row[at + 7].value_or("");
  session.enrolment_only = Flag(row[at + 8]);
  return session;
}

TokenRecord TokenOf(const Row& row, std::size_t at = 0) {
  TokenRecord token;
  token.id = std::stoll(*row[at + 0]);
  token.user_id = std::stoll(*row[at + 1]);
  token.name = *row[at + 2];
  token.token_hash = *row[at + 3];
  token.scopes = *row[at + 4];
  token.created_at = *row[at + 5];
  token.expires_at = *row[at + 6];
  token.last_used_at = row[at + 7];
  token.revoked_at = row[at + 8];
  return token;
}

/// The registry generation as a last column of the authentication queries.
constexpr std::string_view kGenerationColumn =
    "(SELECT generation FROM registry_generation WHERE id = 1)";

std::optional<std::int64_t> GenerationOf(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return std::stoll(*cell);
}

Result<std::optional<UserRecord>> ReadUser(Result<QueryResult> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<UserRecord>{};
  return std::optional<UserRecord>(UserOf(rows->rows.front()));
}

Param OptionalParam(const std::optional<std::int64_t>& value) {
  return value ? Param{*value} : Param{nullptr};
}

Param OptionalText(const std::optional<std::string>& value) {
  return value ? Param{*value} : Param{nullptr};
}

Result<void> Done(Result<QueryResult> result) {
  if (!result) return std::unexpected(result.error());
  return {};
}

}  // namespace

Result<std::int64_t> AccountStore::CountUsers() {
  auto rows = connection_.Query(kCountUsers);
  if (!rows) return std::unexpected(rows.error());
  return std::stoll(*rows->rows.at(0).at(0));
}

Result<std::int64_t> AccountStore::InsertUser(const NewUser& user, std::string_view now) {
  auto rows = connection_.Query(
      kInsertUser,
      {user.email, user.password_hash, user.role, OptionalParam(user.agency_id),
       OptionalParam(user.vendor_id), std::int64_t{user.tenant_admin ? 1 : 0},
       std::int64_t{user.must_change_password ? 1 : 0}, std::int64_t{user.password_set ? 1 : 0},
       OptionalText(user.expires_at), std::string(now)});
  if (!rows) return std::unexpected(rows.error());
  return std::stoll(*rows->rows.at(0).at(0));
}

Result<std::optional<UserRecord>> AccountStore::FindUserByEmail(std::string_view email) {
  return ReadUser(
      connection_.Query(fmt::format("SELECT {}{}WHERE u.email = $1", kUserColumns, kUserJoins),
                        {std::string(email)}));
}

Result<std::optional<UserRecord>> AccountStore::FindUserById(std::int64_t id) {
  return ReadUser(
      connection_.Query(fmt::format("SELECT {}{}WHERE u.id = $1", kUserColumns, kUserJoins), {id}));
}

Result<std::pair<std::vector<UserRecord>, std::int64_t>> AccountStore::ListUsers(
    const UserFilter& filter) {
  std::string where = "WHERE 1 = 1";
  std::vector<Param> params;
  auto bind = [&](Param value) {
    params.push_back(std::move(value));
    return fmt::format("${}", params.size());
  };
  if (filter.agency_id) where += " AND u.agency_id = " + bind(*filter.agency_id);
  if (filter.vendor_id) where += " AND u.vendor_id = " + bind(*filter.vendor_id);
  if (filter.role) where += " AND u.role = " + bind(*filter.role);
  if (filter.disabled) where += " AND u.disabled = " + bind(std::int64_t{*filter.disabled ? 1 : 0});
  if (!filter.search.empty()) {
    std::string pattern = "%";
    for (const char character : filter.search) {
      if (character == '%' || character == '_' || character == '\\') pattern.push_back('\\');
      pattern.push_back(character);
    }
    pattern.push_back('%');
    where += " AND LOWER(u.email) LIKE LOWER(" + bind(pattern) + ") ESCAPE '\\'";
  }
  auto counted = connection_.Query(fmt::format("SELECT COUNT(*) FROM users u {}", where), params);
  if (!counted) return std::unexpected(counted.error());
  const std::int64_t total = std::stoll(*counted->rows.at(0).at(0));
  const std::string limit = bind(std::int64_t{filter.per_page});
  const std::string offset =
      bind(std::int64_t{static_cast<std::int64_t>(filter.page - 1) * filter.per_page});
  auto rows = connection_.Query(fmt::format("SELECT {}{}{} ORDER BY u.email LIMIT {} OFFSET {}",
                                            kUserColumns, kUserJoins, where, limit, offset),
                                params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<UserRecord> users;
  for (const Row& row : rows->rows) users.push_back(UserOf(row));
  return std::pair{std::move(users), total};
}

Result<void> AccountStore::SetPassword(std::int64_t user_id, std::string_view password_hash,
                                       std::string_view now) {
  return Done(
      connection_.Query(kSetPassword, {std::string(password_hash), std::string(now), user_id}));
}

Result<std::vector<std::string>> AccountStore::PasswordHistory(std::int64_t user_id, int depth) {
  auto rows = connection_.Query(kSelectPasswordHistory, {user_id, std::int64_t{depth}});
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> hashes;
  for (const Row& row : rows->rows) hashes.push_back(*row[0]);
  return hashes;
}

Result<void> AccountStore::AddPasswordHistory(std::int64_t user_id, std::string_view password_hash,
                                              std::string_view now) {
  return Done(connection_.Query(kInsertPasswordHistory,
                                {user_id, std::string(password_hash), std::string(now)}));
}

Result<void> AccountStore::UpdateAdministration(std::int64_t user_id, std::string_view role,
                                                bool tenant_admin, bool disabled,
                                                const std::optional<std::string>& expires_at,
                                                std::string_view now) {
  return Done(connection_.Query(
      kUpdateAdministration,
      {std::string(role), std::int64_t{tenant_admin ? 1 : 0}, std::int64_t{disabled ? 1 : 0},
       OptionalText(expires_at), std::string(now), user_id}));
}

Result<std::vector<IdleUser>> AccountStore::IdleUsers(std::string_view cutoff) {
  auto rows = connection_.Query(kSelectIdleUsers, {std::string(cutoff)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<IdleUser> users;
  for (const Row& row : rows->rows) {
    users.push_back(IdleUser{std::stoll(*row[0]), *row[1], row[2].value_or("")});
  }
  return users;
}

Result<bool> AccountStore::DisableUser(std::int64_t user_id, std::string_view now) {
  auto done = connection_.Query(kDisableUser, {std::string(now), user_id});
  if (!done) return std::unexpected(done.error());
  return done->affected == 1;
}

Result<void> AccountStore::RecordSignInFailure(std::int64_t user_id, int failures,
                                               const std::optional<std::string>& locked_until) {
  return Done(connection_.Query(kRecordFailure,
                                {std::int64_t{failures}, OptionalText(locked_until), user_id}));
}

Result<void> AccountStore::RecordSignIn(std::int64_t user_id, std::string_view now) {
  return Done(connection_.Query(kRecordSignIn, {std::string(now), user_id}));
}

Result<void> AccountStore::SetMfa(std::int64_t user_id, const std::optional<std::string>& secret,
                                  const std::optional<std::string>& pending_secret,
                                  std::int64_t last_step) {
  return Done(connection_.Query(
      kSetMfa, {OptionalText(secret), OptionalText(pending_secret), last_step, user_id}));
}

Result<bool> AccountStore::UseMfaStep(std::int64_t user_id, std::int64_t step) {
  auto done = connection_.Query(kUseMfaStep, {step, user_id});
  if (!done) return std::unexpected(done.error());
  return done->affected == 1;
}

Result<void> AccountStore::ReplaceRecoveryCodes(std::int64_t user_id,
                                                const std::vector<std::string>& hashes) {
  if (auto cleared = Done(connection_.Query(kDeleteRecoveryCodes, {user_id})); !cleared) {
    return cleared;
  }
  for (const std::string& hash : hashes) {
    if (auto inserted = Done(connection_.Query(kInsertRecoveryCode, {user_id, hash})); !inserted) {
      return inserted;
    }
  }
  return {};
}

Result<bool> AccountStore::UseRecoveryCode(std::int64_t user_id, std::string_view code_hash,
                                           std::string_view now) {
  auto done =
      connection_.Query(kUseRecoveryCode, {std::string(now), user_id, std::string(code_hash)});
  if (!done) return std::unexpected(done.error());
  return done->affected == 1;
}

Result<void> AccountStore::InsertSession(const SessionRecord& session) {
  return Done(connection_.Query(
      kInsertSession, {session.token_hash, session.user_id, session.csrf_token, session.created_at,
                       session.last_seen_at, session.public_id, session.source_ip,
                       session.user_agent, std::int64_t{session.enrolment_only ? 1 : 0}}));
}

Result<std::optional<SessionRecord>> AccountStore::FindSession(std::string_view token_hash) {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM sessions s WHERE s.token_hash = $1", kSessionColumns),
      {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<SessionRecord>{};
  return std::optional<SessionRecord>(SessionOf(rows->rows.front()));
}

Result<std::optional<std::pair<SessionRecord, UserRecord>>> AccountStore::FindSessionAndUser(
    std::string_view token_hash) {
  using Found = std::optional<std::pair<SessionRecord, UserRecord>>;
  // One round trip per authenticated request: the session and its user together.
  auto rows = connection_.Query(
      fmt::format("SELECT {}, {}, {} FROM sessions s JOIN users u ON u.id = s.user_id LEFT "
                  "JOIN agencies a ON a.id = u.agency_id LEFT JOIN vendors v ON v.id = "
                  "u.vendor_id WHERE s.token_hash = $1",
                  kUserColumns, kSessionColumns, kGenerationColumn),
      {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return Found{};
  const Row& row = rows->rows.front();
  SessionRecord session = SessionOf(row, kUserColumnCount);
  session.registry_generation = GenerationOf(row.back());
  return Found(std::pair{std::move(session), UserOf(row)});
}

Result<std::vector<SessionRecord>> AccountStore::SessionsOf(std::int64_t user_id) {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM sessions s WHERE s.user_id = $1 ORDER BY s.last_seen_at DESC",
                  kSessionColumns),
      {user_id});
  if (!rows) return std::unexpected(rows.error());
  std::vector<SessionRecord> sessions;
  for (const Row& row : rows->rows) sessions.push_back(SessionOf(row));
  return sessions;
}

Result<void> AccountStore::TouchSession(std::string_view token_hash, std::string_view now) {
  return Done(connection_.Query(kTouchSession, {std::string(now), std::string(token_hash)}));
}

Result<void> AccountStore::DeleteSession(std::string_view token_hash) {
  return Done(connection_.Query(kDeleteSession, {std::string(token_hash)}));
}

Result<bool> AccountStore::DeleteSessionByPublicId(std::int64_t user_id,
                                                   std::string_view public_id) {
  auto done = connection_.Query(kDeleteSessionByPublicId, {user_id, std::string(public_id)});
  if (!done) return std::unexpected(done.error());
  return done->affected > 0;
}

Result<void> AccountStore::DeleteSessionsOf(std::int64_t user_id,
                                            std::string_view keep_token_hash) {
  return Done(connection_.Query(kDeleteSessionsOf, {user_id, std::string(keep_token_hash)}));
}

Result<void> AccountStore::DeleteExpiredSessions(std::string_view idle_cutoff,
                                                 std::string_view absolute_cutoff) {
  return Done(connection_.Query(kDeleteExpiredSessions,
                                {std::string(idle_cutoff), std::string(absolute_cutoff)}));
}

Result<void> AccountStore::InsertInvitation(const InvitationRecord& invitation) {
  return Done(connection_.Query(
      kInsertInvitation,
      {invitation.token_hash, invitation.user_id, OptionalParam(invitation.created_by),
       invitation.created_at, invitation.expires_at, invitation.purpose}));
}

Result<std::optional<InvitationRecord>> AccountStore::FindInvitation(std::string_view token_hash) {
  auto rows = connection_.Query(kSelectInvitation, {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<InvitationRecord>{};
  const Row& row = rows->rows.front();
  return std::optional<InvitationRecord>(InvitationRecord{*row[0], std::stoll(*row[1]),
                                                          OptionalId(row[2]), *row[3], *row[4],
                                                          row[5], row[6].value_or("invitation")});
}

Result<void> AccountStore::UseInvitation(std::string_view token_hash, std::string_view now) {
  return Done(connection_.Query(kUseInvitation, {std::string(now), std::string(token_hash)}));
}

Result<void> AccountStore::RetireInvitations(std::int64_t user_id, std::string_view now) {
  return Done(connection_.Query(kRetireInvitations, {std::string(now), user_id}));
}

Result<void> AccountStore::RetireLinks(std::int64_t user_id, std::string_view purpose,
                                       std::string_view now) {
  return Done(connection_.Query(kRetireLinks, {std::string(now), user_id, std::string(purpose)}));
}

Result<std::int64_t> AccountStore::InsertToken(const TokenRecord& token) {
  auto rows = connection_.Query(kInsertToken, {token.user_id, token.name, token.token_hash,
                                               token.scopes, token.created_at, token.expires_at});
  if (!rows) return std::unexpected(rows.error());
  return std::stoll(*rows->rows.at(0).at(0));
}

Result<std::optional<std::pair<TokenRecord, UserRecord>>> AccountStore::FindTokenAndUser(
    std::string_view token_hash) {
  using Found = std::optional<std::pair<TokenRecord, UserRecord>>;
  auto rows = connection_.Query(
      fmt::format("SELECT {}, {}, {} FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT "
                  "JOIN agencies a ON a.id = u.agency_id LEFT JOIN vendors v ON v.id = "
                  "u.vendor_id WHERE t.token_hash = $1",
                  kUserColumns, kTokenColumns, kGenerationColumn),
      {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return Found{};
  const Row& row = rows->rows.front();
  TokenRecord token = TokenOf(row, kUserColumnCount);
  token.registry_generation = GenerationOf(row.back());
  return Found(std::pair{std::move(token), UserOf(row)});
}

Result<std::vector<TokenRecord>> AccountStore::TokensOf(std::int64_t user_id) {
  auto rows = connection_.Query(
      fmt::format("SELECT {} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC",
                  kTokenColumns),
      {user_id});
  if (!rows) return std::unexpected(rows.error());
  std::vector<TokenRecord> tokens;
  for (const Row& row : rows->rows) tokens.push_back(TokenOf(row));
  return tokens;
}

Result<bool> AccountStore::RevokeToken(std::int64_t user_id, std::int64_t token_id,
                                       std::string_view now) {
  auto done = connection_.Query(kRevokeToken, {std::string(now), token_id, user_id});
  if (!done) return std::unexpected(done.error());
  return done->affected == 1;
}

Result<void> AccountStore::RevokeTokensOf(std::int64_t user_id, std::string_view now) {
  return Done(connection_.Query(kRevokeTokensOf, {std::string(now), user_id}));
}

Result<void> AccountStore::TouchToken(std::int64_t token_id, std::string_view now) {
  return Done(connection_.Query(kTouchToken, {std::string(now), token_id}));
}

}  // namespace sg::storage
