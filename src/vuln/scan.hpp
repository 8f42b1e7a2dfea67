#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sbom/model.hpp"
#include "vuln/matcher.hpp"

namespace sg::vuln {

/// A component that could not be matched, and why.
struct ComponentNote {
  std::size_t component = 0;  // index in Document::components
  /// "noPurl" (and no CPE to go by offline), "invalidPurl", "unsupportedEcosystem" (the purl's
  /// type is not an ecosystem SupplyGuard orders), "noVersion", "invalidVersion".
  std::string code;
  std::string message;
};

/// One component and one advisory record that says it is affected.
struct ScanFinding {
  std::size_t component = 0;  // index in Document::components
  std::uint32_t record = 0;   // AdvisoryIndex::Info(record)
  std::vector<std::string> fixed;
  std::optional<advisory::FindingSeverity> severity;
};

struct ScanReport {
  std::size_t components = 0;  // every component, nested included, the subject excluded
  std::vector<ScanFinding> findings;
  std::vector<ComponentNote> notes;
};

/// Matches every component of `document` (by its purl) against `index`: one finding per
/// component and matching record, in component order. Components that cannot be matched are
/// kept in `notes`; they never stop the scan.
ScanReport Scan(const sbom::Document& document, const AdvisoryIndex& index);

}  // namespace sg::vuln
