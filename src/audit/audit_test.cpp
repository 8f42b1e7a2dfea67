// The audit log's chain, anchors, checkpoints and retention, against SQLite and, when
// SG_TEST_POSTGRES_URL names a server, PostgreSQL (each run in a database of its own, dropped
// afterwards). Tampering tests drop the append-only triggers and edit the tables with raw SQL, as
// someone holding the database would.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "audit/chain.hpp"
#include "audit/commands.hpp"
#include "audit/export.hpp"
#include "audit/retention.hpp"
#include "audit/server_key.hpp"
#include "audit/verify.hpp"
#include "auth/crypto.hpp"
#include "core/text.hpp"
#include "storage/migrations.hpp"
#include "storage/scratch_database.hpp"

namespace sg::audit {
namespace {

using storage::AuditEntry;
using storage::AuditStore;

std::string RandomSuffix() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
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
  entry.changes_json = R"({"amount":[1000,2000]})";
  entry.source_ip = "192.0.2.1";
  entry.request_id = "req-1";
  return entry;
}

/// A temporary directory removed at the end of the test.
class TemporaryDirectory {
 public:
  TemporaryDirectory()
      : path_(std::filesystem::temp_directory_path() / ("sg-audit-" + RandomSuffix())) {
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// ---------------------------------------------------------------------------------------------
// The encoding, keys and helpers, without a database.

TEST(AuditEncoding, TheCanonicalEncodingIsATaggedListOfLengthPrefixedFields) {
  AuditEntry entry = MakeEntry("record.update", "2026-03-01T08:00:00.000Z");
  entry.seq = 12;
  entry.changes_json = "{}";
  EXPECT_EQ(CanonicalEncoding(entry),
            "sg-audit-entry-v1\n2:12\n24:2026-03-01T08:00:00.000Z\n1:7\n21:officer@agency.gov.tw\n"
            "14:agency_officer\n12:agency:A0101\n13:record.update\n8:contract\n3:C-1\n2:{}\n"
            "9:192.0.2.1\n5:req-1\n7:success\n");
  entry.prev_hash = std::string(storage::kGenesisHash);
  EXPECT_EQ(EntryHash(entry), auth::Sha256Hex(entry.prev_hash + CanonicalEncoding(entry)));
  entry.actor_id.reset();
  EXPECT_NE(CanonicalEncoding(entry).find("\n0:\n21:officer"), std::string::npos);
}

TEST(AuditEncoding, MovingTextAcrossAFieldBoundaryChangesTheEncoding) {
  AuditEntry left = MakeEntry("record.update");
  AuditEntry right = left;
  left.role = "ab";
  left.tenant = "c";
  right.role = "a";
  right.tenant = "bc";
  EXPECT_NE(CanonicalEncoding(left), CanonicalEncoding(right));
  left.role = "a\n1:b";
  right.role = "a";
  right.tenant = "b";
  EXPECT_NE(CanonicalEncoding(left), CanonicalEncoding(right));
}

TEST(AuditEncoding, EveryFieldAndThePreviousHashChangeTheHash) {
  AuditEntry base = MakeEntry("record.update");
  base.seq = 3;
  base.prev_hash = std::string(64, 'a');
  const std::string hash = EntryHash(base);
  const std::vector<void (*)(AuditEntry&)> edits = {
      [](AuditEntry& entry) { entry.seq = 4; },
      [](AuditEntry& entry) { entry.at = "2026-03-01T08:00:00.001Z"; },
      [](AuditEntry& entry) { entry.actor_id = 8; },
      [](AuditEntry& entry) { entry.actor_id.reset(); },
      [](AuditEntry& entry) { entry.actor_email = "x@agency.gov.tw"; },
      [](AuditEntry& entry) { entry.role = "authority"; },
      [](AuditEntry& entry) { entry.tenant = "agency:A0102"; },
      [](AuditEntry& entry) { entry.action = "record.delete"; },
      [](AuditEntry& entry) { entry.object_type = "system"; },
      [](AuditEntry& entry) { entry.object_id = "C-2"; },
      [](AuditEntry& entry) { entry.changes_json = R"({"amount":[1000,2001]})"; },
      [](AuditEntry& entry) { entry.source_ip = "192.0.2.2"; },
      [](AuditEntry& entry) { entry.request_id = "req-2"; },
      [](AuditEntry& entry) { entry.outcome = "denied"; },
      [](AuditEntry& entry) { entry.prev_hash = std::string(64, 'b'); },
  };
  std::set<std::string> hashes = {hash};
  for (const auto& edit : edits) {
    AuditEntry edited = base;
    edit(edited);
    hashes.insert(EntryHash(edited));
  }
  EXPECT_EQ(hashes.size(), edits.size() + 1);
}

TEST(AuditKey, TheServerKeyIsCreatedForItsOwnerOnlyAndReadBack) {
  TemporaryDirectory directory;
  const auto path = directory.path() / "sg.db.audit-key";
  auto created = ServerKey::LoadOrCreate(path);
  ASSERT_TRUE(created) << created.error().detail;
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadText(path).size(), 129u);  // 128 hex digits and a newline

  auto again = ServerKey::LoadOrCreate(path);
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_EQ(again->public_key(), created->public_key());
  auto public_key = LoadPublicKey(path);
  ASSERT_TRUE(public_key);
  EXPECT_EQ(*public_key, created->public_key());

  const auto public_path = directory.path() / "audit.pub";
  std::ofstream(public_path) << created->public_key().Hex() << "\n";
  auto from_public_file = LoadPublicKey(public_path);
  ASSERT_TRUE(from_public_file) << from_public_file.error().detail;
  EXPECT_EQ(*from_public_file, created->public_key());
  EXPECT_FALSE(ServerKey::Load(public_path));
}

TEST(AuditKey, AKeyFileOthersMayReadOrThatIsDamagedIsRefused) {
  TemporaryDirectory directory;
  const auto path = directory.path() / "key";
  ASSERT_TRUE(ServerKey::LoadOrCreate(path));
  std::filesystem::permissions(path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  auto loose = ServerKey::Load(path);
  ASSERT_FALSE(loose);
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);

  std::filesystem::permissions(path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::remove);
  std::string text = ReadText(path);
  text[70] = text[70] == '0' ? '1' : '0';  // a digit of the public half
  std::ofstream(path, std::ios::trunc) << text;
  auto damaged = ServerKey::Load(path);
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message.find("does not hold an Ed25519 key"), std::string::npos);
  EXPECT_FALSE(ServerKey::Load(directory.path() / "missing"));
}

TEST(AuditKey, ASignatureVerifiesOnlyItsMessageUnderItsKey) {
  const ServerKey key = ServerKey::Generate();
  const ServerKey other = ServerKey::Generate();
  const std::string signature = key.Sign("head 5");
  EXPECT_EQ(signature.size(), 128u);
  EXPECT_TRUE(key.public_key().Verifies("head 5", signature));
  EXPECT_FALSE(key.public_key().Verifies("head 6", signature));
  EXPECT_FALSE(other.public_key().Verifies("head 5", signature));
  EXPECT_FALSE(key.public_key().Verifies("head 5", "not hex"));
  EXPECT_FALSE(PublicKey::FromHex("abc"));
  auto parsed = PublicKey::FromHex(key.public_key().Hex());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, key.public_key());
}

