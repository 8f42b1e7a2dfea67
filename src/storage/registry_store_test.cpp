// The storage contract: the same tests against SQLite and, when SG_TEST_POSTGRES_URL names a
// server, PostgreSQL (each run in a database of its own, dropped afterwards).
#include "storage/registry_store.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "storage/account_store.hpp"
#include "storage/assignment_store.hpp"
#include "storage/migrations.hpp"
#include "storage/scratch_database.hpp"

namespace sg::storage {
namespace {

namespace json = boost::json;
using registry::Definition;
using registry::EntityKind;

/// Opens a fresh, migrated database of the given back-end.
class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !ScratchDatabase::PostgresUrl()) {
      GTEST_SKIP() << "SG_TEST_POSTGRES_URL is not set";
    }
    auto scratch = ScratchDatabase::Create(GetParam(), "sg_store");
    ASSERT_TRUE(scratch) << scratch.error().detail;
    scratch_ = std::move(*scratch);
    auto opened = OpenDatabase(scratch_->url(), 4);
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

  json::object Agency(std::string code, std::string name, std::optional<std::string> parent) {
    return json::object{{"code", code},
                        {"name", name},
                        {"parent_code", parent ? json::value(*parent) : nullptr},
                        {"level", "A"},
                        {"kind", "central"}};
  }

  std::int64_t Insert(RegistryStore& store, EntityKind kind, const json::object& record) {
    auto id = store.Insert(Definition(kind), record, "2026-01-01T00:00:00.000Z");
    EXPECT_TRUE(id) << (id ? "" : id.error().detail);
    return id.value_or(0);
  }

  /// A small registry: A1 > A2 > A3, B1; vendors V (04595252), W (22099131, a subcontractor);
  /// systems on A2 (core) and B1; contracts in force (C1: A2 by V with W, covering S-A2) and
  /// ended in 2020 (C2: B1 by V, covering S-B1).
  void LoadRegistry(RegistryStore& store) {
    a1_ = Insert(store, EntityKind::kAgency, Agency("A1", "Agency one", std::nullopt));
    a2_ = Insert(store, EntityKind::kAgency, Agency("A2", "Agency two", "A1"));
    a3_ = Insert(store, EntityKind::kAgency, Agency("A3", "Agency 100% three", "A2"));
    b1_ = Insert(store, EntityKind::kAgency, Agency("B1", "Other agency", std::nullopt));
    const auto vendor = [](std::string tax_id, std::string name) {
      return json::object{{"tax_id", tax_id},
                          {"name", name},
                          {"prc_capital", false},
                          {"certifications", json::array()},
                          {"subcontractors", json::array()}};
    };
    w_ = Insert(store, EntityKind::kVendor, vendor("22099131", "Sub vendor"));
    auto main_vendor = vendor("04595252", "Main vendor");
    main_vendor["subcontractors"] = json::array{"22099131"};
    v_ = Insert(store, EntityKind::kVendor, main_vendor);
    const auto system = [](std::string agency, std::string id, bool core) {
      return json::object{{"agency_code", agency},  {"system_id", id},
                          {"name", "System " + id}, {"confidentiality", "high"},
                          {"integrity", "normal"},  {"availability", "normal"},
                          {"legal", "normal"},      {"protection_level", "high"},
                          {"core", core},           {"ci", false}};
    };
    s_a2_ = Insert(store, EntityKind::kSystem, system("A2", "S-A2", true));
    s_b1_ = Insert(store, EntityKind::kSystem, system("B1", "S-B1", false));
    const auto contract = [](std::string id, std::string agency, std::string start, std::string end,
                             std::string system, json::array subs) {
      return json::object{{"contract_id", id},
                          {"agency_code", agency},
                          {"vendor_tax_id", "04595252"},
                          {"title", "Contract " + id},
                          {"service_type", "system_maintenance"},
                          {"amount", 1000},
                          {"start_date", start},
                          {"end_date", end},
                          {"system_ids", json::array{json::string(system)}},
                          {"joint_audit_clause", true},
                          {"remote_maintenance", false},
                          {"subcontractor_tax_ids", std::move(subs)}};
    };
    c1_ = Insert(store, EntityKind::kContract,
                 contract("C1", "A2", "2026-01-01", "2026-12-31", "S-A2", json::array{"22099131"}));
    c2_ = Insert(store, EntityKind::kContract,
                 contract("C2", "B1", "2019-01-01", "2020-12-31", "S-B1", json::array()));
  }

