#include "storage/account_store.hpp"

namespace sg::storage {
namespace {

constexpr std::string_view kCountUsers = "SELECT COUNT(*) FROM users";
constexpr std::string_view kInsertUser =
    "INSERT INTO users (email, password_hash, role, agency_id, vendor_id, tenant_admin, "
    "must_change_password, password_changed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, "
    "$5, $6, $7, $8, $8, $8) RETURNING id";
constexpr std::string_view kSelectUser =
    "SELECT u.id, u.email, u.password_hash, u.role, u.agency_id, u.vendor_id, a.code, v.tax_id, "
    "u.tenant_admin, u.disabled, u.must_change_password FROM users u LEFT JOIN agencies a ON a.id "
    "= u.agency_id LEFT JOIN vendors v ON v.id = u.vendor_id ";
constexpr std::string_view kWhereEmail = "WHERE u.email = $1";
constexpr std::string_view kWhereId = "WHERE u.id = $1";
constexpr std::string_view kSetPassword =
    "UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2, "
    "updated_at = $2 WHERE id = $3";
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, "
    "$2, $3, $4, $5)";
constexpr std::string_view kSelectSession =
    "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE "
    "token_hash = $1";
// One round trip per authenticated request: the session and its user together.
constexpr std::string_view kSelectSessionAndUser =
    "SELECT u.id, u.email, u.password_hash, u.role, u.agency_id, u.vendor_id, a.code, v.tax_id, "
    "u.tenant_admin, u.disabled, u.must_change_password, s.token_hash, s.user_id, s.csrf_token, "
    "s.created_at, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN "
    "agencies a ON a.id = u.agency_id LEFT JOIN vendors v ON v.id = u.vendor_id WHERE "
    "s.token_hash = $1";
constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = $1";
constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2";

std::optional<std::int64_t> OptionalId(const std::optional<std::string>& cell) {
  if (!cell) return std::nullopt;
  return std::stoll(*cell);
}

bool Flag(const std::optional<std::string>& cell) { return cell && (*cell == "1" || *cell == "t"); }

Result<std::optional<UserRecord>> ReadUser(Result<QueryResult> rows) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<UserRecord>{};
  const Row& row = rows->rows.front();
  UserRecord user;
  user.id = std::stoll(*row[0]);
  user.email = *row[1];
  user.password_hash = *row[2];
  user.role = *row[3];
  user.agency_id = OptionalId(row[4]);
  user.vendor_id = OptionalId(row[5]);
  user.agency_code = row[6];
  user.vendor_tax_id = row[7];
  user.tenant_admin = Flag(row[8]);
  user.disabled = Flag(row[9]);
  user.must_change_password = Flag(row[10]);
  return std::optional<UserRecord>(std::move(user));
}

Param OptionalParam(const std::optional<std::int64_t>& value) {
  return value ? Param{*value} : Param{nullptr};
}

}  // namespace

Result<std::int64_t> AccountStore::CountUsers() {
  auto rows = connection_.Query(kCountUsers);
  if (!rows) return std::unexpected(rows.error());
  return std::stoll(*rows->rows.at(0).at(0));
}

Result<std::int64_t> AccountStore::InsertUser(const NewUser& user, std::string_view now) {
  auto rows = connection_.Query(
      kInsertUser, {user.email, user.password_hash, user.role, OptionalParam(user.agency_id),
                    OptionalParam(user.vendor_id), std::int64_t{user.tenant_admin ? 1 : 0},
                    std::int64_t{user.must_change_password ? 1 : 0}, std::string(now)});
  if (!rows) return std::unexpected(rows.error());
  return std::stoll(*rows->rows.at(0).at(0));
}

Result<std::optional<UserRecord>> AccountStore::FindUserByEmail(std::string_view email) {
  return ReadUser(
      connection_.Query(std::string(kSelectUser) + std::string(kWhereEmail), {std::string(email)}));
}

Result<std::optional<UserRecord>> AccountStore::FindUserById(std::int64_t id) {
  return ReadUser(connection_.Query(std::string(kSelectUser) + std::string(kWhereId), {id}));
}

Result<void> AccountStore::SetPassword(std::int64_t user_id, std::string_view password_hash,
                                       std::string_view now) {
  auto done =
      connection_.Query(kSetPassword, {std::string(password_hash), std::string(now), user_id});
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<void> AccountStore::InsertSession(const SessionRecord& session) {
  auto done =
      connection_.Query(kInsertSession, {session.token_hash, session.user_id, session.csrf_token,
                                         session.created_at, session.last_seen_at});
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<std::optional<SessionRecord>> AccountStore::FindSession(std::string_view token_hash) {
  auto rows = connection_.Query(kSelectSession, {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return std::optional<SessionRecord>{};
  const Row& row = rows->rows.front();
  return std::optional<SessionRecord>(
      SessionRecord{*row[0], std::stoll(*row[1]), *row[2], *row[3], *row[4]});
}

Result<std::optional<std::pair<SessionRecord, UserRecord>>> AccountStore::FindSessionAndUser(
    std::string_view token_hash) {
  using Found = std::optional<std::pair<SessionRecord, UserRecord>>;
  auto rows = connection_.Query(kSelectSessionAndUser, {std::string(token_hash)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->rows.empty()) return Found{};
  const Row& row = rows->rows.front();
  SessionRecord session{*row[11], std::stoll(*row[12]), *row[13], *row[14], *row[15]};
  auto user = ReadUser(std::move(rows));
  if (!user) return std::unexpected(user.error());
  return Found(std::pair{std::move(session), std::move(**user)});
}

Result<void> AccountStore::TouchSession(std::string_view token_hash, std::string_view now) {
  auto done = connection_.Query(kTouchSession, {std::string(now), std::string(token_hash)});
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<void> AccountStore::DeleteSession(std::string_view token_hash) {
  auto done = connection_.Query(kDeleteSession, {std::string(token_hash)});
  if (!done) return std::unexpected(done.error());
  return {};
}

Result<void> AccountStore::DeleteExpiredSessions(std::string_view idle_cutoff,
                                                 std::string_view absolute_cutoff) {
  auto done = connection_.Query(kDeleteExpiredSessions,
                                {std::string(idle_cutoff), std::string(absolute_cutoff)});
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace sg::storage
