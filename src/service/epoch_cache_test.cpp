#include "service/epoch_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace sg::service {
namespace {

/// A feed whose epoch and health the test sets.
class TestFeed final : public storage::ChangeFeed {
 public:
  std::optional<std::uint64_t> Epoch() const override {
    return healthy ? std::optional(epoch) : std::nullopt;
  }
  void Bump() override { ++epoch; }
  std::uint64_t epoch = 1;
  bool healthy = true;
};

/// A database that only has a change feed (EpochCache asks for nothing else).
class FeedOnlyDatabase final : public storage::Database {
 public:
  explicit FeedOnlyDatabase(storage::ChangeFeed* feed) : feed_(feed) {}
  storage::Dialect dialect() const override { return storage::Dialect::kPostgres; }
  Result<storage::ConnectionLease> Acquire() override {
    return Fail(Error::Unavailable("no connections in this test"));
  }
  storage::ChangeFeed* changes() override { return feed_; }

 protected:
  void Release(std::unique_ptr<storage::Connection>) override {}

 private:
  storage::ChangeFeed* feed_;
};

TEST(EpochCache, KeepsAValueUntilTheEpochMoves) {
  TestFeed feed;
  FeedOnlyDatabase database(&feed);
  EpochCache<int> cache(database, 10, std::chrono::seconds(60));
  cache.Store("a", 1, cache.Epoch());
  EXPECT_EQ(cache.Find("a"), 1);
  cache.ChangedHere();  // a change by this process
  EXPECT_EQ(cache.Find("a"), std::nullopt);
  cache.Store("a", 2, cache.Epoch());
  EXPECT_EQ(cache.Find("a"), 2);
  feed.epoch += 1;  // a notice from another process
  EXPECT_EQ(cache.Find("a"), std::nullopt);
}

TEST(EpochCache, AValueReadBeforeAChangeIsNeverServed) {
  TestFeed feed;
  FeedOnlyDatabase database(&feed);
  EpochCache<int> cache(database, 10, std::chrono::seconds(60));
  const auto epoch = cache.Epoch();  // taken before the read
  feed.Bump();                       // the database changes during the read
  cache.Store("a", 1, epoch);
  EXPECT_EQ(cache.Find("a"), std::nullopt);
}

TEST(EpochCache, KeepsNothingWithoutAHealthyFeed) {
  FeedOnlyDatabase no_feed(nullptr);
  EpochCache<int> sqlite(no_feed, 10, std::chrono::seconds(60));
  sqlite.Store("a", 1, sqlite.Epoch());
  EXPECT_EQ(sqlite.Find("a"), std::nullopt);

  TestFeed feed;
  FeedOnlyDatabase database(&feed);
  EpochCache<int> cache(database, 10, std::chrono::seconds(60));
  cache.Store("a", 1, cache.Epoch());
  feed.healthy = false;  // the feed's connection is down
  EXPECT_EQ(cache.Find("a"), std::nullopt);
}

TEST(EpochCache, PastItsLifetimeOneCallerAtATimeReadsAgain) {
  TestFeed feed;
  FeedOnlyDatabase database(&feed);
  EpochCache<int> cache(database, 10, std::chrono::seconds(1));
  cache.Store("a", 1, cache.Epoch());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(cache.Find("a"), std::nullopt);  // this caller reads again…
  EXPECT_EQ(cache.Find("a"), 1);             // …while the others keep the value
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(cache.Find("a"), std::nullopt);  // after twice the lifetime, nobody keeps it
}

TEST(EpochCache, StartsAgainWhenFull) {
  TestFeed feed;
  FeedOnlyDatabase database(&feed);
  EpochCache<int> cache(database, 2, std::chrono::seconds(60));
  cache.Store("a", 1, cache.Epoch());
  cache.Store("b", 2, cache.Epoch());
  cache.Store("c", 3, cache.Epoch());
  EXPECT_EQ(cache.Find("a"), std::nullopt);
  EXPECT_EQ(cache.Find("c"), 3);
}

}  // namespace
}  // namespace sg::service