TEST(AuditKey, TheDefaultKeyLivesNextToASqliteDatabaseOnly) {
  EXPECT_EQ(DefaultKeyPath("sqlite:data/supplyguard.db"),
            std::filesystem::path("data/supplyguard.db.audit-key"));
  EXPECT_FALSE(DefaultKeyPath("postgresql://sg@localhost/sg"));
  EXPECT_FALSE(DefaultKeyPath("sqlite::memory:"));
}

TEST(AuditRetention, TheCutIsThatManyCalendarMonthsBackAtLeastSix) {
  using namespace std::chrono;
  const auto august_31 = sys_days(2026y / August / 31) + hours(10);
  EXPECT_EQ(RetentionCut(august_31, 6), "2026-02-28T00:00:00.000Z");
  EXPECT_EQ(RetentionCut(sys_days(2026y / November / 21), 12), "2025-11-21T00:00:00.000Z");
  auto too_short = RetentionCut(august_31, 5);
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().kind, ErrorKind::kValidationFailed);
}

TEST(AuditExport, CsvCellsAreNeutralisedAndQuoted) {
  EXPECT_EQ(text::CsvCell("=1+1"), "'=1+1");
  EXPECT_EQ(text::CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(text::CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(text::CsvCell(R"({"a":"b"})"), R"("{""a"":""b""}")");
  EXPECT_EQ(text::CsvCell("plain"), "plain");
}

TEST(AuditExport, AJsonLineKeepsEveryColumnAndTheExactChanges) {
  AuditEntry entry = MakeEntry("record.update");
  entry.seq = 4;
  entry.actor_id.reset();
  entry.changes_json = R"({"b":1, "a":2})";
  entry.prev_hash = "p";
  entry.hash = "h";
  const std::string line = JsonLine(entry);
  ASSERT_TRUE(line.ends_with("\n"));
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("seq"), 4);
  EXPECT_TRUE(parsed.at("actor_id").is_null());
  EXPECT_EQ(parsed.at("changes"), R"({"b":1, "a":2})");
  EXPECT_EQ(parsed.at("prev_hash"), "p");
  EXPECT_EQ(parsed.at("hash"), "h");
  EXPECT_EQ(parsed.size(), 15u);
}

TEST(AuditTime, TimestampsAreUtcWithMilliseconds) {
  using namespace std::chrono;
  EXPECT_EQ(UtcTimestamp(sys_days(2026y / November / 21) + hours(8) + milliseconds(123)),
            "2026-11-21T08:00:00.123Z");
}

// ---------------------------------------------------------------------------------------------
// The chain on both back-ends.

/// Opens a fresh, migrated database of the given back-end.
class AuditChain : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !storage::ScratchDatabase::PostgresUrl()) {
      GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
    }
    auto scratch = storage::ScratchDatabase::Create(GetParam(), "sg_audit_chain");
    ASSERT_TRUE(scratch) << scratch.error().detail;
    scratch_ = std::move(*scratch);
    url_ = scratch_->url();
    directory_ = scratch_->directory();
    auto opened = storage::OpenDatabase(url_, 8);
    ASSERT_TRUE(opened) << opened.error().detail;
    database_ = std::move(*opened);
    auto lease = database_->Acquire();
    ASSERT_TRUE(lease);
    lease_.emplace(std::move(*lease));
    auto applied = storage::Migrate(**lease_);
    ASSERT_TRUE(applied) << applied.error().detail;
    store_.emplace(**lease_);
  }

  void TearDown() override {
    store_.reset();
    lease_.reset();
    database_.reset();
    scratch_.reset();
  }

  bool Postgres() const { return GetParam() == "postgres"; }
  storage::Connection& connection() { return **lease_; }
  AuditStore& store() { return *store_; }

  /// Appends `count` entries, the n-th (from 1) stamped by `at(n)`.
  void AppendEntries(int count, const std::function<std::string(int)>& at = {}) {
    for (int index = 1; index <= count; ++index) {
      auto appended =
          Append(store(), MakeEntry("record.update", at ? at(index) : "2026-03-01T08:00:00.000Z"));
      ASSERT_TRUE(appended) << appended.error().detail;
    }
  }

  /// What someone with the database in hand does first.
  void DropGuards() {
    const std::string_view sql = Postgres()
                                     ? "DROP TRIGGER audit_log_append_only ON audit_log; "
                                       "DROP TRIGGER audit_anchors_append_only ON audit_anchors; "
                                       "DROP TRIGGER audit_checkpoints_append_only ON "
                                       "audit_checkpoints;"
                                     : "DROP TRIGGER audit_log_no_update; DROP TRIGGER "
                                       "audit_log_no_delete; DROP TRIGGER audit_anchors_no_update; "
                                       "DROP TRIGGER audit_anchors_no_delete;";
    auto dropped = connection().ExecScript(sql);
    ASSERT_TRUE(dropped) << dropped.error().detail;
  }

  void Run(std::string_view sql, std::initializer_list<storage::Param> params = {}) {
    auto done = connection().Query(sql, params);
    ASSERT_TRUE(done) << sql << ": " << done.error().detail;
  }

  AuditEntry Stored(std::int64_t seq) {
    auto entry = store().FindEntry(seq);
    EXPECT_TRUE(entry && *entry) << "no entry " << seq;
    return entry && *entry ? **entry : AuditEntry{};
  }

  VerifyReport VerifyNow() {
    auto report = Verify(store(), key_.public_key());
    EXPECT_TRUE(report) << report.error().detail;
    return report ? *report : VerifyReport{};
  }

  storage::AuditAnchor AnchorNow() {
    auto anchor = Anchor(store(), key_, "2026-03-02T00:00:00.000Z");
    EXPECT_TRUE(anchor && *anchor);
    return anchor && *anchor ? **anchor : storage::AuditAnchor{};
  }

  std::unique_ptr<storage::ScratchDatabase> scratch_;  // outlives the database's connections
  std::unique_ptr<storage::Database> database_;
  std::optional<storage::ConnectionLease> lease_;
  std::optional<AuditStore> store_;
  ServerKey key_ = ServerKey::Generate();
  std::string url_;
  std::filesystem::path directory_;
};