  static Scope Everything() { return {Scope::Kind::kEverything, 0, "2026-06-30", "2026-04-01"}; }
  Scope AgencyScope(std::int64_t id) const {
    return {Scope::Kind::kAgency, id, "2026-06-30", "2026-04-01"};
  }
  Scope VendorScope(std::int64_t id) const {
    return {Scope::Kind::kVendor, id, "2026-06-30", "2026-04-01"};
  }

  static std::vector<std::string> Keys(const ListPage& page, std::string_view key) {
    std::vector<std::string> keys;
    for (const auto& item : page.items) keys.emplace_back(item.as_object().at(key).as_string());
    return keys;
  }

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<Database> database_;
  std::int64_t a1_ = 0, a2_ = 0, a3_ = 0, b1_ = 0, v_ = 0, w_ = 0, s_a2_ = 0, s_b1_ = 0, c1_ = 0,
               c2_ = 0;
};

TEST_P(StoreContract, MigratingTwiceAppliesNothingTheSecondTime) {
  auto lease = database_->Acquire();
  ASSERT_TRUE(lease);
  auto applied = Migrate(**lease);
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, 0);
}

TEST_P(StoreContract, RecordsRoundTripWithReferencesAndLists) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  auto contract = store.Find(Definition(EntityKind::kContract), Everything(), c1_);
  ASSERT_TRUE(contract && *contract);
  const auto& record = **contract;
  EXPECT_EQ(record.at("agency_code"), "A2");
  EXPECT_EQ(record.at("vendor_tax_id"), "04595252");
  EXPECT_EQ(record.at("amount"), 1000);
  EXPECT_EQ(record.at("system_ids"), (json::array{"S-A2"}));
  EXPECT_EQ(record.at("subcontractor_tax_ids"), (json::array{"22099131"}));
  EXPECT_EQ(record.at("joint_audit_clause"), true);
  auto system = store.Find(Definition(EntityKind::kSystem), Everything(), s_a2_);
  ASSERT_TRUE(system && *system);
  EXPECT_EQ((*system)->at("protection_level"), "high");
  EXPECT_EQ((*system)->at("core"), true);
  auto vendor = store.Find(Definition(EntityKind::kVendor), Everything(), v_);
  ASSERT_TRUE(vendor && *vendor);
  EXPECT_EQ((*vendor)->at("subcontractors"), (json::array{"22099131"}));
}

TEST_P(StoreContract, DuplicateNaturalKeyIsAConflict) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  auto again = store.Insert(Definition(EntityKind::kAgency), Agency("A1", "x", std::nullopt), "t");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(again.error().code, "uniqueViolation");
}

