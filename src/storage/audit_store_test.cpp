// The audit log's storage contract: the same tests against SQLite and, when SG_TEST_POSTGRES_URL
// names a server, PostgreSQL (each run in a database of its own, dropped afterwards). The chain's
// real hash lives in src/audit; here a stand-in hash that covers seq and prev_hash is enough.
#include "storage/audit_store.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "storage/migrations.hpp"
#include "storage/scratch_database.hpp"

namespace sg::storage {
namespace {

/// Stands in for audit::EntryHash: distinct per seq and dependent on the previous hash.
std::string TestHash(const AuditEntry& entry) {
  return fmt::format("{}-{}", entry.seq, entry.prev_hash.substr(0, 12));
}

AuditEntry MakeEntry(std::string action, std::string at = "2026-03-01T08:00:00.000Z") {
  AuditEntry entry;
  entry.at = std::move(at);
  entry.action = std::move(action);
  entry.actor_email = "officer@agency.gov.tw";
  entry.actor_id = 7;
  entry.role = "agency_officer";
  entry.tenant = "agency:A0101";
  entry.object_type = "contract";
  entry.object_id = "C-1";
  entry.source_ip = "192.0.2.1";
  entry.request_id = "req-1";
  return entry;
}

/// Opens a fresh, migrated database of the given back-end.
class AuditStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !ScratchDatabase::PostgresUrl()) {
      GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
    }
    auto scratch = ScratchDatabase::Create(GetParam(), "sg_audit_store");
    ASSERT_TRUE(scratch) << scratch.error().detail;
    scratch_ = std::move(*scratch);
    auto opened = OpenDatabase(scratch_->url(), 8);
    ASSERT_TRUE(opened) << opened.error().detail;
    database_ = std::move(*opened);
    auto lease = database_->Acquire();
    ASSERT_TRUE(lease);
    auto applied = Migrate(**lease);
    ASSERT_TRUE(applied) << applied.error().detail;
    EXPECT_EQ(*applied, LatestSchemaVersion());
  }

  void TearDown() override {
    database_.reset();
    scratch_.reset();
  }

  bool Postgres() const { return GetParam() == "postgres"; }

  static std::vector<std::int64_t> Seqs(const AuditPage& page) {
    std::vector<std::int64_t> seqs;
    for (const auto& entry : page.items) seqs.push_back(entry.seq);
    return seqs;
  }

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> database_;
};

TEST_P(AuditStoreContract, MigrationsIncludeThePlaceholderAndTheAuditLog) {
  auto lease = database_->Acquire();
  ASSERT_TRUE(lease);
  EXPECT_GE(LatestSchemaVersion(), 5);
  auto versions = (*lease)->Query("SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(versions);
  std::vector<std::string> applied;
  for (const auto& row : versions->rows) applied.push_back(row[0].value_or(""));
  std::vector<std::string> expected;
  for (int version = 1; version <= LatestSchemaVersion(); ++version) {
    expected.push_back(std::to_string(version));
  }
  EXPECT_EQ(applied, expected);
  auto again = Migrate(**lease);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_P(AuditStoreContract, AppendNumbersEntriesFromOneAndLinksEachToThePrevious) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  auto head = store.Head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 0);
  EXPECT_EQ(head->hash, kGenesisHash);

  auto first = store.Append(MakeEntry("session.sign_in"), TestHash);
  ASSERT_TRUE(first) << first.error().detail;
  auto second = store.Append(MakeEntry("record.update"), TestHash);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(first->prev_hash, kGenesisHash);
  EXPECT_EQ(second->seq, 2);
  EXPECT_EQ(second->prev_hash, first->hash);

  auto stored = store.FindEntry(2);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->action, "record.update");
  EXPECT_EQ((*stored)->actor_id, 7);
  EXPECT_EQ((*stored)->tenant, "agency:A0101");
  EXPECT_EQ((*stored)->changes_json, "{}");
  EXPECT_EQ((*stored)->hash, second->hash);
  head = store.Head();
  EXPECT_EQ(head->seq, 2);
  EXPECT_EQ(head->hash, second->hash);
}

TEST_P(AuditStoreContract, AnEntryWithoutActorKeepsItsActorIdEmpty) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  AuditEntry entry = MakeEntry("session.sign_in_failed");
  entry.actor_id.reset();
  entry.actor_email.clear();
  entry.outcome = "failure";
  ASSERT_TRUE(store.Append(entry, TestHash));
  auto stored = store.FindEntry(1);
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE((*stored)->actor_id);
  EXPECT_EQ((*stored)->outcome, "failure");
}

TEST_P(AuditStoreContract, AnUnknownOutcomeBreaksARuleOfTheDatabase) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  AuditEntry entry = MakeEntry("record.update");
  entry.outcome = "maybe";
  auto appended = store.Append(entry, TestHash);
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().code, "checkViolation");
}