TEST_P(AuditChain, AnEmptyLogIsIntact) {
  const VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.entries_checked, 0);
  EXPECT_EQ(Describe(report),
            "audit log intact: 0 entries from seq 1 (anchors: 0, latest checkpoint: none)");
}

TEST_P(AuditChain, AppendedEntriesVerifyFromSeqOne) {
  AppendEntries(5);
  const VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.entries_checked, 5);
  EXPECT_EQ(report.first_seq, 1);
  EXPECT_EQ(report.last_seq, 5);
  EXPECT_TRUE(report.trusted_key);
  EXPECT_EQ(Describe(report),
            "audit log intact: 5 entries from seq 1 (anchors: 0, latest checkpoint: none)");
  EXPECT_EQ(Stored(1).prev_hash, storage::kGenesisHash);
  EXPECT_EQ(Stored(2).prev_hash, Stored(1).hash);
  EXPECT_EQ(Stored(3).hash, EntryHash(Stored(3)));
}

TEST_P(AuditChain, AppendRefusesAnIncompleteEntryAndStampsAMissingTime) {
  AuditEntry unknown_outcome = MakeEntry("record.update");
  unknown_outcome.outcome = "ok";
  AuditEntry not_json = MakeEntry("record.update");
  not_json.changes_json = "{amount";
  AuditEntry not_object = MakeEntry("record.update");
  not_object.changes_json = "[1]";
  AuditEntry no_action = MakeEntry("");
  AuditEntry nul_byte = MakeEntry("record.update");
  nul_byte.object_id = std::string("C-1\0x", 5);
  for (const auto& [entry, field] :
       {std::pair{unknown_outcome, "outcome"}, std::pair{not_json, "changes"},
        std::pair{not_object, "changes"}, std::pair{no_action, "action"},
        std::pair{nul_byte, "object_id"}}) {
    auto refused = Append(store(), entry);
    ASSERT_FALSE(refused) << field;
    EXPECT_EQ(refused.error().kind, ErrorKind::kValidationFailed);
    EXPECT_TRUE(refused.error().fields.contains(field)) << field;
  }
  EXPECT_EQ(store().Head()->seq, 0);

  AuditEntry untimed = MakeEntry("session.sign_in", "");
  auto appended = Append(store(), untimed);
  ASSERT_TRUE(appended);
  EXPECT_EQ(appended->at.size(), 24u);
  EXPECT_TRUE(appended->at.ends_with("Z"));
  EXPECT_EQ(Stored(1).at, appended->at);
}

