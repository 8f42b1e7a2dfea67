#include "service/answer_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sg::service {
namespace {

std::shared_ptr<const std::string> Text(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

TEST(AnswerCacheTest, FindsWhatWasStoredInTheSameGeneration) {
  AnswerCache<std::string> cache;
  EXPECT_EQ(cache.Find(1, "a"), nullptr);
  cache.Store(1, "a", Text("answer"), 6);
  ASSERT_NE(cache.Find(1, "a"), nullptr);
  EXPECT_EQ(*cache.Find(1, "a"), "answer");
  EXPECT_EQ(cache.Find(1, "b"), nullptr);
  EXPECT_EQ(cache.stats().hits, 2u);
  EXPECT_EQ(cache.stats().misses, 2u);
}

TEST(AnswerCacheTest, ANewerGenerationEmptiesTheCache) {
  AnswerCache<std::string> cache;
  cache.Store(1, "a", Text("old"), 3);
  EXPECT_EQ(cache.Find(2, "a"), nullptr);  // a reader that saw a write never gets the old one
  cache.Store(2, "b", Text("new"), 3);
  EXPECT_EQ(cache.Find(1, "a"), nullptr);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().bytes, 3u);
}

TEST(AnswerCacheTest, AnAnswerOfAnOlderGenerationIsNotKept) {
  AnswerCache<std::string> cache;
  cache.Store(5, "a", Text("current"), 7);
  cache.Store(4, "b", Text("late"), 4);  // computed before a write that another reader saw
  EXPECT_EQ(cache.Find(5, "b"), nullptr);
  EXPECT_EQ(cache.Find(4, "b"), nullptr);
  EXPECT_NE(cache.Find(5, "a"), nullptr);
}

TEST(AnswerCacheTest, EvictsTheLeastRecentlyUsedBeyondItsSize) {
  AnswerCache<std::string> cache({.max_bytes = 10, .max_entry_bytes = 10});
  cache.Store(1, "a", Text("aaaa"), 4);
  cache.Store(1, "b", Text("bbbb"), 4);
  ASSERT_NE(cache.Find(1, "a"), nullptr);  // a is now the most recently used
  cache.Store(1, "c", Text("cccc"), 4);    // 12 bytes > 10: b goes
  EXPECT_NE(cache.Find(1, "a"), nullptr);
  EXPECT_EQ(cache.Find(1, "b"), nullptr);
  EXPECT_NE(cache.Find(1, "c"), nullptr);
  EXPECT_EQ(cache.stats().bytes, 8u);
}

TEST(AnswerCacheTest, DoesNotKeepAnswersLargerThanTheEntryLimit) {
  AnswerCache<std::string> cache({.max_bytes = 100, .max_entry_bytes = 5});
  cache.Store(1, "a", Text("too large"), 9);
  EXPECT_EQ(cache.Find(1, "a"), nullptr);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(AnswerCacheTest, ReplacesAnEntryStoredTwice) {
  AnswerCache<std::string> cache;
  cache.Store(1, "a", Text("one"), 3);
  cache.Store(1, "a", Text("three"), 5);
  EXPECT_EQ(*cache.Find(1, "a"), "three");
  EXPECT_EQ(cache.stats().bytes, 5u);
  EXPECT_EQ(cache.stats().entries, 1u);
}

}  // namespace
}  // namespace sg::service