TEST_P(StoreContract, ListsPageSortFilterAndSearch) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  const auto& agencies = Definition(EntityKind::kAgency);
  ListQuery query;
  query.per_page = 2;
  query.sort = {{"code", true}};
  auto page = store.List(agencies, Everything(), query);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(Keys(*page, "code"), (std::vector<std::string>{"B1", "A3"}));
  query.page = 2;
  page = store.List(agencies, Everything(), query);
  EXPECT_EQ(Keys(*page, "code"), (std::vector<std::string>{"A2", "A1"}));

  ListQuery filtered;
  filtered.filters["parent_code"] = "A1";
  page = store.List(agencies, Everything(), filtered);
  EXPECT_EQ(Keys(*page, "code"), (std::vector<std::string>{"A2"}));

  ListQuery search;
  search.search = "100%";  // the % is matched literally
  page = store.List(agencies, Everything(), search);
  EXPECT_EQ(Keys(*page, "code"), (std::vector<std::string>{"A3"}));

  ListQuery bad_sort;
  bad_sort.sort = {{"password", false}};
  EXPECT_FALSE(store.List(agencies, Everything(), bad_sort));
  ListQuery bad_filter;
  bad_filter.filters["nonsense"] = "1";
  EXPECT_FALSE(store.List(agencies, Everything(), bad_filter));

  ListQuery in_force;
  in_force.filters["in_force_on"] = "2026-06-30";
  page = store.List(Definition(EntityKind::kContract), Everything(), in_force);
  EXPECT_EQ(Keys(*page, "contract_id"), (std::vector<std::string>{"C1"}));
}

TEST_P(StoreContract, AgencyScopeIsTheAgencyAndItsSubtree) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  auto page = store.List(Definition(EntityKind::kAgency), AgencyScope(a2_), {});
  EXPECT_EQ(Keys(*page, "code"), (std::vector<std::string>{"A2", "A3"}));
  page = store.List(Definition(EntityKind::kSystem), AgencyScope(a2_), {});
  EXPECT_EQ(Keys(*page, "system_id"), (std::vector<std::string>{"S-A2"}));
  page = store.List(Definition(EntityKind::kVendor), AgencyScope(b1_), {});
  EXPECT_EQ(Keys(*page, "tax_id"), (std::vector<std::string>{"04595252"}));
  auto hidden = store.Find(Definition(EntityKind::kSystem), AgencyScope(a2_), s_b1_);
  ASSERT_TRUE(hidden);
  EXPECT_FALSE(*hidden);
}

TEST_P(StoreContract, VendorScopeCoversItsContractsAndTheirSystemsWhileInForce) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  auto page = store.List(Definition(EntityKind::kVendor), VendorScope(v_), {});
  EXPECT_EQ(Keys(*page, "tax_id"), (std::vector<std::string>{"04595252"}));
  page = store.List(Definition(EntityKind::kContract), VendorScope(v_), {});
  EXPECT_EQ(Keys(*page, "contract_id"), (std::vector<std::string>{"C1", "C2"}));
  // C2 ended in 2020, past the 90-day window: its system is no longer readable.
  page = store.List(Definition(EntityKind::kSystem), VendorScope(v_), {});
  EXPECT_EQ(Keys(*page, "system_id"), (std::vector<std::string>{"S-A2"}));
  // The named subcontractor reads C1 and its system like the vendor.
  page = store.List(Definition(EntityKind::kContract), VendorScope(w_), {});
  EXPECT_EQ(Keys(*page, "contract_id"), (std::vector<std::string>{"C1"}));
  page = store.List(Definition(EntityKind::kSystem), VendorScope(w_), {});
  EXPECT_EQ(Keys(*page, "system_id"), (std::vector<std::string>{"S-A2"}));
  page = store.List(Definition(EntityKind::kVendor), VendorScope(w_), {});
  EXPECT_EQ(Keys(*page, "tax_id"), (std::vector<std::string>{"22099131"}));
}

TEST_P(StoreContract, NothingScopeSeesNothing) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  const Scope nothing{Scope::Kind::kNothing, 0, "2026-06-30", "2026-04-01"};
  for (const auto kind :
       {EntityKind::kAgency, EntityKind::kVendor, EntityKind::kSystem, EntityKind::kContract}) {
    auto page = store.List(Definition(kind), nothing, {});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 0);
  }
}