TEST_P(AuditChain, AnEntryAppendedInTheCallersTransactionVerifies) {
  AppendEntries(1);
  auto appended = storage::InTransaction(connection(), [&]() -> Result<AuditEntry> {
    return AppendInTransaction(store(), MakeEntry("record.create"));
  });
  ASSERT_TRUE(appended) << appended.error().detail;
  EXPECT_EQ(appended->seq, 2);
  EXPECT_TRUE(VerifyNow().ok);
}

TEST_P(AuditChain, ConcurrentAppendersThroughSeparateConnectionsKeepTheChainIntact) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      auto lease = database_->Acquire();
      if (!lease) {
        ++failures;
        return;
      }
      AuditStore store(**lease);
      for (int index = 0; index < kPerThread; ++index) {
        AuditEntry entry = MakeEntry("record.update");
        entry.request_id = fmt::format("thread-{}-{}", thread, index);
        if (!Append(store, entry)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  const VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << Describe(report);
  EXPECT_EQ(report.entries_checked, kThreads * kPerThread);
  std::set<std::string> request_ids;
  ASSERT_TRUE(store().ForEach(1, [&](const AuditEntry& entry) {
    request_ids.insert(entry.request_id);
    return true;
  }));
  EXPECT_EQ(request_ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_P(AuditChain, AnEditedEntryIsReported) {
  AppendEntries(5);
  DropGuards();
  Run(R"(UPDATE audit_log SET changes = '{"amount":[1000,1]}' WHERE seq = 3)");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.entries_checked, 2);
  EXPECT_EQ(Describe(report), "audit log BROKEN at entry 3: hash does not match its content");
}

TEST_P(AuditChain, AnEditWithItsHashRecomputedBreaksTheLinkOfTheNextEntry) {
  AppendEntries(5);
  DropGuards();
  AuditEntry edited = Stored(3);
  edited.actor_email = "someone.else@agency.gov.tw";
  edited.hash = EntryHash(edited);
  Run("UPDATE audit_log SET actor_email = $1, hash = $2 WHERE seq = 3",
      {edited.actor_email, edited.hash});
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 4);
  EXPECT_EQ(report.reason, "prev_hash does not match the previous entry's hash");
}

TEST_P(AuditChain, RewritingTheWholeTailIsCaughtByTheAnchor) {
  AppendEntries(5);
  const storage::AuditAnchor anchor = AnchorNow();
  DropGuards();
  // Edit entry 3 and rebuild every hash after it: the chain alone is consistent again.
  std::string previous = Stored(2).hash;
  for (std::int64_t seq = 3; seq <= 5; ++seq) {
    AuditEntry entry = Stored(seq);
    if (seq == 3) entry.outcome = "denied";
    entry.prev_hash = previous;
    entry.hash = EntryHash(entry);
    Run("UPDATE audit_log SET outcome = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
        {entry.outcome, entry.prev_hash, entry.hash, seq});
    previous = entry.hash;
  }
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 5);
  EXPECT_EQ(report.reason, fmt::format("anchor #{} signed a different hash", anchor.id));
}