TEST_P(AuditStoreContract, AnAppendInTheCallersTransactionRollsBackWithIt) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  ASSERT_TRUE(store.Append(MakeEntry("record.create"), TestHash));
  ASSERT_TRUE((*lease)->Begin());
  auto appended = store.AppendInTransaction(MakeEntry("record.update"), TestHash);
  ASSERT_TRUE(appended) << appended.error().detail;
  EXPECT_EQ(appended->seq, 2);
  ASSERT_TRUE((*lease)->Rollback());
  EXPECT_EQ(store.Head()->seq, 1);
  auto next = store.Append(MakeEntry("record.update"), TestHash);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 2);
}

TEST_P(AuditStoreContract, ConcurrentAppendersGetConsecutiveSeqsAndAnUnbrokenChain) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      auto lease = database_->Acquire();
      if (!lease) {
        ++failures;
        return;
      }
      AuditStore store(**lease);
      for (int index = 0; index < kPerThread; ++index) {
        auto appended = store.Append(MakeEntry(fmt::format("thread.{}", thread)), TestHash);
        if (!appended) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);

  auto lease = database_->Acquire();
  AuditStore store(**lease);
  std::int64_t expected = 1;
  std::string previous(kGenesisHash);
  ASSERT_TRUE(store.ForEach(1, [&](const AuditEntry& entry) {
    EXPECT_EQ(entry.seq, expected);
    EXPECT_EQ(entry.prev_hash, previous);
    EXPECT_EQ(entry.hash, TestHash(entry));
    previous = entry.hash;
    ++expected;
    return true;
  }));
  EXPECT_EQ(expected - 1, kThreads * kPerThread);
}

TEST_P(AuditStoreContract, ForEachReadsPastOneBatchInOrderAndStopsWhenAsked) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  constexpr int kEntries = 1205;  // more than one batch of 1000
  ASSERT_TRUE(InTransaction(**lease, [&]() -> Result<void> {
    for (int index = 0; index < kEntries; ++index) {
      auto appended = store.AppendInTransaction(MakeEntry("record.update"), TestHash);
      if (!appended) return std::unexpected(appended.error());
    }
    return {};
  }));
  std::int64_t seen = 0;
  std::int64_t last = 0;
  ASSERT_TRUE(store.ForEach(1, [&](const AuditEntry& entry) {
    EXPECT_EQ(entry.seq, last + 1);
    last = entry.seq;
    ++seen;
    return true;
  }));
  EXPECT_EQ(seen, kEntries);
  seen = 0;
  ASSERT_TRUE(store.ForEach(10, [&](const AuditEntry&) { return ++seen < 3; }));
  EXPECT_EQ(seen, 3);
  seen = 0;
  ASSERT_TRUE(store.ForEach(
      998, [&](const AuditEntry&) { return ++seen > 0; }, 1002));
  EXPECT_EQ(seen, 5);
  auto range = store.SeqRange();
  ASSERT_TRUE(range && *range);
  EXPECT_EQ(**range, (std::pair<std::int64_t, std::int64_t>{1, kEntries}));
}

TEST_P(AuditStoreContract, TheAuditTablesRefuseUpdateAndDelete) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  ASSERT_TRUE(store.Append(MakeEntry("record.update"), TestHash));
  ASSERT_TRUE(
      store.InsertAnchor({.seq = 1, .hash = "h", .at = "t", .signature = "s", .public_key = "k"}));
  ASSERT_TRUE(store.InsertCheckpoint({.seq = 0,
                                      .hash = "h",
                                      .at = "t",
                                      .entries_pruned = 0,
                                      .export_sha256 = "x",
                                      .signature = "s",
                                      .public_key = "k"}));
  for (const std::string_view sql :
       {"UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log",
        "UPDATE audit_log SET hash = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1",
        "UPDATE audit_anchors SET hash = 'x'", "DELETE FROM audit_anchors",
        "UPDATE audit_checkpoints SET hash = 'x'", "DELETE FROM audit_checkpoints"}) {
    auto changed = (*lease)->Query(sql);
    ASSERT_FALSE(changed) << sql;
    EXPECT_NE(changed.error().detail.find("is append-only"), std::string::npos)
        << changed.error().detail;
  }
  if (Postgres()) {
    for (const std::string_view sql :
         {"TRUNCATE audit_log", "TRUNCATE audit_anchors", "TRUNCATE audit_checkpoints"}) {
      auto truncated = (*lease)->ExecScript(sql);
      ASSERT_FALSE(truncated) << sql;
      EXPECT_NE(truncated.error().detail.find("is append-only"), std::string::npos);
    }
    // The prune setting alone is not enough: a checkpoint at that seq must exist.
    auto refused = InTransaction(**lease, [&]() -> Result<void> {
      auto set = (*lease)->Query("SELECT set_config('supplyguard.audit_prune', '1', true)");
      if (!set) return std::unexpected(set.error());
      auto deleted = (*lease)->Query("DELETE FROM audit_log WHERE seq = 1");
      if (!deleted) return std::unexpected(deleted.error());
      return {};
    });
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().detail.find("is append-only"), std::string::npos);
  }
  EXPECT_EQ(store.SeqRange()->value().second, 1);
  EXPECT_EQ(store.Anchors()->size(), 1u);
  EXPECT_EQ(store.Checkpoints()->size(), 1u);
}

