#include "storage/postgres_database.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <variant>

namespace sg::storage {
namespace {

/// Prepared statements kept per connection; past this, statements run unprepared, so that SQL
/// built at run time (IN lists of varying length) cannot grow the cache without bound.
constexpr std::size_t kMaxPreparedStatements = 512;
/// How much of a statement's text an error detail quotes.
constexpr std::size_t kSqlInDetail = 200;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

using Secrets = std::vector<std::string>;

/// Replaces every occurrence of every secret in `text` with `***`.
std::string Scrub(std::string text, const Secrets& secrets) {
  for (const std::string& secret : secrets) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

/// libpq's multi-line messages ("ERROR: ...\nDETAIL: ...\n") as one log line.
std::string OneLine(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!line.empty() && line.back() != ' ') line.push_back(' ');
    } else {
      line.push_back(c);
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

/// The start of a statement for an error detail, cut on a UTF-8 character boundary.
std::string Shorten(std::string_view sql) {
  if (sql.size() <= kSqlInDetail) return OneLine(sql);
  std::size_t cut = kSqlInDetail;
  while (cut > 0 && (static_cast<unsigned char>(sql[cut]) & 0xC0) == 0x80) --cut;
  return OneLine(sql.substr(0, cut)) + "...";
}

/// What OpenPostgres needs to know about a connection string before it connects.
struct ParsedUri {
  std::string target;   // user@host:port/db, for errors
  Secrets secrets;      // the password as written and as decoded, longest first
  std::string problem;  // non-empty when libpq cannot parse the string
};

ParsedUri ParseUri(std::string_view uri) {
  ParsedUri parsed;
  // The password as written: the user-info of a URI, and `password=` in a query or key=value
  // string (libpq reports undecodable values verbatim, so these are scrubbed too).
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (!uri.starts_with(scheme)) continue;
    const std::string_view rest = uri.substr(scheme.size());
    const std::size_t end = rest.find_first_of("@/");
    if (end == std::string_view::npos || rest[end] != '@') continue;
    const std::string_view user_info = rest.substr(0, end);
    if (const std::size_t colon = user_info.find(':'); colon != std::string_view::npos) {
      parsed.secrets.emplace_back(user_info.substr(colon + 1));
    }
  }
  constexpr std::string_view kPasswordKey = "password=";
  for (std::size_t at = uri.find(kPasswordKey); at != std::string_view::npos;
       at = uri.find(kPasswordKey, at + 1)) {
    std::string_view value = uri.substr(at + kPasswordKey.size());
    if (value.starts_with('\'')) value.remove_prefix(1);
    parsed.secrets.emplace_back(value.substr(0, value.find_first_of("&' \t")));
  }

  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(uri).c_str(), &error);
  std::map<std::string, std::string, std::less<>> values;
  if (options != nullptr) {
    for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (option->val != nullptr) values.emplace(option->keyword, option->val);
    }
    PQconninfoFree(options);
  } else {
    parsed.problem = error != nullptr ? OneLine(error) : "libpq cannot parse it";
  }
  if (error != nullptr) PQfreemem(error);

  if (auto password = values.find("password"); password != values.end()) {
    parsed.secrets.push_back(password->second);
  }
  std::erase_if(parsed.secrets, [](const std::string& secret) { return secret.empty(); });
  std::ranges::sort(parsed.secrets, [](const std::string& left, const std::string& right) {
    return left.size() > right.size();
  });

  const auto value_of = [&values](std::string_view key) -> std::string {
    const auto found = values.find(key);
    return found == values.end() ? std::string() : found->second;
  };
  std::string host = value_of("host");
  if (host.empty()) host = value_of("hostaddr");
  if (host.empty()) host = "(default host)";
  const std::string user = value_of("user");
  const std::string port = value_of("port");
  parsed.target = fmt::format("{}{}{}/{}", user.empty() ? "" : user + "@", host,
                              port.empty() ? "" : ":" + port, value_of("dbname"));
  parsed.problem = Scrub(std::move(parsed.problem), parsed.secrets);
  return parsed;
}

bool Succeeded(const PGresult* result) {
  switch (PQresultStatus(result)) {  // PQresultStatus(nullptr) is PGRES_FATAL_ERROR
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return true;
    default:
      return false;
  }
}

std::string_view SqlState(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? std::string_view(state) : std::string_view();
}