TEST_P(AuditChain, ADeletionInTheMiddleIsReported) {
  AppendEntries(5);
  DropGuards();
  Run("DELETE FROM audit_log WHERE seq = 3");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(Describe(report),
            "audit log BROKEN at entry 3: the entry is missing (the next one present is 4)");
}

TEST_P(AuditChain, DeletingTheOldestEntriesWithoutACheckpointIsReported) {
  AppendEntries(5);
  DropGuards();
  Run("DELETE FROM audit_log WHERE seq <= 2");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 1);
  EXPECT_EQ(report.reason, "entries 1 to 2 are missing and no checkpoint covers them");
}

TEST_P(AuditChain, ADeletionAtTheEndBehindTheLatestAnchorIsReported) {
  AppendEntries(5);
  const storage::AuditAnchor anchor = AnchorNow();
  AppendEntries(1);
  DropGuards();
  Run("DELETE FROM audit_log WHERE seq >= 4");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 4);
  EXPECT_EQ(report.reason, fmt::format("the log ends at entry 3 but anchor #{} signed entry 5: "
                                       "entries were deleted from its end",
                                       anchor.id));
}

// The limit of anchoring, stated as a test: what was appended after the latest anchor can be cut
// off without a trace, which is why `serve` anchors often.
TEST_P(AuditChain, CuttingOffEntriesNewerThanTheLatestAnchorGoesUnnoticed) {
  AppendEntries(5);
  AnchorNow();
  AppendEntries(2);
  DropGuards();
  Run("DELETE FROM audit_log WHERE seq >= 6");
  EXPECT_TRUE(VerifyNow().ok);
}

TEST_P(AuditChain, AReorderingIsReported) {
  AppendEntries(5);
  DropGuards();
  Run("UPDATE audit_log SET seq = 1000 WHERE seq = 2");
  Run("UPDATE audit_log SET seq = 2 WHERE seq = 3");
  Run("UPDATE audit_log SET seq = 3 WHERE seq = 1000");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 2);
}

TEST_P(AuditChain, APruneBehindAForgedCheckpointIsReported) {
  AppendEntries(5);
  DropGuards();
  // Someone without the server key deletes 1..3 and covers the gap with a checkpoint of their
  // own, recording entry 3's true hash so that entry 4 still links to it.
  const ServerKey intruder = ServerKey::Generate();
  storage::AuditCheckpoint forged{.seq = 3,
                                  .hash = Stored(3).hash,
                                  .at = "2026-03-02T00:00:00.000Z",
                                  .entries_pruned = 3,
                                  .export_sha256 = std::string(64, '0')};
  forged.signature = intruder.Sign(CheckpointMessage(forged));
  forged.public_key = intruder.public_key().Hex();
  auto id = store().InsertCheckpoint(forged);
  ASSERT_TRUE(id);
  Run("DELETE FROM audit_log WHERE seq <= 3");
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 1);
  EXPECT_EQ(report.reason,
            fmt::format("checkpoint #{} (at entry 3) is not signed by the server key", *id));

  // Without a trusted key the intruder's own key would pass: the report says so.
  auto untrusted = Verify(store(), std::nullopt);
  ASSERT_TRUE(untrusted);
  EXPECT_TRUE(untrusted->ok);
  EXPECT_FALSE(untrusted->trusted_key);
  EXPECT_NE(Describe(*untrusted).find("not a trusted key"), std::string::npos);
}

TEST_P(AuditChain, ACheckpointWithAGarbledSignatureIsReported) {
  AppendEntries(3);
  auto id = store().InsertCheckpoint({.seq = 2,
                                      .hash = Stored(2).hash,
                                      .at = "t",
                                      .entries_pruned = 2,
                                      .export_sha256 = "x",
                                      .signature = "00",
                                      .public_key = key_.public_key().Hex()});
  ASSERT_TRUE(id);
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 1);
}

