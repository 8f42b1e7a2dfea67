// Contract tests of the PostgreSQL back-end against a real server. They run when
// SG_TEST_POSTGRES_URL names one (scripts/pg-throwaway.sh start DIR prints such a URL) and are
// skipped otherwise. Each test works in a schema of its own, so that runs may overlap.

#include "storage/postgres_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/db.hpp"

namespace sg::storage {
namespace {

using ::testing::Test;

std::string TestUrl() {
  const char* url = std::getenv("SG_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

/// The password of a `postgresql://user:password@host...` URL.
std::string PasswordOf(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t at = url.find('@');
  if (scheme_end == std::string::npos || at == std::string::npos) return "";
  const std::string user_info = url.substr(scheme_end + 3, at - scheme_end - 3);
  const std::size_t colon = user_info.find(':');
  return colon == std::string::npos ? "" : user_info.substr(colon + 1);
}

/// `url` with its password replaced.
std::string WithPassword(const std::string& url, const std::string& password) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t at = url.find('@');
  const std::size_t colon = url.find(':', scheme_end + 3);
  return url.substr(0, colon + 1) + password + url.substr(at);
}

/// The value of the first column of the first row, or "" when there is none or it is NULL.
std::string Scalar(const Result<QueryResult>& result) {
  if (!result || result->rows.empty() || result->rows[0].empty() || !result->rows[0][0]) return "";
  return *result->rows[0][0];
}

class PostgresContract : public Test {
 protected:
  void SetUp() override {
    url_ = TestUrl();
    if (url_.empty()) GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
    static std::atomic<int> counter = 0;
    schema_ = "sg_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    {
      auto admin = OpenPostgres(url_, 1);
      ASSERT_TRUE(admin) << admin.error().detail;
      auto lease = (*admin)->Acquire();
      ASSERT_TRUE(lease) << lease.error().detail;
      ASSERT_TRUE((*lease)->ExecScript("CREATE SCHEMA " + schema_));
    }
    database_ = Open(4);
    ASSERT_NE(database_, nullptr);
  }

  void TearDown() override {
    if (schema_.empty()) return;
    database_.reset();
    auto admin = OpenPostgres(url_, 1);
    ASSERT_TRUE(admin) << admin.error().detail;
    auto lease = (*admin)->Acquire();
    ASSERT_TRUE(lease) << lease.error().detail;
    EXPECT_TRUE((*lease)->ExecScript("DROP SCHEMA " + schema_ + " CASCADE"));
  }

  /// A pool whose connections all use the test's schema.
  std::unique_ptr<Database> Open(int pool_size,
                                 std::chrono::milliseconds timeout = kPostgresAcquireTimeout) {
    const char separator = url_.find('?') == std::string::npos ? '?' : '&';
    auto opened =
        OpenPostgres(url_ + separator + "options=-csearch_path%3D" + schema_, pool_size, timeout);
    EXPECT_TRUE(opened) << opened.error().detail;
    return opened ? std::move(*opened) : nullptr;
  }

  ConnectionLease Lease() {
    auto lease = database_->Acquire();
    if (!lease) throw std::runtime_error(lease.error().detail);
    return std::move(*lease);
  }

  std::string url_;
  std::string schema_;
  std::unique_ptr<Database> database_;
};

TEST_F(PostgresContract, ReportsThePostgresDialect) {
  EXPECT_EQ(database_->dialect(), Dialect::kPostgres);
  EXPECT_EQ(Lease()->dialect(), Dialect::kPostgres);
}

TEST_F(PostgresContract, ParametersRoundTripNullInt64AndUtf8Text) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript(
      "CREATE TABLE item (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT)"));
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::int64_t small = std::numeric_limits<std::int64_t>::min();
  const std::string chinese = "中文名稱：資通安全 ✓";
  auto inserted = connection->Query("INSERT INTO item (id, name, note) VALUES ($1, $2, $3)",
                                    {big, chinese, nullptr});
  ASSERT_TRUE(inserted) << inserted.error().detail;
  EXPECT_EQ(inserted->affected, 1);
  ASSERT_TRUE(connection->Query("INSERT INTO item (id, name, note) VALUES ($1, $2, $3)",
                                {small, std::string("plain"), std::string("")}));