/// Rows changed by INSERT/UPDATE/DELETE/MERGE; 0 for anything else (PostgreSQL also counts the
/// rows of a SELECT, which is not a change).
std::int64_t RowsChanged(const PGresult* result) {
  const std::string_view tag = PQcmdStatus(const_cast<PGresult*>(result));
  if (!tag.starts_with("INSERT") && !tag.starts_with("UPDATE") && !tag.starts_with("DELETE") &&
      !tag.starts_with("MERGE")) {
    return 0;
  }
  const std::string_view count = PQcmdTuples(const_cast<PGresult*>(result));
  std::int64_t changed = 0;
  std::from_chars(count.data(), count.data() + count.size(), changed);
  return changed;
}

Error WithDetail(Error error, std::string detail) {
  error.detail = std::move(detail);
  return error;
}

}  // namespace

Error MapPostgresError(std::string_view sqlstate, bool connection_lost, std::string detail) {
  if (sqlstate == "23505") {
    return WithDetail(
        Error::Conflict("A record with the same key already exists.", "uniqueViolation"),
        std::move(detail));
  }
  if (sqlstate == "23503") {
    return WithDetail(Error::Conflict("The record refers to, or is referred to by, another record.",
                                      "foreignKeyViolation"),
                      std::move(detail));
  }
  if (sqlstate == "23514") {
    return WithDetail(
        Error::Conflict("The record breaks a rule of the database.", "checkViolation"),
        std::move(detail));
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {  // serialization failure, deadlock
    Error error = Error::Unavailable(std::move(detail));
    error.code = "retry";
    return error;
  }
  // Class 08 is the connection's state, except 08P01 (a protocol violation: a bug, e.g. a wrong
  // number of parameters). 57P01..57P03: the server is shutting down or restarting.
  const bool connection_failure = (sqlstate.starts_with("08") && sqlstate != "08P01") ||
                                  sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
  if (connection_lost || connection_failure) return Error::Unavailable(std::move(detail));
  return Error::Internal(std::move(detail));
}

/// One libpq connection. Statements are prepared once per connection, keyed by their SQL text.
class PostgresConnection final : public Connection {
 public:
  PostgresConnection(ConnPtr conn, std::shared_ptr<const Secrets> secrets)
      : conn_(std::move(conn)), secrets_(std::move(secrets)) {
    // Notices (e.g. "table does not exist, skipping") would go to stderr; the only one that
    // matters is a FATAL the server sends before it closes an idle session.
    PQsetNoticeReceiver(conn_.get(), &PostgresConnection::OnNotice, this);
  }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  using Connection::Query;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<QueryResult> Query(std::string_view sql, std::span<const Param> params) override {
    // Text-format parameters: NULL, decimal integers, strings as they are.
    std::vector<std::string> numbers(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t index = 0; index < params.size(); ++index) {
      const Param& param = params[index];
      if (const auto* number = std::get_if<std::int64_t>(&param)) {
        numbers[index] = std::to_string(*number);
        values[index] = numbers[index].c_str();
      } else if (const auto* text = std::get_if<std::string>(&param)) {
        if (text->find('\0') != std::string::npos) {
          return Fail(Error::Internal(fmt::format(
              "PostgreSQL: parameter ${} holds a NUL byte, which text cannot store, in: {}",
              index + 1, Shorten(sql))));
        }
        values[index] = text->c_str();
      }
    }
    const std::string statement(sql);
    const ResultPtr result = Execute(statement, values, /*may_replan=*/true);
    if (!Succeeded(result.get())) return Fail(Failure(result.get(), statement));

    QueryResult output;
    const int row_count = PQntuples(result.get());
    const int column_count = PQnfields(result.get());
    output.rows.reserve(static_cast<std::size_t>(row_count));
    for (int row_index = 0; row_index < row_count; ++row_index) {
      Row row;
      row.reserve(static_cast<std::size_t>(column_count));
      for (int column = 0; column < column_count; ++column) {
        if (PQgetisnull(result.get(), row_index, column)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(
              std::string(PQgetvalue(result.get(), row_index, column),
                          static_cast<std::size_t>(PQgetlength(result.get(), row_index, column))));
        }
      }
      output.rows.push_back(std::move(row));
    }
    output.affected = RowsChanged(result.get());
    return output;
  }

  Result<void> ExecScript(std::string_view sql) override {
    const std::string script(sql);
    const ResultPtr result(PQexec(conn_.get(), script.c_str()));
    if (!Succeeded(result.get())) return Fail(Failure(result.get(), script));
    // A script may alter tables that cached plans depend on: prepare afresh from now on.
    ForgetStatements();
    return {};
  }

  Result<void> Begin() override {
    if (PQstatus(conn_.get()) == CONNECTION_OK &&
        PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
      // PostgreSQL would only warn, and the inner COMMIT would commit the outer transaction.
      return Fail(Error::Internal("PostgreSQL: BEGIN inside an open transaction"));
    }
    return Command("BEGIN");
  }

  Result<void> Commit() override {
    const ResultPtr result(PQexec(conn_.get(), "COMMIT"));
    if (!Succeeded(result.get())) return Fail(Failure(result.get(), "COMMIT"));
    // COMMIT of a transaction in which a statement failed rolls it back and says so only in its
    // tag; a caller that ignored the failed statement must not believe its changes were kept.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      return Fail(Error::Internal(
          "PostgreSQL: COMMIT rolled back, because a statement of the transaction had failed"));
    }
    return {};
  }

  Result<void> Rollback() override { return Command("ROLLBACK"); }

  /// False when the server has ended the session while the connection sat in the pool. Reads
  /// what has already arrived, without waiting: the server's FATAL message, then the end of the
  /// stream, each take one read.
  bool IsAlive() {
    for (int read = 0; read < 2; ++read) {
      if (PQstatus(conn_.get()) != CONNECTION_OK || fatal_notice_) return false;
      if (PQconsumeInput(conn_.get()) == 0) return false;
    }
    return PQstatus(conn_.get()) == CONNECTION_OK && !fatal_notice_;
  }

  /// True when the connection may go back to the pool: still connected, and outside any
  /// transaction (an abandoned one is rolled back).
  bool PrepareForReuse() {
    if (PQstatus(conn_.get()) != CONNECTION_OK || fatal_notice_) return false;
    switch (PQtransactionStatus(conn_.get())) {
      case PQTRANS_IDLE:
        return true;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR: {
        const ResultPtr result(PQexec(conn_.get(), "ROLLBACK"));
        return PQresultStatus(result.get()) == PGRES_COMMAND_OK &&
               PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
      }
      default:  // a command still running (COPY), or the connection is gone
        return false;
    }
  }

 private:
  static void OnNotice(void* self, const PGresult* notice) {
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (severity != nullptr &&
        (std::string_view(severity) == "FATAL" || std::string_view(severity) == "PANIC")) {
      static_cast<PostgresConnection*>(self)->fatal_notice_ = true;
    }
  }

  /// Runs `sql` as a prepared statement, preparing it on first use.
  ResultPtr Execute(const std::string& sql, const std::vector<const char*>& values,
                    bool may_replan) {
    const int count = static_cast<int>(values.size());
    auto statement = statements_.find(sql);
    if (statement == statements_.end()) {
      if (statements_.size() >= kMaxPreparedStatements) {
        return ResultPtr(PQexecParams(conn_.get(), sql.c_str(), count, nullptr, values.data(),
                                      nullptr, nullptr, 0));
      }
      std::string name = fmt::format("sg_{}", ++statements_made_);
      ResultPtr prepared(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
      if (!Succeeded(prepared.get())) return prepared;
      statement = statements_.emplace(sql, std::move(name)).first;
    }
    ResultPtr result(PQexecPrepared(conn_.get(), statement->second.c_str(), count, values.data(),
                                    nullptr, nullptr, 0));
    // "cached plan must not change result type": a table changed under a `SELECT *`. Outside a
    // transaction nothing is lost by preparing the statement again and rerunning it once.
    if (may_replan && SqlState(result.get()) == "0A000" &&
        PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
      Deallocate(statement->second);
      statements_.erase(statement);
      return Execute(sql, values, /*may_replan=*/false);
    }
    return result;
  }

  void Deallocate(const std::string& name) {
    const ResultPtr ignored(PQexec(conn_.get(), fmt::format("DEALLOCATE {}", name).c_str()));
  }

  void ForgetStatements() {
    if (statements_.empty()) return;
    if (PQtransactionStatus(conn_.get()) != PQTRANS_INERROR) {
      const ResultPtr ignored(PQexec(conn_.get(), "DEALLOCATE ALL"));
    }
    // Names are never reused, so a statement the server still holds cannot be confused.
    statements_.clear();
  }

  Result<void> Command(const char* command) {
    const ResultPtr result(PQexec(conn_.get(), command));
    if (!Succeeded(result.get())) return Fail(Failure(result.get(), command));
    return {};
  }

  /// The Error for a failed statement. Its message is generic; the server's message, SQLSTATE,
  /// constraint and the start of the statement go to the detail, with the password scrubbed.
  Error Failure(const PGresult* result, std::string_view sql) const {
    const std::string_view sqlstate = SqlState(result);
    std::string message;
    if (result == nullptr) {
      message = PQerrorMessage(conn_.get());
    } else if (const ExecStatusType status = PQresultStatus(result);
               status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR ||
               status == PGRES_BAD_RESPONSE) {
      message = PQresultErrorMessage(result);
    } else {
      message = fmt::format("unexpected result {}", PQresStatus(status));
    }
    const char* constraint =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    std::string detail = fmt::format("PostgreSQL: {} [SQLSTATE {}{}{}] in: {}", OneLine(message),
                                     sqlstate.empty() ? "none" : sqlstate,
                                     constraint != nullptr ? ", constraint " : "",
                                     constraint != nullptr ? constraint : "", Shorten(sql));
    const bool lost = result == nullptr || PQstatus(conn_.get()) != CONNECTION_OK;
    return MapPostgresError(sqlstate, lost, Scrub(std::move(detail), *secrets_));
  }

  ConnPtr conn_;
  std::shared_ptr<const Secrets> secrets_;
  std::map<std::string, std::string, std::less<>> statements_;  // SQL text -> statement name
  std::uint64_t statements_made_ = 0;
  bool fatal_notice_ = false;
};

