#pragma once

#include <cstdint>
#include <functional>
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
    const std::size_t hash = std::hash<std::string_view>{}(key);
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
    const std::size_t hash = std::hash<std::string_view>{}(key);
    for (std::size_t position = hash & mask_;; position = (position + 1) & mask_) {
      const Slot& slot = slots_[position];
      if (!slot.used) return std::nullopt;
      if (slot.hash == hash && slot.key == key) return slot.value;
    }
  }

 private:
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