TEST_P(AuditChain, AForgedAnchorIsReported) {
  AppendEntries(4);
  const ServerKey intruder = ServerKey::Generate();
  storage::AuditAnchor forged{.seq = 2, .hash = Stored(2).hash, .at = "2026-03-02T00:00:00.000Z"};
  forged.signature = intruder.Sign(AnchorMessage(forged));
  forged.public_key = key_.public_key().Hex();  // claiming the server's key does not help
  auto id = store().InsertAnchor(forged);
  ASSERT_TRUE(id);
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 2);
  EXPECT_EQ(report.reason, fmt::format("anchor #{} is not signed by the server key", *id));
}

TEST_P(AuditChain, AnAnchorOfAnotherHashIsReported) {
  AppendEntries(4);
  storage::AuditAnchor wrong{.seq = 3, .hash = Stored(2).hash, .at = "2026-03-02T00:00:00.000Z"};
  wrong.signature = key_.Sign(AnchorMessage(wrong));
  wrong.public_key = key_.public_key().Hex();
  auto id = store().InsertAnchor(wrong);
  ASSERT_TRUE(id);
  const VerifyReport report = VerifyNow();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_EQ(report.reason, fmt::format("anchor #{} signed a different hash", *id));
}

TEST_P(AuditChain, AnAnchorSignsTheHeadOnceUntilItMoves) {
  auto nothing = Anchor(store(), key_, "2026-03-02T00:00:00.000Z");
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(*nothing);
  AppendEntries(3);
  const storage::AuditAnchor first = AnchorNow();
  EXPECT_EQ(first.seq, 3);
  EXPECT_EQ(first.hash, Stored(3).hash);
  EXPECT_EQ(first.public_key, key_.public_key().Hex());
  EXPECT_TRUE(key_.public_key().Verifies(AnchorMessage(first), first.signature));
  auto again = Anchor(store(), key_, "2026-03-02T00:00:01.000Z");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  AppendEntries(1);
  EXPECT_EQ(AnchorNow().seq, 4);
  const VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.anchors, 2);
  EXPECT_EQ(Describe(report),
            "audit log intact: 4 entries from seq 1 (anchors: 2, latest checkpoint: none)");
}

TEST_P(AuditChain, PruneExportsSignsACheckpointDeletesAndVerificationStartsThere) {
  AppendEntries(6, [](int index) {
    return index <= 3 ? fmt::format("2025-01-0{}T00:00:00.000Z", index)
                      : fmt::format("2025-07-0{}T00:00:00.000Z", index);
  });
  AnchorNow();  // at entry 6
  const std::string hash_of_three = Stored(3).hash;
  const auto export_path = directory_ / "audit-2025-06.jsonl";
  auto pruned = Prune(store(), key_, "2025-06-01", export_path, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(pruned) << pruned.error().detail;
  EXPECT_EQ(pruned->entries_pruned, 3);
  ASSERT_TRUE(pruned->checkpoint);
  EXPECT_EQ(pruned->checkpoint->seq, 3);
  EXPECT_EQ(pruned->checkpoint->hash, hash_of_three);
  EXPECT_TRUE(key_.public_key().Verifies(CheckpointMessage(*pruned->checkpoint),
                                         pruned->checkpoint->signature));
  EXPECT_EQ(**store().SeqRange(), (std::pair<std::int64_t, std::int64_t>{4, 6}));

  // The export holds the pruned entries, verifiable on their own, and the checkpoint its SHA-256.
  const std::string exported = ReadText(export_path);
  EXPECT_EQ(auth::Sha256Hex(exported), pruned->export_sha256);
  EXPECT_EQ(pruned->checkpoint->export_sha256, pruned->export_sha256);
  std::istringstream lines(exported);
  std::string line;
  std::string previous(storage::kGenesisHash);
  std::int64_t seq = 0;
  while (std::getline(lines, line)) {
    const auto object = boost::json::parse(line).as_object();
    AuditEntry entry;
    entry.seq = object.at("seq").as_int64();
    entry.at = object.at("at").as_string();
    entry.actor_id = object.at("actor_id").as_int64();
    for (const auto& [name, field] : {std::pair{"actor_email", &entry.actor_email},
                                      {"role", &entry.role},
                                      {"tenant", &entry.tenant},
                                      {"action", &entry.action},
                                      {"object_type", &entry.object_type},
                                      {"object_id", &entry.object_id},
                                      {"changes", &entry.changes_json},
                                      {"source_ip", &entry.source_ip},
                                      {"request_id", &entry.request_id},
                                      {"outcome", &entry.outcome},
                                      {"prev_hash", &entry.prev_hash},
                                      {"hash", &entry.hash}}) {
      *field = object.at(name).as_string();
    }
    EXPECT_EQ(entry.seq, ++seq);
    EXPECT_EQ(entry.prev_hash, previous);
    EXPECT_EQ(EntryHash(entry), entry.hash);
    previous = entry.hash;
  }
  EXPECT_EQ(seq, 3);
  EXPECT_EQ(previous, hash_of_three);

  VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.first_seq, 4);
  EXPECT_EQ(report.entries_checked, 3);
  EXPECT_EQ(report.checkpoint_seq, 3);
  EXPECT_EQ(Describe(report),
            "audit log intact: 3 entries from seq 4 (anchors: 1, latest checkpoint: seq 3)");
  EXPECT_NE(Describe(*pruned).find("checkpoint #"), std::string::npos);

  // The pruned entries stay protected, and the chain goes on.
  EXPECT_FALSE(connection().Query("DELETE FROM audit_log WHERE seq = 4"));
  AppendEntries(1);
  report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.entries_checked, 4);
}