TEST_P(StoreContract, SoftDeletedRecordsDisappearButKeepTheirKey) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  ASSERT_TRUE(store.SoftDelete(Definition(EntityKind::kContract), c1_, "2026-02-01T00:00:00Z"));
  auto found = store.Find(Definition(EntityKind::kContract), Everything(), c1_);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  auto key = store.FindByKey(EntityKind::kContract, "C1");
  ASSERT_TRUE(key && *key);
  EXPECT_TRUE((*key)->deleted);
  auto missing = store.MissingKeys(EntityKind::kContract, {"C1", "C2"});
  EXPECT_EQ(*missing, (std::vector<std::string>{"C1"}));
}

TEST_P(StoreContract, AgencyCyclesAreDetected) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  EXPECT_TRUE(*store.WouldCreateCycle("A1", "A3"));
  EXPECT_FALSE(*store.WouldCreateCycle("B1", "A3"));
}

TEST_P(StoreContract, SnapshotHoldsLiveContractsTheirSystemsAndSubcontractors) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  ASSERT_TRUE(store.BumpGeneration());
  auto snapshot = store.LoadSnapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().detail;
  EXPECT_EQ(snapshot->generation, 1);
  ASSERT_EQ(snapshot->contracts.size(), 2u);
  EXPECT_EQ(snapshot->agency_parent.at(a3_), a2_);
  EXPECT_EQ(snapshot->agency_parent.at(a1_), 0);
  EXPECT_EQ(snapshot->vendors.at(w_).tax_id, "22099131");
  const auto as_of = [](int year, unsigned month, unsigned day) {
    return static_cast<std::int32_t>(std::chrono::sys_days{
        std::chrono::year_month_day{std::chrono::year(year), std::chrono::month(month),
                                    std::chrono::day(day)}}
                                         .time_since_epoch()
                                         .count());
  };
  const registry::ConcentrationScope everything{registry::ConcentrationScope::Kind::kEverything, 0};
  auto items = registry::Concentration(*snapshot, everything, as_of(2026, 6, 30), std::nullopt);
  ASSERT_EQ(items.size(), 2u);
  json::object by_vendor;
  for (const auto& item : items) {
    by_vendor[item.as_object().at("vendor_tax_id").as_string()] = item;
  }
  const auto& main_vendor = by_vendor.at("04595252").as_object();
  EXPECT_EQ(main_vendor.at("agencies"), 1);
  EXPECT_EQ(main_vendor.at("systems"), 1);
  EXPECT_EQ(main_vendor.at("core_systems"), 1);
  EXPECT_EQ(main_vendor.at("amount"), 1000);
  const auto& sub_vendor = by_vendor.at("22099131").as_object();
  EXPECT_EQ(sub_vendor.at("subcontract_agencies"), 1);
  EXPECT_EQ(sub_vendor.at("subcontract_systems"), 1);
  // In 2020 only C2 was in force; restricted to A1's subtree nothing was.
  EXPECT_EQ(registry::Concentration(*snapshot, everything, as_of(2020, 6, 30), std::nullopt).size(),
            1u);
  EXPECT_TRUE(registry::Concentration(*snapshot, everything, as_of(2020, 6, 30), a1_).empty());
  // A deleted system no longer counts.
  ASSERT_TRUE(store.SoftDelete(Definition(EntityKind::kSystem), s_a2_, "2026-02-01T00:00:00Z"));
  snapshot = store.LoadSnapshot();
  items = registry::Concentration(*snapshot, everything, as_of(2026, 6, 30), std::nullopt);
  EXPECT_EQ(items.at(0).at("systems"), 0);
}

TEST_P(StoreContract, HistoryListsNewestFirst) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  LoadRegistry(store);
  const auto& agencies = Definition(EntityKind::kAgency);
  ASSERT_TRUE(store.AppendHistory(agencies, a1_, "create",
                                  json::object{{"name", json::array{nullptr, "x"}}}, std::nullopt,
                                  "r1", "2026-01-01T00:00:00.000Z"));
  ASSERT_TRUE(store.AppendHistory(agencies, a1_, "update",
                                  json::object{{"name", json::array{"x", "y"}}}, std::nullopt, "r2",
                                  "2026-01-02T00:00:00.000Z"));
  auto history = store.History(agencies, a1_);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->at(0).at("action"), "update");
  EXPECT_EQ(history->at(0).at("changes").at("name").at(1), "y");
}