  auto selected = connection->Query("SELECT id, name, note FROM item ORDER BY id");
  ASSERT_TRUE(selected) << selected.error().detail;
  ASSERT_EQ(selected->rows.size(), 2u);
  EXPECT_EQ(selected->rows[0][0], std::to_string(small));
  EXPECT_EQ(selected->rows[0][2], std::optional<std::string>(""));  // empty is not NULL
  EXPECT_EQ(selected->rows[1][0], std::to_string(big));
  EXPECT_EQ(selected->rows[1][1], chinese);
  EXPECT_EQ(selected->rows[1][2], std::nullopt);
  EXPECT_EQ(selected->affected, 0) << "a SELECT changes nothing";

  auto by_name = connection->Query("SELECT id FROM item WHERE name = $1", {chinese});
  EXPECT_EQ(Scalar(by_name), std::to_string(big));
  EXPECT_EQ(Scalar(connection->Query("SELECT length($1::text)", {chinese})), "11");
  EXPECT_EQ(Scalar(connection->Query("SELECT $1::bigint + 1", {std::int64_t{41}})), "42");
}

TEST_F(PostgresContract, ReturningGivesRowsAndAffectedCounts) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript(
      "CREATE TABLE vendor (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT);"
      "CREATE TABLE audit (at INTEGER)"));  // several statements in one script
  auto first = connection->Query("INSERT INTO vendor (name) VALUES ($1) RETURNING id, name",
                                 {std::string("甲")});
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_EQ(first->rows.size(), 1u);
  EXPECT_EQ(first->rows[0][0], "1");
  EXPECT_EQ(first->rows[0][1], "甲");
  EXPECT_EQ(first->affected, 1);
  ASSERT_TRUE(connection->Query("INSERT INTO vendor (name) VALUES ($1)", {std::string("乙")}));

  auto updated = connection->Query("UPDATE vendor SET name = name || $1", {std::string("!")});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->affected, 2);
  auto deleted =
      connection->Query("DELETE FROM vendor WHERE id = $1 RETURNING name", {std::int64_t{2}});
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->affected, 1);
  EXPECT_EQ(Scalar(deleted), "乙!");
  auto none = connection->Query("DELETE FROM vendor WHERE id = $1", {std::int64_t{99}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->affected, 0);
}

TEST_F(PostgresContract, TransactionCommitsWhenTheBodySucceeds) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript("CREATE TABLE t (v INTEGER)"));
  Result<int> done = InTransaction(*connection, [&]() -> Result<int> {
    if (auto inserted = connection->Query("INSERT INTO t VALUES ($1)", {std::int64_t{1}});
        !inserted) {
      return Fail(inserted.error());
    }
    return 7;
  });
  ASSERT_TRUE(done) << done.error().detail;
  EXPECT_EQ(*done, 7);
  auto other = Lease();  // another connection sees the committed row
  EXPECT_EQ(Scalar(other->Query("SELECT count(*) FROM t")), "1");
}

TEST_F(PostgresContract, TransactionRollsBackWhenTheBodyFails) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript("CREATE TABLE t (v INTEGER)"));
  Result<void> failed = InTransaction(*connection, [&]() -> Result<void> {
    if (auto inserted = connection->Query("INSERT INTO t VALUES (1)"); !inserted) {
      return Fail(inserted.error());
    }
    return Fail(Error::Conflict("no", "stop"));
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "stop");
  EXPECT_EQ(Scalar(connection->Query("SELECT count(*) FROM t")), "0");

  EXPECT_THROW(InTransaction(*connection,
                             [&]() -> Result<void> {
                               (void)connection->Query("INSERT INTO t VALUES (1)");
                               throw std::runtime_error("bug");
                             }),
               std::runtime_error);
  EXPECT_EQ(Scalar(connection->Query("SELECT count(*) FROM t")), "0");
}

