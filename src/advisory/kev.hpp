#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// CISA's Known Exploited Vulnerabilities catalogue (JSON, https://www.cisa.gov/known-exploited-
/// vulnerabilities-catalog): CVEs exploited in the wild, with the action and date CISA requires.
namespace sg::advisory {

/// One catalogue entry (已遭利用弱點 — a vulnerability known to be exploited).
struct KevEntry {
  std::string cve_id;
  std::string vendor_project;
  std::string product;
  std::string vulnerability_name;
  std::string date_added;  // YYYY-MM-DD
  std::string short_description;
  std::string required_action;
  std::string due_date;                       // YYYY-MM-DD
  std::string known_ransomware_campaign_use;  // "Known" or "Unknown"
  std::string notes;
  std::vector<std::string> cwes;
};

/// An entry that could not be read, with its position.
struct KevRejection {
  std::size_t index = 0;  // in `vulnerabilities[]`
  Error error;
};

/// The catalogue: its version and entries.
struct KevCatalogue {
  std::string title;
  std::string catalog_version;  // "2025.08.25"
  std::string date_released;
  std::size_t declared_count = 0;  // the catalogue's own `count`
  std::vector<KevEntry> entries;   // sorted by cve_id
  std::vector<KevRejection> rejected;

  /// The entry of `cve_id`, when catalogued.
  const KevEntry* FindByCve(std::string_view cve_id) const;
};

/// Reads the catalogue. Errors: "malformedJson"; "invalidKevCatalogue" when it is not one, or
/// when `count` disagrees with the entries it holds (a truncated download). An entry missing a
/// required field is put in `rejected` with the reason; the others are read.
Result<KevCatalogue> ParseKevCatalogue(std::string_view text);

}  // namespace sg::advisory