std::int64_t AddTestUser(AccountStore& accounts, std::string email) {
  NewUser record;
  record.email = std::move(email);
  record.password_hash = "hash";
  record.role = "authority";
  auto user = accounts.InsertUser(record, "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(user) << (user ? "" : user.error().detail);
  return user.value_or(0);
}

SessionRecord TestSession(std::string hash, std::int64_t user, std::string public_id) {
  SessionRecord session;
  session.token_hash = std::move(hash);
  session.user_id = user;
  session.csrf_token = "csrf";
  session.created_at = "2026-01-01T00:00:00.000Z";
  session.last_seen_at = "2026-01-01T00:00:00.000Z";
  session.public_id = std::move(public_id);
  return session;
}

TEST_P(StoreContract, SessionsAreStoredByHash) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  const auto user = AddTestUser(accounts, "a@b.tw");
  ASSERT_TRUE(accounts.InsertSession(TestSession("h1", user, "p1")));
  auto found = accounts.FindSession("h1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->user_id, user);
  EXPECT_EQ((*found)->public_id, "p1");
  auto joined = accounts.FindSessionAndUser("h1");
  ASSERT_TRUE(joined && *joined);
  EXPECT_EQ((*joined)->second.email, "a@b.tw");
  ASSERT_TRUE(
      accounts.DeleteExpiredSessions("2026-01-01T00:00:01.000Z", "2025-01-01T00:00:00.000Z"));
  found = accounts.FindSession("h1");
  EXPECT_FALSE(*found);
}

TEST_P(StoreContract, SessionsCarryTheRegistryGeneration) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  RegistryStore store(**lease);
  const auto user = AddTestUser(accounts, "g@b.tw");
  ASSERT_TRUE(accounts.InsertSession(TestSession("hg", user, "pg")));
  ASSERT_TRUE(store.BumpGeneration());
  ASSERT_TRUE(store.BumpGeneration());
  auto joined = accounts.FindSessionAndUser("hg");
  ASSERT_TRUE(joined && *joined);
  EXPECT_EQ((*joined)->first.registry_generation, *store.Generation());
}