TEST_P(AuditStoreContract, DeleteThroughPrunesBehindACheckpointAndKeepsTheGuard) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  for (int index = 0; index < 5; ++index) {
    ASSERT_TRUE(store.Append(MakeEntry("record.update"), TestHash));
  }
  const std::string hash_of_three = (*store.FindEntry(3))->hash;
  auto pruned = InTransaction(**lease, [&]() -> Result<std::int64_t> {
    auto id = store.InsertCheckpoint({.seq = 3,
                                      .hash = hash_of_three,
                                      .at = "t",
                                      .entries_pruned = 3,
                                      .export_sha256 = "x",
                                      .signature = "s",
                                      .public_key = "k"});
    if (!id) return std::unexpected(id.error());
    return store.DeleteThrough(3);
  });
  ASSERT_TRUE(pruned) << pruned.error().detail;
  EXPECT_EQ(*pruned, 3);
  EXPECT_EQ(**store.SeqRange(), (std::pair<std::int64_t, std::int64_t>{4, 5}));
  // The guard is back (SQLite re-created the trigger; PostgreSQL's setting ended with the
  // transaction).
  EXPECT_FALSE((*lease)->Query("DELETE FROM audit_log WHERE seq = 4"));
  EXPECT_EQ(store.SeqRange()->value().first, 4);

  // A failed prune leaves the guard in place too.
  auto failed = InTransaction(**lease, [&]() -> Result<void> {
    auto deleted = store.DeleteThrough(4);
    if (!deleted) return std::unexpected(deleted.error());
    return Fail(Error::Internal("give up"));
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(store.SeqRange()->value().first, 4);
  EXPECT_FALSE((*lease)->Query("DELETE FROM audit_log WHERE seq = 4"));
}

TEST_P(AuditStoreContract, TheHeadOfAFullyPrunedLogIsTheLatestCheckpoint) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  ASSERT_TRUE(store.Append(MakeEntry("record.update"), TestHash));
  ASSERT_TRUE(store.Append(MakeEntry("record.update"), TestHash));
  const std::string hash_of_two = store.Head()->hash;
  ASSERT_TRUE(InTransaction(**lease, [&]() -> Result<std::int64_t> {
    auto id = store.InsertCheckpoint({.seq = 2,
                                      .hash = hash_of_two,
                                      .at = "t",
                                      .entries_pruned = 2,
                                      .export_sha256 = "x",
                                      .signature = "s",
                                      .public_key = "k"});
    if (!id) return std::unexpected(id.error());
    return store.DeleteThrough(2);
  }));
  EXPECT_FALSE(*store.SeqRange());
  auto head = store.Head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 2);
  EXPECT_EQ(head->hash, hash_of_two);
  auto next = store.Append(MakeEntry("record.update"), TestHash);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 3);
  EXPECT_EQ(next->prev_hash, hash_of_two);
}

TEST_P(AuditStoreContract, AnchorsAndCheckpointsRoundTripInSeqOrder) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  EXPECT_FALSE(*store.LatestAnchor());
  EXPECT_FALSE(*store.LatestCheckpoint());
  auto later = store.InsertAnchor(
      {.seq = 9, .hash = "h9", .at = "t2", .signature = "s9", .public_key = "k"});
  auto earlier = store.InsertAnchor(
      {.seq = 4, .hash = "h4", .at = "t1", .signature = "s4", .public_key = "k"});
  ASSERT_TRUE(later && earlier);
  auto anchors = store.Anchors();
  ASSERT_TRUE(anchors);
  ASSERT_EQ(anchors->size(), 2u);
  EXPECT_EQ((*anchors)[0].seq, 4);
  EXPECT_EQ((*anchors)[0].id, *earlier);
  EXPECT_EQ((*anchors)[1].signature, "s9");
  EXPECT_EQ((*store.LatestAnchor())->seq, 9);

  ASSERT_TRUE(store.InsertCheckpoint({.seq = 5,
                                      .hash = "c5",
                                      .at = "t",
                                      .entries_pruned = 5,
                                      .export_sha256 = "e5",
                                      .signature = "s",
                                      .public_key = "k"}));
  auto latest = store.LatestCheckpoint();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->seq, 5);
  EXPECT_EQ((*latest)->entries_pruned, 5);
  EXPECT_EQ((*latest)->export_sha256, "e5");
}

