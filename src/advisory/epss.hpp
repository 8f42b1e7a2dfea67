#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// FIRST's Exploit Prediction Scoring System daily file (https://www.first.org/epss/): for each
/// CVE, the probability of exploitation in the next 30 days and its percentile. The file is a
/// CSV — a "#model_version:…,score_date:…" comment, the header "cve,epss,percentile", then one
/// row per CVE (about 300,000) — published gzipped; both forms are read.
namespace sg::advisory {

/// One CVE's EPSS score.
struct EpssScore {
  std::string cve;
  double epss = 0;        // probability, 0–1
  double percentile = 0;  // 0–1
};

/// A row that could not be read.
struct EpssRejection {
  std::size_t line = 0;  // 1-based line number in the (decompressed) file
  Error error;
};

/// A day's scores.
struct EpssTable {
  std::string model_version;      // "v2025.03.14"
  std::string score_date;         // "2025-08-21T00:00:00+0000"
  std::vector<EpssScore> scores;  // sorted by cve
  std::vector<EpssRejection> rejected;

  /// The score of `cve`, when listed.
  const EpssScore* FindScore(std::string_view cve) const;
};

/// Reads an EPSS CSV, plain or gzipped. Errors: "invalidEpssFile" (no "cve,epss,percentile"
/// header), "malformedGzip", "fileTooLarge". Bad rows go to `rejected` with their line.
Result<EpssTable> ParseEpss(std::string_view bytes);

}  // namespace sg::advisory
