#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "storage/db.hpp"

namespace sg::service {

/// Values read from the database, kept in memory while the database's change feed
/// (storage::ChangeFeed) shows no change since they were read, and for at most `ttl`. Without a
/// feed (SQLite), or while the feed is down, nothing is kept: every lookup misses.
///
/// Use: `const auto epoch = cache.Epoch();` before reading the database, then
/// `cache.Store(key, value, epoch)`: a change during the read leaves the value already stale.
template <typename Value>
class EpochCache {
 public:
  /// The feed is `database.changes()`, started (StartChangeFeed) before requests are served.
  EpochCache(storage::Database& database, std::size_t capacity,
             std::chrono::steady_clock::duration ttl)
      : database_(database), capacity_(capacity), ttl_(ttl) {}

  /// The epoch to store a value read from now on under; nothing when caching is off.
  std::optional<std::uint64_t> Epoch() const {
    storage::ChangeFeed* feed = database_.changes();
    return feed ? feed->Epoch() : std::optional<std::uint64_t>{};
  }

  /// The value kept under `key` if the feed shows no change since it was read. Past `ttl` one
  /// caller at a time is told to read it again (a miss) while the others keep the kept value, so
  /// that an expiry does not send every request in flight to the database at once.
  std::optional<Value> Find(const std::string& key) {
    const auto epoch = Epoch();
    if (!epoch) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.epoch != *epoch) return std::nullopt;
    Entry& entry = found->second;
    if (now - entry.stored_at <= ttl_) return entry.value;
    if (now - entry.stored_at > 2 * ttl_) return std::nullopt;
    if (now - entry.refresh_claimed_at > ttl_ / 10) {
      entry.refresh_claimed_at = now;  // this caller reads it again
      return std::nullopt;
    }
    return entry.value;
  }

  void Store(const std::string& key, Value value, std::optional<std::uint64_t> epoch) {
    if (!epoch) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // stale entries pile up; start again
    entries_.insert_or_assign(key,
                              Entry{std::move(value), *epoch, std::chrono::steady_clock::now()});
  }

  void Erase(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
  }

  /// A change by this process: every value kept so far is stale (the feed's own notice follows).
  void ChangedHere() const {
    if (storage::ChangeFeed* feed = database_.changes()) feed->Bump();
  }

 private:
  struct Entry {
    Value value;
    std::uint64_t epoch;
    std::chrono::steady_clock::time_point stored_at;
    std::chrono::steady_clock::time_point refresh_claimed_at{};  // when a caller went to read it
  };
  storage::Database& database_;
  const std::size_t capacity_;
  const std::chrono::steady_clock::duration ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace sg::service