TEST_P(AuditChain, PruningWhatIsNotOldEnoughWritesNothing) {
  AppendEntries(3, [](int index) { return fmt::format("2025-07-0{}T00:00:00.000Z", index); });
  const auto export_path = directory_ / "nothing.jsonl";
  auto pruned = Prune(store(), key_, "2025-07-01", export_path, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(pruned) << pruned.error().detail;
  EXPECT_EQ(pruned->entries_pruned, 0);
  EXPECT_FALSE(pruned->checkpoint);
  EXPECT_FALSE(std::filesystem::exists(export_path));
  EXPECT_TRUE(store().Checkpoints()->empty());
  EXPECT_EQ(Describe(*pruned), "audit log: no entries before 2025-07-01 to prune");
}

TEST_P(AuditChain, PruningEveryEntryLeavesTheCheckpointAsTheHead) {
  AppendEntries(4, [](int index) { return fmt::format("2025-01-0{}T00:00:00.000Z", index); });
  const std::string hash_of_four = Stored(4).hash;
  auto pruned = Prune(store(), key_, "2025-02-01T00:00:00.000Z", directory_ / "all.jsonl",
                      "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(pruned) << pruned.error().detail;
  EXPECT_EQ(pruned->entries_pruned, 4);
  EXPECT_FALSE(*store().SeqRange());
  VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.entries_checked, 0);
  EXPECT_EQ(report.last_seq, 4);
  AppendEntries(2);
  EXPECT_EQ(Stored(5).prev_hash, hash_of_four);
  report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.first_seq, 5);
  EXPECT_EQ(report.entries_checked, 2);
}

TEST_P(AuditChain, ASecondPruneContinuesFromTheFirstCheckpoint) {
  AppendEntries(6, [](int index) { return fmt::format("2025-0{}-01T00:00:00.000Z", index); });
  ASSERT_TRUE(Prune(store(), key_, "2025-03-01", directory_ / "one.jsonl", "2026-01-01"));
  ASSERT_TRUE(Prune(store(), key_, "2025-05-01", directory_ / "two.jsonl", "2026-02-01"));
  auto checkpoints = store().Checkpoints();
  ASSERT_TRUE(checkpoints);
  ASSERT_EQ(checkpoints->size(), 2u);
  EXPECT_EQ((*checkpoints)[0].seq, 2);
  EXPECT_EQ((*checkpoints)[1].seq, 4);
  EXPECT_EQ((*checkpoints)[1].entries_pruned, 2);
  // The second export starts where the first checkpoint left the chain.
  const std::string second_export = ReadText(directory_ / "two.jsonl");
  const auto first_line = boost::json::parse(second_export.substr(0, second_export.find('\n')));
  EXPECT_EQ(first_line.at("seq"), 3);
  EXPECT_EQ(first_line.at("prev_hash").as_string(), (*checkpoints)[0].hash);
  const VerifyReport report = VerifyNow();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.first_seq, 5);
  EXPECT_EQ(report.checkpoint_seq, 4);
}

TEST_P(AuditChain, PruneRefusesABrokenChainAndAnExistingExportFile) {
  AppendEntries(4, [](int index) { return fmt::format("2025-01-0{}T00:00:00.000Z", index); });
  const auto taken = directory_ / "taken.jsonl";
  std::ofstream(taken) << "an earlier export\n";
  auto clobbering = Prune(store(), key_, "2025-06-01", taken, "2026-01-01T00:00:00.000Z");
  ASSERT_FALSE(clobbering);
  EXPECT_EQ(clobbering.error().code, "exportExists");
  EXPECT_EQ(ReadText(taken), "an earlier export\n");

  DropGuards();
  Run("UPDATE audit_log SET object_id = 'C-2' WHERE seq = 2");
  const auto export_path = directory_ / "broken.jsonl";
  auto refused = Prune(store(), key_, "2025-06-01", export_path, "2026-01-01T00:00:00.000Z");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "auditLogBroken");
  EXPECT_NE(refused.error().message.find("entry 2"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(export_path));
  EXPECT_EQ(store().SeqRange()->value().first, 1);
  EXPECT_TRUE(store().Checkpoints()->empty());
  for (const auto& file : std::filesystem::directory_iterator(directory_)) {
    EXPECT_FALSE(file.path().string().ends_with(".partial")) << file.path();
  }
}

