#pragma once

// Shared by the libFuzzer harnesses in fuzz/: how an input is seen and how a broken property is
// reported. A violated property aborts, so libFuzzer (and replay_main.cpp) report the input as a
// crash and keep it.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sg::fuzz {

/// The fuzzer's bytes as text. libFuzzer never passes a null pointer, even for empty input.
inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

/// Aborts, naming `property`, unless `holds`.
inline void Require(bool holds, std::string_view property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: property violated: %.*s\n", static_cast<int>(property.size()),
               property.data());
  std::abort();
}

}  // namespace sg::fuzz