TEST_F(PostgresContract, CommitAfterAnIgnoredFailureIsAnErrorNotASilentRollback) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript("CREATE TABLE t (v INTEGER PRIMARY KEY)"));
  ASSERT_TRUE(connection->Begin());
  ASSERT_TRUE(connection->Query("INSERT INTO t VALUES (1)"));
  EXPECT_FALSE(connection->Query("INSERT INTO t VALUES (1)"));  // aborts the transaction
  auto committed = connection->Commit();
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().kind, ErrorKind::kInternal);
  EXPECT_EQ(Scalar(connection->Query("SELECT count(*) FROM t")), "0");
}

TEST_F(PostgresContract, NestedBeginIsRefused) {
  auto connection = Lease();
  ASSERT_TRUE(connection->Begin());
  EXPECT_FALSE(connection->Begin());
  EXPECT_TRUE(connection->Rollback());
}

TEST_F(PostgresContract, UniqueViolationIsAConflict) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript("CREATE TABLE account (email TEXT UNIQUE)"));
  ASSERT_TRUE(connection->Query("INSERT INTO account VALUES ($1)", {std::string("a@b.tw")}));
  auto duplicate = connection->Query("INSERT INTO account VALUES ($1)", {std::string("a@b.tw")});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(duplicate.error().code, "uniqueViolation");
  EXPECT_EQ(duplicate.error().message.find("account"), std::string::npos) << "no SQL in message";
  EXPECT_EQ(duplicate.error().message.find("a@b.tw"), std::string::npos);
  EXPECT_NE(duplicate.error().detail.find("23505"), std::string::npos);
  EXPECT_NE(duplicate.error().detail.find("account_email_key"), std::string::npos);
}

TEST_F(PostgresContract, ForeignKeyAndCheckViolationsAreConflicts) {
  auto connection = Lease();
  ASSERT_TRUE(
      connection->ExecScript("CREATE TABLE parent (id BIGINT PRIMARY KEY);"
                             "CREATE TABLE child (parent_id BIGINT REFERENCES parent (id),"
                             " amount INTEGER CHECK (amount >= 0))"));
  auto orphan = connection->Query("INSERT INTO child VALUES ($1, 0)", {std::int64_t{5}});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(orphan.error().code, "foreignKeyViolation");

  ASSERT_TRUE(connection->Query("INSERT INTO parent VALUES (1)"));
  auto negative = connection->Query("INSERT INTO child VALUES (1, $1)", {std::int64_t{-1}});
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(negative.error().code, "checkViolation");

  ASSERT_TRUE(connection->Query("INSERT INTO child VALUES (1, 1)"));
  auto still_referenced = connection->Query("DELETE FROM parent WHERE id = 1");
  ASSERT_FALSE(still_referenced);
  EXPECT_EQ(still_referenced.error().code, "foreignKeyViolation");
}

TEST_F(PostgresContract, OtherErrorsAreInternalWithAGenericMessage) {
  auto connection = Lease();
  auto broken = connection->Query("SELEC 1");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, ErrorKind::kInternal);
  EXPECT_EQ(broken.error().message, "An internal error occurred.");
  EXPECT_NE(broken.error().detail.find("42601"), std::string::npos);
  EXPECT_NE(broken.error().detail.find("SELEC 1"), std::string::npos);

  auto missing = connection->Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kInternal);

  auto script = connection->ExecScript("CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER)");
  ASSERT_FALSE(script);
  EXPECT_EQ(script.error().kind, ErrorKind::kInternal);
  EXPECT_TRUE(connection->Query("SELECT 1")) << "the connection survives the error";
}

