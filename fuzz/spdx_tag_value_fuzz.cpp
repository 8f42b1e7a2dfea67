// libFuzzer harness for the SPDX 2.2/2.3 tag-value reader: strict and lenient reads, model
// invariants (sbom_harness.hpp).
#include <cstddef>
#include <cstdint>

#include "sbom/reader.hpp"
#include "sbom_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sg::fuzz::FuzzSbomReader(&sg::sbom::ReadSpdxTagValue, sg::sbom::Format::kSpdxTagValue,
                                  sg::fuzz::AsText(data, size));
}