namespace {

/// Opens a libpq connection with the pool's settings (a bare PGconn, for the change feed).
ConnPtr ConnectRaw(const std::string& uri) {
  const char* const keywords[] = {"connect_timeout", "application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {"10", "supplyguard-feed", uri.c_str(), "UTF8", nullptr};
  return ConnPtr(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
}

/// The change feed of a PostgreSQL database: a thread LISTENs on `sg_changes`, which migration
/// 7's triggers notify after every committed change that authentication or cached reads depend
/// on, and moves the epoch for each batch of notices. While its connection is down the feed
/// answers no epoch, so callers read the database instead; every reconnection moves the epoch,
/// since notices sent while it was down are lost.
class PostgresChangeFeed final : public ChangeFeed {
 public:
  explicit PostgresChangeFeed(std::string uri) : uri_(std::move(uri)) {}
  ~PostgresChangeFeed() override {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }

  /// Listens once on the calling thread (so a bad address fails now), then follows on its own.
  Result<void> Start() {
    ConnPtr conn = Listen();
    if (!conn) return Fail(Error::Unavailable("PostgreSQL: the change feed cannot LISTEN"));
    thread_ = std::jthread([this, first = std::move(conn)](std::stop_token stop) mutable {
      Run(std::move(first), stop);
    });
    return {};
  }

  std::optional<std::uint64_t> Epoch() const override {
    if (!healthy_.load(std::memory_order_acquire)) return std::nullopt;
    return epoch_.load(std::memory_order_acquire);
  }
  void Bump() override { epoch_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  ConnPtr Listen() {
    ConnPtr conn = ConnectRaw(uri_);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) return nullptr;
    const ResultPtr listened(PQexec(conn.get(), "LISTEN sg_changes"));
    if (PQresultStatus(listened.get()) != PGRES_COMMAND_OK) return nullptr;
    return conn;
  }

  void Run(ConnPtr conn, std::stop_token stop) {
    auto backoff = std::chrono::milliseconds(100);
    while (!stop.stop_requested()) {
      if (!conn) conn = Listen();
      if (conn) {
        Bump();  // whatever was cached before this connection listened may be stale
        healthy_.store(true, std::memory_order_release);
        backoff = std::chrono::milliseconds(100);
        Follow(conn.get(), stop);
        healthy_.store(false, std::memory_order_release);
        Bump();
        conn.reset();
      }
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop.stop_requested();
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }

  /// Returns when the connection fails or a stop is requested.
  void Follow(PGconn* conn, const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      pollfd descriptor{PQsocket(conn), POLLIN, 0};
      const int ready = poll(&descriptor, 1, 200);
      if (ready < 0 && errno != EINTR) return;
      if (ready > 0) {
        if (PQconsumeInput(conn) == 0) return;
        bool noticed = false;
        while (PGnotify* notice = PQnotifies(conn)) {
          PQfreemem(notice);
          noticed = true;
        }
        if (noticed) Bump();
      }
      if (PQstatus(conn) != CONNECTION_OK) return;
    }
  }

  const std::string uri_;
  std::atomic<std::uint64_t> epoch_{0};
  std::atomic<bool> healthy_{false};
  std::jthread thread_;
};

}  // namespace

Result<bool> PostgresDatabase::StartChangeFeed() {
  if (feed_) return true;
  auto feed = std::make_unique<PostgresChangeFeed>(uri_);
  if (auto started = feed->Start(); !started) {
    Error error = std::move(started.error());
    error.detail += " (" + target_ + ")";
    return Fail(std::move(error));
  }
  feed_ = std::move(feed);
  return true;
}

PostgresDatabase::PostgresDatabase(std::string uri, std::string target,
                                   std::shared_ptr<const std::vector<std::string>> secrets,
                                   int pool_size, std::chrono::milliseconds acquire_timeout)
    : uri_(std::move(uri)),
      target_(std::move(target)),
      secrets_(std::move(secrets)),
      pool_size_(pool_size),
      acquire_timeout_(acquire_timeout) {
  // Release pushes back without allocating, so that a lease's destructor cannot throw.
  idle_.reserve(static_cast<std::size_t>(pool_size_));
}

PostgresDatabase::~PostgresDatabase() = default;

Result<std::unique_ptr<PostgresConnection>> PostgresDatabase::Connect() const {
  // Defaults come before `dbname`, which libpq expands into the URI's own settings, so the URI
  // may override them; the encoding comes after: the code reads and writes UTF-8.
  const char* const keywords[] = {"connect_timeout", "application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {"10", "supplyguard", uri_.c_str(), "UTF8", nullptr};
  ConnPtr conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) return Fail(Error::Unavailable("PostgreSQL: libpq is out of memory"));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Fail(Error::Unavailable(Scrub(fmt::format("PostgreSQL: cannot connect to {}: {}",
                                                     target_, OneLine(PQerrorMessage(conn.get()))),
                                         *secrets_)));
  }
  return std::make_unique<PostgresConnection>(std::move(conn), secrets_);
}

Result<ConnectionLease> PostgresDatabase::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<PostgresConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (connection->IsAlive()) return ConnectionLease(this, std::move(connection));
      connection.reset();  // the server ended the session: close it, open another in its slot
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < pool_size_) {
      ++open_;
      lock.unlock();
      auto opened = Connect();
      if (opened) return ConnectionLease(this, std::move(*opened));
      lock.lock();
      --open_;
      lock.unlock();
      returned_.notify_one();
      return Fail(std::move(opened.error()));
    }
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= pool_size_) {
      return Fail(Error::Unavailable(
          fmt::format("PostgreSQL: all {} connections to {} stayed busy for {} ms", pool_size_,
                      target_, acquire_timeout_.count())));
    }
  }
}