/// An auditor reads what their current assignments grant: the vendor, the named contracts (or
/// all of the vendor's), the systems they cover and the agencies that own them; nothing once the
/// assignment is revoked or outside its dates.
TEST_P(StoreContract, AuditorScopeFollowsAssignments) {
  auto lease = database_->Acquire();
  RegistryStore store(**lease);
  AccountStore accounts(**lease);
  AssignmentStore assignments(**lease);
  LoadRegistry(store);
  NewUser auditor;
  auditor.email = "auditor@b.tw";
  auditor.password_hash = "hash";
  auditor.role = "auditor";
  auto auditor_id = accounts.InsertUser(auditor, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(auditor_id);
  const Scope scope{Scope::Kind::kAuditor, *auditor_id, "2026-06-30", "2026-04-01"};
  const auto keys = [&](EntityKind kind, std::string_view key) {
    auto page = store.List(Definition(kind), scope, {});
    EXPECT_TRUE(page) << (page ? "" : page.error().detail);
    return page ? Keys(*page, key) : std::vector<std::string>{};
  };
  using Strings = std::vector<std::string>;
  EXPECT_EQ(keys(EntityKind::kContract, "contract_id"), Strings{});

  // Sampled contract C2 only: its agency B1 and system S-B1, and the vendor V.
  NewAssignment sampled{*auditor_id, v_, {c2_}, "2026-06-01", "2026-07-31", std::nullopt};
  auto first = assignments.Create(sampled, "2026-06-01T00:00:00.000Z");
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(keys(EntityKind::kContract, "contract_id"), Strings{"C2"});
  EXPECT_EQ(keys(EntityKind::kSystem, "system_id"), Strings{"S-B1"});
  EXPECT_EQ(keys(EntityKind::kAgency, "code"), Strings{"B1"});
  EXPECT_EQ(keys(EntityKind::kVendor, "tax_id"), Strings{"04595252"});
  auto hidden = store.Find(Definition(EntityKind::kContract), scope, c1_);
  ASSERT_TRUE(hidden);
  EXPECT_FALSE(*hidden);

  // Outside the assignment's dates, nothing.
  const Scope later{Scope::Kind::kAuditor, *auditor_id, "2026-08-01", "2026-05-03"};
  auto page = store.List(Definition(EntityKind::kContract), later, {});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);

  // An assignment without contracts covers every contract of the vendor.
  ASSERT_TRUE(assignments.Revoke(*first, "2026-06-02T00:00:00.000Z"));
  EXPECT_EQ(keys(EntityKind::kContract, "contract_id"), Strings{});
  NewAssignment whole{*auditor_id, v_, {}, "2026-06-01", "2026-07-31", std::nullopt};
  ASSERT_TRUE(assignments.Create(whole, "2026-06-02T00:00:00.000Z"));
  EXPECT_EQ(keys(EntityKind::kContract, "contract_id"), (Strings{"C1", "C2"}));
  EXPECT_EQ(keys(EntityKind::kAgency, "code"), (Strings{"A2", "B1"}));
  auto listed = assignments.List(*auditor_id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(1).contract_keys, Strings{"C2"});
  EXPECT_TRUE(listed->at(1).revoked_at);
  EXPECT_EQ(listed->at(0).vendor_tax_id, "04595252");
}

TEST_P(StoreContract, SessionsAreListedAndEndedByTheirUser) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  const auto user = AddTestUser(accounts, "s@b.tw");
  const auto other = AddTestUser(accounts, "t@b.tw");
  ASSERT_TRUE(accounts.InsertSession(TestSession("h1", user, "p1")));
  ASSERT_TRUE(accounts.InsertSession(TestSession("h2", user, "p2")));
  ASSERT_TRUE(accounts.InsertSession(TestSession("h3", other, "p3")));
  EXPECT_EQ(accounts.SessionsOf(user)->size(), 2u);
  EXPECT_FALSE(*accounts.DeleteSessionByPublicId(user, "p3"));  // another user's session
  EXPECT_TRUE(*accounts.DeleteSessionByPublicId(user, "p2"));
  ASSERT_TRUE(accounts.InsertSession(TestSession("h4", user, "p4")));
  ASSERT_TRUE(accounts.DeleteSessionsOf(user, "h1"));
  auto left = accounts.SessionsOf(user);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->at(0).public_id, "p1");
  EXPECT_EQ(accounts.SessionsOf(other)->size(), 1u);
}

TEST_P(StoreContract, TotpStepsAndRecoveryCodesAreUsedOnce) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  const auto user = AddTestUser(accounts, "m@b.tw");
  ASSERT_TRUE(accounts.SetMfa(user, std::string("sealed"), std::nullopt, 100));
  EXPECT_FALSE(*accounts.UseMfaStep(user, 100));
  EXPECT_TRUE(*accounts.UseMfaStep(user, 101));
  EXPECT_FALSE(*accounts.UseMfaStep(user, 101));
  ASSERT_TRUE(accounts.ReplaceRecoveryCodes(user, {"c1", "c2"}));
  EXPECT_TRUE(*accounts.UseRecoveryCode(user, "c1", "2026-01-01T00:00:00.000Z"));
  EXPECT_FALSE(*accounts.UseRecoveryCode(user, "c1", "2026-01-01T00:00:00.000Z"));
  EXPECT_FALSE(*accounts.UseRecoveryCode(user, "zz", "2026-01-01T00:00:00.000Z"));
  ASSERT_TRUE(accounts.ReplaceRecoveryCodes(user, {}));
  EXPECT_FALSE(*accounts.UseRecoveryCode(user, "c2", "2026-01-01T00:00:00.000Z"));
}

