// libFuzzer harness for the CycloneDX JSON reader: strict and lenient reads, model invariants
// (sbom_harness.hpp).
#include <cstddef>
#include <cstdint>

#include "sbom/reader.hpp"
#include "sbom_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sg::fuzz::FuzzSbomReader(&sg::sbom::ReadCycloneDxJson, sg::sbom::Format::kCycloneDxJson,
                                  sg::fuzz::AsText(data, size));
}