TEST_P(AuditChain, ExportWritesTheFilteredEntriesAsJsonLinesOrCsv) {
  // More than one export page (500) of matching entries, and one that does not match.
  ASSERT_TRUE(storage::InTransaction(connection(), [&]() -> Result<void> {
    for (int index = 0; index < 510; ++index) {
      AuditEntry entry = MakeEntry("record.update");
      entry.object_id = index == 0 ? "=HYPERLINK(\"http://x\")" : fmt::format("C-{}", index);
      auto appended = AppendInTransaction(store(), entry);
      if (!appended) return std::unexpected(appended.error());
    }
    auto other = AppendInTransaction(store(), MakeEntry("session.sign_in"));
    if (!other) return std::unexpected(other.error());
    return {};
  }));
  std::string jsonl;
  auto count = ExportEntries(store(), {.action = "record.update"}, ExportFormat::kJsonLines,
                             [&](std::string_view chunk) -> Result<void> {
                               jsonl += chunk;
                               return {};
                             });
  ASSERT_TRUE(count) << count.error().detail;
  EXPECT_EQ(*count, 510);
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 510);
  EXPECT_TRUE(jsonl.starts_with(R"({"seq":1,)"));

  std::string csv;
  count = ExportEntries(store(), {.object_id = "=HYPERLINK(\"http://x\")"}, ExportFormat::kCsv,
                        [&](std::string_view chunk) -> Result<void> {
                          csv += chunk;
                          return {};
                        });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  EXPECT_TRUE(csv.starts_with(CsvHeader()));
  EXPECT_NE(csv.find(R"csv(,"'=HYPERLINK(""http://x"")",)csv"), std::string::npos) << csv;
}

TEST_P(AuditChain, TheCommandsVerifyAnchorAndPruneADatabaseByUrl) {
  AppendEntries(3, [](int index) { return fmt::format("2020-01-0{}T00:00:00.000Z", index); });
  AppendEntries(1, [](int) { return UtcTimestamp(std::chrono::system_clock::now()); });
  const auto key_file = directory_ / "audit-key";
  std::optional<std::filesystem::path> key;
  if (Postgres()) {
    // PostgreSQL has no place for a default key.
    auto refused = AnchorDatabase(url_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "auditKeyRequired");
    key = key_file;
  }
  auto anchored = AnchorDatabase(url_, key);
  ASSERT_TRUE(anchored) << anchored.error().detail;
  ASSERT_TRUE(*anchored);
  EXPECT_EQ((*anchored)->seq, 4);

  auto verified = VerifyDatabase(url_, key);
  ASSERT_TRUE(verified) << verified.error().detail;
  EXPECT_TRUE(verified->ok) << verified->reason;
  EXPECT_TRUE(verified->trusted_key);
  EXPECT_EQ(verified->anchors, 1);
  if (Postgres()) {
    auto untrusted = VerifyDatabase(url_);
    ASSERT_TRUE(untrusted);
    EXPECT_FALSE(untrusted->trusted_key);
  } else {
    EXPECT_TRUE(std::filesystem::exists(*DefaultKeyPath(url_)));
  }

  EXPECT_FALSE(PruneDatabase(url_, 5, directory_ / "too-soon.jsonl", key));
  auto pruned = PruneDatabase(url_, 6, directory_ / "2020.jsonl", key);
  ASSERT_TRUE(pruned) << pruned.error().detail;
  EXPECT_EQ(pruned->entries_pruned, 3);
  verified = VerifyDatabase(url_, key);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok) << verified->reason;
  EXPECT_EQ(verified->first_seq, 4);

  // A different key makes every signature fail.
  const auto other_key = directory_ / "other-key";
  ASSERT_TRUE(ServerKey::LoadOrCreate(other_key));
  verified = VerifyDatabase(url_, other_key);
  ASSERT_TRUE(verified);
  EXPECT_FALSE(verified->ok);

  EXPECT_FALSE(VerifyDatabase("sqlite:" + (directory_ / "missing.db").string()));
  EXPECT_FALSE(std::filesystem::exists(directory_ / "missing.db"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditChain, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sg::audit