TEST_F(PostgresContract, StatementsArePreparedOncePerConnection) {
  auto connection = Lease();
  for (std::int64_t value = 0; value < 5; ++value) {
    EXPECT_EQ(Scalar(connection->Query("SELECT $1::bigint * 2", {value})),
              std::to_string(value * 2));
  }
  auto prepared =
      connection->Query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                        {std::string("SELECT $1::bigint * 2")});
  EXPECT_EQ(Scalar(prepared), "1");
}

TEST_F(PostgresContract, CachedStatementFollowsATableChange) {
  auto connection = Lease();
  ASSERT_TRUE(connection->ExecScript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)"));
  auto before = connection->Query("SELECT * FROM t");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->rows[0].size(), 1u);
  {
    auto other = Lease();  // the change comes from another connection
    ASSERT_TRUE(other->ExecScript("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'"));
  }
  auto after = connection->Query("SELECT * FROM t");
  ASSERT_TRUE(after) << after.error().detail;
  ASSERT_EQ(after->rows[0].size(), 2u);
  EXPECT_EQ(after->rows[0][1], "x");
}

TEST_F(PostgresContract, PoolServesEightThreadsWithFourConnections) {
  constexpr int kThreads = 8;
  constexpr int kQueriesPerThread = 100;
  std::atomic<int> failures = 0;
  std::mutex pids_mutex;
  std::set<std::string> backend_pids;
  std::vector<std::thread> threads;
  for (int thread_index = 0; thread_index < kThreads; ++thread_index) {
    threads.emplace_back([&, thread_index] {
      for (int query = 0; query < kQueriesPerThread; ++query) {
        auto lease = database_->Acquire();
        if (!lease) {
          ++failures;
          continue;
        }
        const std::int64_t value = thread_index * 1000 + query;
        auto result = (*lease)->Query("SELECT $1::bigint + 1, pg_backend_pid()", {value});
        if (!result || result->rows[0][0] != std::to_string(value + 1)) {
          ++failures;
          continue;
        }
        std::lock_guard lock(pids_mutex);
        backend_pids.insert(*result->rows[0][1]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(backend_pids.size(), 1u);
  EXPECT_LE(backend_pids.size(), 4u) << "never more connections than the pool size";
}

TEST_F(PostgresContract, AcquireGivesUpWhenThePoolStaysBusy) {
  auto database = Open(1, std::chrono::milliseconds(200));
  ASSERT_NE(database, nullptr);
  auto held = database->Acquire();
  ASSERT_TRUE(held);
  const auto start = std::chrono::steady_clock::now();
  auto waited = database->Acquire();
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().kind, ErrorKind::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
}

TEST_F(PostgresContract, AcquireWaitsForAReturnedConnection) {
  auto database = Open(1);
  ASSERT_NE(database, nullptr);
  std::optional<ConnectionLease> held(*database->Acquire());
  std::thread returner([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    held.reset();
  });
  auto waited = database->Acquire();
  returner.join();
  ASSERT_TRUE(waited) << waited.error().detail;
  EXPECT_TRUE((*waited)->Query("SELECT 1"));
}

TEST_F(PostgresContract, ConnectionKilledWhileLeasedIsReplaced) {
  auto database = Open(1);
  ASSERT_NE(database, nullptr);
  std::string old_pid;
  {
    auto lease = database->Acquire();
    ASSERT_TRUE(lease);
    old_pid = Scalar((*lease)->Query("SELECT pg_backend_pid()"));
    auto killed = (*lease)->Query("SELECT pg_terminate_backend(pg_backend_pid())");
    ASSERT_FALSE(killed);
    EXPECT_EQ(killed.error().kind, ErrorKind::kUnavailable);
    auto after = (*lease)->Query("SELECT 1");
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().kind, ErrorKind::kUnavailable);
  }
  auto lease = database->Acquire();
  ASSERT_TRUE(lease) << lease.error().detail;
  auto pid = (*lease)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid) << pid.error().detail;
  EXPECT_NE(Scalar(pid), old_pid);
}

TEST_F(PostgresContract, IdleConnectionKilledByTheServerIsReplacedOnAcquire) {
  auto database = Open(2);
  ASSERT_NE(database, nullptr);
  auto second = database->Acquire();
  ASSERT_TRUE(second);
  std::string victim;
  {
    auto first = database->Acquire();  // a second connection, returned to the pool below
    ASSERT_TRUE(first);
    victim = Scalar((*first)->Query("SELECT pg_backend_pid()"));
  }
  // The victim now sits idle in the pool; end its session from the other connection and wait.
  auto terminated =
      (*second)->Query("SELECT pg_terminate_backend($1::int, 5000)", {std::stoll(victim)});
  ASSERT_TRUE(terminated) << terminated.error().detail;
  EXPECT_EQ(Scalar(terminated), "t");

  auto replacement = database->Acquire();
  ASSERT_TRUE(replacement) << replacement.error().detail;
  auto pid = (*replacement)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid) << pid.error().detail;
  EXPECT_NE(Scalar(pid), victim);
}

TEST_F(PostgresContract, AbandonedTransactionIsRolledBackBeforeReuse) {
  auto database = Open(1);
  ASSERT_NE(database, nullptr);
  {
    auto lease = database->Acquire();
    ASSERT_TRUE(lease);
    ASSERT_TRUE((*lease)->ExecScript("CREATE TABLE t (v INTEGER)"));
    ASSERT_TRUE((*lease)->Begin());
    ASSERT_TRUE((*lease)->Query("INSERT INTO t VALUES (1)"));
  }
  auto lease = database->Acquire();
  ASSERT_TRUE(lease);
  EXPECT_EQ(Scalar((*lease)->Query("SELECT count(*) FROM t")), "0");
  EXPECT_TRUE((*lease)->Begin()) << "the connection is outside any transaction";
  EXPECT_TRUE((*lease)->Rollback());
}

TEST(PostgresOpen, WrongPasswordFailsFastWithoutRevealingIt) {
  const std::string url = TestUrl();
  if (url.empty()) GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
  const std::string wrong = "Wr0ng-S3cret-Passw0rd";
  auto opened = OpenPostgres(WithPassword(url, wrong), 2);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(opened.error().message.find("supplyguard"), std::string::npos)
      << opened.error().message;
  EXPECT_NE(opened.error().detail.find("password authentication failed"), std::string::npos)
      << opened.error().detail;
  for (const std::string& text : {opened.error().message, opened.error().detail}) {
    EXPECT_EQ(text.find(wrong), std::string::npos) << text;
  }
}

TEST(PostgresOpen, ErrorsNeverContainTheRealPassword) {
  const std::string url = TestUrl();
  if (url.empty()) GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
  const std::string password = PasswordOf(url);
  ASSERT_FALSE(password.empty()) << "the test URL should carry a password";

  std::vector<Error> errors;
  // Nothing listens on port 1.
  const std::size_t port_start = url.rfind(':') + 1;
  const std::string unreachable =
      url.substr(0, port_start) + "1" + url.substr(url.find('/', port_start));
  auto refused = OpenPostgres(unreachable, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable);
  errors.push_back(refused.error());
  // A URL libpq cannot parse, with the password in it.
  auto invalid = OpenPostgres(url + "?bogus%zz=" + password, 1);
  ASSERT_FALSE(invalid);
  errors.push_back(invalid.error());
  auto invalid_value = OpenPostgres(url + "?application_name=" + password + "%zz", 1);
  ASSERT_FALSE(invalid_value);
  errors.push_back(invalid_value.error());
  // Errors of statements and of a killed connection.
  auto database = OpenPostgres(url, 1);
  ASSERT_TRUE(database) << database.error().detail;
  {
    auto lease = (*database)->Acquire();
    ASSERT_TRUE(lease);
    errors.push_back((*lease)->Query("SELECT $1::integer", {password}).error());
    errors.push_back((*lease)->Query("SELECT pg_terminate_backend(pg_backend_pid())").error());
    errors.push_back((*lease)->Query("SELECT 1").error());
  }
  for (const Error& error : errors) {
    EXPECT_EQ(error.message.find(password), std::string::npos) << error.message;
    EXPECT_EQ(error.detail.find(password), std::string::npos) << error.detail;
  }
}

TEST(PostgresErrorMapping, FollowsTheSharedTable) {
  EXPECT_EQ(MapPostgresError("23505", false, "d").code, "uniqueViolation");
  EXPECT_EQ(MapPostgresError("23503", false, "d").code, "foreignKeyViolation");
  EXPECT_EQ(MapPostgresError("23514", false, "d").code, "checkViolation");
  EXPECT_EQ(MapPostgresError("23514", false, "d").kind, ErrorKind::kConflict);
  EXPECT_EQ(MapPostgresError("40001", false, "d").code, "retry");
  EXPECT_EQ(MapPostgresError("40P01", false, "d").kind, ErrorKind::kUnavailable);
  EXPECT_EQ(MapPostgresError("08006", false, "d").kind, ErrorKind::kUnavailable);
  EXPECT_EQ(MapPostgresError("57P01", false, "d").kind, ErrorKind::kUnavailable);
  EXPECT_EQ(MapPostgresError("", true, "d").kind, ErrorKind::kUnavailable);
  EXPECT_EQ(MapPostgresError("08P01", false, "d").kind, ErrorKind::kInternal);
  EXPECT_EQ(MapPostgresError("42601", false, "d").kind, ErrorKind::kInternal);
  const Error error = MapPostgresError("23505", false, "server said X");
  EXPECT_EQ(error.detail, "server said X");
  EXPECT_EQ(error.message.find("X"), std::string::npos);
}

TEST(PostgresOpen, RefusesAPoolOfNoConnections) {
  auto opened = OpenPostgres("postgresql://localhost/x", 0);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, ErrorKind::kInternal);
}

}  // namespace
}  // namespace sg::storage