TEST_P(StoreContract, TokensAreFoundByHashAndRevoked) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  const auto user = AddTestUser(accounts, "k@b.tw");
  TokenRecord token;
  token.user_id = user;
  token.name = "ci";
  token.token_hash = "th";
  token.scopes = "read sboms:write";
  token.created_at = "2026-01-01T00:00:00.000Z";
  token.expires_at = "2027-01-01T00:00:00.000Z";
  auto id = accounts.InsertToken(token);
  ASSERT_TRUE(id);
  auto found = accounts.FindTokenAndUser("th");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->first.scopes, "read sboms:write");
  EXPECT_EQ((*found)->second.email, "k@b.tw");
  EXPECT_FALSE(*accounts.RevokeToken(user + 1, *id, "2026-02-01T00:00:00.000Z"));
  EXPECT_TRUE(*accounts.RevokeToken(user, *id, "2026-02-01T00:00:00.000Z"));
  EXPECT_TRUE((*accounts.FindTokenAndUser("th"))->first.revoked_at.has_value());
}

TEST_P(StoreContract, PasswordHistoryIsNewestFirst) {
  auto lease = database_->Acquire();
  AccountStore accounts(**lease);
  const auto user = AddTestUser(accounts, "p@b.tw");
  for (const char* hash : {"h1", "h2", "h3"}) {
    ASSERT_TRUE(accounts.AddPasswordHistory(user, hash, "2026-01-01T00:00:00.000Z"));
  }
  auto history = accounts.PasswordHistory(user, 2);
  ASSERT_TRUE(history);
  EXPECT_EQ(*history, (std::vector<std::string>{"h3", "h2"}));
}

/// PostgreSQL's triggers (migration 8) notify the change feed of what cached authentication and
/// reads depend on, and of nothing else; SQLite has no feed.
TEST_P(StoreContract, ChangeNoticesCoverWhatCachesDependOn) {
  auto started = database_->StartChangeFeed();
  ASSERT_TRUE(started) << started.error().detail;
  if (GetParam() == "sqlite") {
    EXPECT_FALSE(*started);
    EXPECT_EQ(database_->changes(), nullptr);
    return;
  }
  ChangeFeed* feed = database_->changes();
  ASSERT_NE(feed, nullptr);
  const auto settle = [&] {
    // Waits until the epoch has stayed put for 300 ms and returns it.
    for (int tries = 0; tries < 50; ++tries) {
      const auto first = feed->Epoch();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (first && feed->Epoch() == first) return *first;
    }
    ADD_FAILURE() << "the change feed never settled";
    return std::uint64_t{0};
  };
  auto lease = database_->Acquire();
  ASSERT_TRUE(lease);
  AccountStore accounts(**lease);
  RegistryStore store(**lease);
  const auto user = AddTestUser(accounts, "feed@b.tw");
  ASSERT_TRUE(accounts.InsertSession(TestSession("hf", user, "pf")));
  const auto moved = [&](auto change) {
    const auto before = settle();
    change();
    return settle() > before;
  };
  // Session inserts and touches change nothing cached; ending one does.
  EXPECT_FALSE(
      moved([&] { ASSERT_TRUE(accounts.TouchSession("hf", "2026-01-02T00:00:00.000Z")); }));
  EXPECT_TRUE(moved([&] { ASSERT_TRUE(accounts.DeleteSession("hf")); }));
  EXPECT_TRUE(moved([&] { ASSERT_TRUE(store.BumpGeneration()); }));
  EXPECT_TRUE(moved([&] {
    ASSERT_TRUE((*lease)->Query("UPDATE users SET disabled = 1 WHERE id = $1", {user}));
  }));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sg::storage
