#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sg::service {

/// A bounded, least-recently-used cache of finished read answers, keyed by a string that the
/// caller builds from everything the answer depends on (the registry generation, the reader's
/// scope and today's date, the request). All entries of an older generation are dropped as soon
/// as a newer one is seen, so a write anywhere empties it. Thread-safe.
template <typename Value>
class AnswerCache {
 public:
  struct Limits {
    std::size_t max_bytes = 64u << 20;       // sum of the entries' sizes
    std::size_t max_entry_bytes = 8u << 20;  // larger answers are not kept
  };

  AnswerCache() = default;
  explicit AnswerCache(Limits limits) : limits_(limits) {}

  /// The entry for `key` in `generation`, or null.
  std::shared_ptr<const Value> Find(std::int64_t generation, const std::string& key) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) {
      ++misses_;
      return nullptr;
    }
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return nullptr;
    }
    order_.splice(order_.begin(), order_, found->second);
    ++hits_;
    return found->second->value;
  }

  /// Keeps `value` (of `bytes` bytes) for `key` in `generation`. An older generation's answer is
  /// dropped, a newer generation empties the cache first.
  void Store(std::int64_t generation, const std::string& key, std::shared_ptr<const Value> value,
             std::size_t bytes) {
    if (bytes > limits_.max_entry_bytes) return;
    std::lock_guard lock(mutex_);
    if (generation < generation_) return;
    if (generation > generation_) {
      order_.clear();
      index_.clear();
      bytes_ = 0;
      generation_ = generation;
    }
    if (auto found = index_.find(key); found != index_.end()) {
      bytes_ -= found->second->bytes;
      order_.erase(found->second);
      index_.erase(found);
    }
    order_.push_front(Entry{key, std::move(value), bytes});
    index_.emplace(key, order_.begin());
    bytes_ += bytes;
    while (bytes_ > limits_.max_bytes && !order_.empty()) {
      bytes_ -= order_.back().bytes;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    std::size_t bytes = 0;
  };
  Stats stats() const {
    std::lock_guard lock(mutex_);
    return {hits_, misses_, index_.size(), bytes_};
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Value> value;
    std::size_t bytes = 0;
  };

  Limits limits_;
  mutable std::mutex mutex_;
  std::int64_t generation_ = -1;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace sg::service