TEST_P(AuditStoreContract, SearchFiltersPagesAndOrders) {
  auto lease = database_->Acquire();
  AuditStore store(**lease);
  const auto add = [&](std::string action, std::string at, std::string email,
                       std::optional<std::int64_t> actor_id, std::string tenant,
                       std::string object_type, std::string object_id, std::string changes) {
    AuditEntry entry = MakeEntry(std::move(action), std::move(at));
    entry.actor_email = std::move(email);
    entry.actor_id = actor_id;
    entry.tenant = std::move(tenant);
    entry.object_type = std::move(object_type);
    entry.object_id = std::move(object_id);
    entry.changes_json = std::move(changes);
    auto appended = store.Append(entry, TestHash);
    ASSERT_TRUE(appended) << appended.error().detail;
  };
  add("session.sign_in", "2026-01-10T01:00:00.000Z", "Alice@Agency.gov.tw", 1, "agency:A0101",
      "session", "", "{}");
  add("record.update", "2026-01-20T23:30:00.000Z", "alice@agency.gov.tw", 1, "agency:A0101",
      "contract", "C-100", R"({"amount":[1,2]})");
  add("record.update", "2026-02-01T00:00:00.000Z", "bob@vendor.com.tw", 2, "vendor:04595252",
      "system", "S-7", R"({"name":["old 50%","new"]})");
  add("record.delete", "2026-02-15T12:00:00.000Z", "carol@nics.nat.gov.tw", 3, "authority",
      "contract", "C-100", "{}");
  add("session.sign_in_failed", "2026-03-01T00:00:00.000Z", "", std::nullopt, "", "session", "",
      R"({"email":"mallory@example.com"})");

  const auto search = [&](AuditQuery query) {
    auto page = store.Search(query);
    EXPECT_TRUE(page) << (page ? "" : page.error().detail);
    return page ? *page : AuditPage{};
  };
  auto all = search({});
  EXPECT_EQ(all.total, 5);
  EXPECT_EQ(Seqs(all), (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  EXPECT_EQ(Seqs(search({.descending = false})), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));

  EXPECT_EQ(Seqs(search({.actor = "ALICE"})), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(Seqs(search({.actor = "2"})), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Seqs(search({.action = "record.update"})), (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(Seqs(search({.object_type = "contract", .object_id = "C-100"})),
            (std::vector<std::int64_t>{4, 2}));
  EXPECT_EQ(Seqs(search({.tenant = "agency:A0101"})), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(Seqs(search({.tenant = "agency:A01"})), (std::vector<std::int64_t>{}));
  EXPECT_EQ(Seqs(search({.from = "2026-01-20", .to = "2026-02-01"})),
            (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(Seqs(search({.from = "2026-02-01T00:00:00.001Z"})), (std::vector<std::int64_t>{5, 4}));
  EXPECT_EQ(Seqs(search({.to = "2026-01-20T23:29:59.999Z"})), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Seqs(search({.q = "mallory"})), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(Seqs(search({.q = "c-100"})), (std::vector<std::int64_t>{4, 2}));
  EXPECT_EQ(Seqs(search({.q = "50%"})), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Seqs(search({.q = "%"})), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Seqs(search({.q = "_"})), (std::vector<std::int64_t>{}));  // a wildcard no more
  EXPECT_EQ(Seqs(search({.after_seq = 3, .descending = false})), (std::vector<std::int64_t>{4, 5}));

  auto second_page = search({.page = 2, .per_page = 2});
  EXPECT_EQ(second_page.total, 5);
  EXPECT_EQ(Seqs(second_page), (std::vector<std::int64_t>{3, 2}));
  auto filtered_page = search({.action = "record.update", .page = 2, .per_page = 1});
  EXPECT_EQ(filtered_page.total, 2);
  EXPECT_EQ(Seqs(filtered_page), (std::vector<std::int64_t>{2}));
  auto uncounted = search({.per_page = 2, .with_total = false});
  EXPECT_EQ(uncounted.total, 0);
  EXPECT_EQ(Seqs(uncounted), (std::vector<std::int64_t>{5, 4}));

  auto invalid = store.Search({.per_page = 0});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().kind, ErrorKind::kValidationFailed);
  EXPECT_FALSE(store.Search({.page = 0}));
  EXPECT_FALSE(store.Search({.per_page = 1001}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditStoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sg::storage
