// libFuzzer entry point for the SBOM readers: every format is reached through detection, both
// conformance levels run, and the nesting limit is small so deep inputs hit it quickly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sbom/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sg::sbom::ReadOptions options;
  options.max_nesting = 16;
  const auto strict = sg::sbom::ReadSbom(bytes, options);
  options.conformance = sg::sbom::Conformance::kLenient;
  const auto lenient = sg::sbom::ReadSbom(bytes, options);
  // A document valid under the strict rules must load leniently too.
  if (strict && !lenient) __builtin_trap();
  return 0;
}