namespace sg::storage {
namespace {

/// Polls `condition` for up to five seconds.
template <typename Condition>
bool Eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

TEST_F(PostgresContract, ChangeFeedFollowsNoticesAndSurvivesALostConnection) {
  EXPECT_EQ(database_->changes(), nullptr);
  auto started = database_->StartChangeFeed();
  ASSERT_TRUE(started) << started.error().detail;
  EXPECT_TRUE(*started);
  ChangeFeed* feed = database_->changes();
  ASSERT_NE(feed, nullptr);
  ASSERT_TRUE(Eventually([&] { return feed->Epoch().has_value(); }));

  // A notice from any connection moves the epoch; so does a change made here, at once.
  const auto before = *feed->Epoch();
  ASSERT_TRUE(Lease()->Query("NOTIFY sg_changes"));
  EXPECT_TRUE(Eventually([&] { return feed->Epoch().value_or(0) > before; }));
  const auto noticed = feed->Epoch().value_or(0);
  feed->Bump();
  EXPECT_GT(feed->Epoch().value_or(0), noticed);

  // The server ends the feed's connection: it reconnects, and the epoch has moved (notices sent
  // meanwhile are lost, so whatever was cached before is stale).
  const auto before_loss = feed->Epoch().value_or(0);
  auto killed = Lease()->Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
      "'supplyguard-feed' AND pid <> pg_backend_pid()");
  ASSERT_TRUE(killed) << killed.error().detail;
  EXPECT_TRUE(Eventually([&] { return feed->Epoch().value_or(0) >= before_loss + 2; }));
  const auto reconnected = feed->Epoch().value_or(0);
  ASSERT_TRUE(Lease()->Query("NOTIFY sg_changes"));
  EXPECT_TRUE(Eventually([&] { return feed->Epoch().value_or(0) > reconnected; }));
}

}  // namespace
}  // namespace sg::storage
