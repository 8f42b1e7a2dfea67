#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "advisory/osv.hpp"
#include "core/error.hpp"

/// CVSS vectors (Common Vulnerability Scoring System, FIRST): parsing, validation and scores.
/// v3.0/v3.1 are scored in full (base, temporal, environmental) per the FIRST specifications,
/// each with its own Roundup; v2 gets its base score; v4 vectors are validated only. Malformed
/// vectors (unknown metric or value, a metric twice, a base metric missing, a bad prefix) are
/// refused with code "invalidCvssVector".
namespace sg::advisory {

/// The CVSS version a vector declares.
enum class CvssVersion { kV2, kV30, kV31, kV40 };

/// A CVSS v3.0 or v3.1 vector and its scores (each 0.0–10.0, one decimal).
struct CvssV3 {
  CvssVersion version = CvssVersion::kV31;
  double base_score = 0;
  double impact_subscore = 0;          // before the Roundup, as the spec defines it
  double exploitability_subscore = 0;  // before the Roundup
  double temporal_score = 0;           // the base score when no temporal metric is given
  double environmental_score = 0;      // the temporal score when no environmental one is given
};

/// Parses and scores a "CVSS:3.0/…" or "CVSS:3.1/…" vector. Metrics may come in any order; the
/// eight base metrics are required, each metric at most once.
Result<CvssV3> ScoreCvssV3(std::string_view vector);

/// Parses a CVSS v2 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally with temporal and
/// environmental metrics) and returns its base score.
Result<double> ScoreCvssV2(std::string_view vector);

/// Checks a "CVSS:4.0/…" vector's structure (metric names, values, required base metrics). No
/// score: CVSS v4 scores come from a lookup table this module does not carry.
Result<void> ValidateCvssV4(std::string_view vector);

/// The qualitative rating of a v3/v4 score: "NONE", "LOW", "MEDIUM", "HIGH" or "CRITICAL".
std::string_view CvssRating(double score);

/// A finding's severity as the scan output carries it (API.md "SBOM scan output"):
/// `{"cvss_v3": 9.8, "vector": "CVSS:3.1/…"}`.
struct FindingSeverity {
  double cvss_v3 = 0;
  std::string vector;
};

/// The severity to show for a finding: the first valid CVSS v3 vector of `affected` (the
/// package-level severity, when given) else of `record`; absent when neither has one.
std::optional<FindingSeverity> FindFindingSeverity(const Record& record,
                                                   const Affected* affected = nullptr);

}  // namespace sg::advisory
