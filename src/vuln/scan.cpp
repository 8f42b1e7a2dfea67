#include "vuln/scan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "purl/purl.hpp"

namespace sg::vuln {

ScanReport Scan(const sbom::Document& document, const AdvisoryIndex& index) {
  ScanReport report;
  report.components = document.components.size();
  for (std::size_t position = 0; position < document.components.size(); ++position) {
    const sbom::Component& component = document.components[position];
    const auto note = [&](std::string code, std::string message) {
      report.notes.push_back({position, std::move(code), std::move(message)});
    };
    if (component.purl.empty()) {
      note("noPurl",
           fmt::format("component '{}' has no purl: it cannot be matched offline", component.name));
      continue;
    }
    auto parsed = purl::ParsePurl(component.purl);
    if (!parsed) {
      note("invalidPurl", parsed.error().message);
      continue;
    }
    if (parsed->version.empty()) {
      note("noVersion", fmt::format("purl '{}' has no version", component.purl));
      continue;
    }
    const std::optional<PackageVersion> package = PackageOfPurl(*parsed);
    if (!package) {
      note("unsupportedEcosystem",
           fmt::format("purl '{}': type '{}' is not an ecosystem SupplyGuard matches",
                       component.purl, parsed->type));
      continue;
    }
    auto matches = index.Match(*package);
    if (!matches) {
      note("invalidVersion", fmt::format("purl '{}': {}", component.purl, matches.error().message));
      continue;
    }
    // Records in id order, whatever order the source listed them in.
    std::sort(matches->begin(), matches->end(), [&](const RecordMatch& a, const RecordMatch& b) {
      return index.Info(a.record).id < index.Info(b.record).id;
    });
    for (RecordMatch& match : *matches) {
      report.findings.push_back(
          {position, match.record, std::move(match.fixed), std::move(match.severity)});
    }
  }
  return report;
}

}  // namespace sg::vuln