void PostgresDatabase::Release(std::unique_ptr<Connection> connection) {
  auto* ours = dynamic_cast<PostgresConnection*>(connection.get());
  if (ours == nullptr) return;  // not from this pool; cannot happen
  std::unique_ptr<PostgresConnection> returned(
      static_cast<PostgresConnection*>(connection.release()));
  const bool reusable = returned->PrepareForReuse();
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(returned));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
  // A broken connection is closed here, outside the lock.
}

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view uri, int pool_size,
                                               std::chrono::milliseconds acquire_timeout) {
  if (pool_size < 1) {
    return Fail(Error::Internal(
        fmt::format("PostgreSQL: the pool size must be at least 1, not {}", pool_size)));
  }
  if (!PQisthreadsafe()) return Fail(Error::Internal("PostgreSQL: libpq is not thread-safe"));
  ParsedUri parsed = ParseUri(uri);
  if (!parsed.problem.empty()) {
    return Fail(WithDetail(Error::BadRequest("The PostgreSQL connection URL is not valid."),
                           "PostgreSQL: invalid connection URL: " + parsed.problem));
  }
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase(
      std::string(uri), parsed.target, std::make_shared<const Secrets>(std::move(parsed.secrets)),
      pool_size, acquire_timeout));
  // Connect once now, so that a wrong address or password is reported at start-up.
  auto first = database->Connect();
  if (!first) {
    Error error = std::move(first.error());
    error.message = fmt::format("Cannot connect to the PostgreSQL database {}.", parsed.target);
    return Fail(std::move(error));
  }
  database->idle_.push_back(std::move(*first));
  database->open_ = 1;
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace sg::storage
