#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace sg::sbom {

/// A string_view → uint32 map with open addressing: one allocation, no per-entry nodes, for the
/// hundreds of thousands of bom-refs and purls a large SBOM holds. The viewed strings must
/// outlive the index. Internal to the module.
class StringIndex {
 public:
  explicit StringIndex(std::size_t expected) {
    std::size_t capacity = 16;
    while (capacity < expected * 2) capacity <<= 1;
    slots_.resize(capacity);
    mask_ = capacity - 1;
  }

  /// Stores `value` under `key` unless the key is there already. Returns the value stored under
  /// the key and whether this call inserted it.
  std::pair<std::uint32_t, bool> Insert(std::string_view key, std::uint32_t value) {
    const std::size_t hash = Hash(key);
    for (std::size_t position = hash & mask_;; position = (position + 1) & mask_) {
      Slot& slot = slots_[position];
      if (!slot.used) {
        slot = {hash, key, value, true};
        if (++size_ * 2 > slots_.size()) Grow();
        return {value, true};
      }
      if (slot.hash == hash && slot.key == key) return {slot.value, false};
    }
  }

  std::optional<std::uint32_t> Find(std::string_view key) const {
    const std::size_t hash = Hash(key);
    for (std::size_t position = hash & mask_;; position = (position + 1) & mask_) {
      const Slot& slot = slots_[position];
      if (!slot.used) return std::nullopt;
      if (slot.hash == hash && slot.key == key) return slot.value;
    }
  }

 private:
  /// A multiply-xorshift hash over 8-byte words: cheaper than std::hash's for the keys here
  /// (bom-refs and purls of a few dozen bytes), and its low bits, which pick the slot, depend on
  /// every byte.
  static std::size_t Hash(std::string_view key) {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
    std::uint64_t hash = (key.size() + 1) * kMultiplier;
    const char* data = key.data();
    std::size_t left = key.size();
    const auto mix = [&](std::uint64_t word) {
      hash = (hash ^ word) * kMultiplier;
      hash ^= hash >> 32;
    };
    for (; left >= 8; data += 8, left -= 8) {
      std::uint64_t word;
      std::memcpy(&word, data, sizeof word);
      mix(word);
    }
    if (left > 0) {
      std::uint64_t word = 0;
      for (std::size_t index = 0; index < left; ++index) {
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[index])) << (8 * index);
      }
      mix(word);
    }
    return static_cast<std::size_t>(hash ^ (hash >> 29));
  }

  struct Slot {
    std::size_t hash = 0;
    std::string_view key;
    std::uint32_t value = 0;
    bool used = false;
  };

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (!slot.used) continue;
      std::size_t position = slot.hash & mask_;
      while (slots_[position].used) position = (position + 1) & mask_;
      slots_[position] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sg::sbom
