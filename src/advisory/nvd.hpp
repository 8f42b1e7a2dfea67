#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// NVD CVE API 2.0 JSON (https://nvd.nist.gov/developers/vulnerabilities): the fields the
/// platform uses — descriptions, dates, CVSS metrics, CWEs, references, the CISA KEV columns —
/// and the applicability configurations kept as a structure for the CPE matcher.
namespace sg::advisory {

/// A text in one language (`descriptions[]`).
struct LangString {
  std::string lang;
  std::string value;
};

/// One CVSS metric of a CVE (`metrics.cvssMetricV31[]` and the like).
struct NvdCvssMetric {
  std::string source;         // "nvd@nist.gov", a CNA's address, …
  std::string type;           // "Primary" or "Secondary"
  std::string version;        // "2.0", "3.0", "3.1", "4.0"
  std::string vector;         // cvssData.vectorString
  double base_score = 0;      // cvssData.baseScore
  std::string base_severity;  // cvssData.baseSeverity (or the metric's, for v2)
};

/// One `cpeMatch` entry: a CPE 2.3 match string, optionally bounded by versions.
struct NvdCpeMatch {
  std::string criteria;  // "cpe:2.3:a:apache:struts:*:*:*:*:*:*:*:*"
  std::string match_criteria_id;
  bool vulnerable = false;
  std::optional<std::string> version_start_including;
  std::optional<std::string> version_start_excluding;
  std::optional<std::string> version_end_including;
  std::optional<std::string> version_end_excluding;
};

/// How the children of a configuration or node combine.
enum class NvdOperator { kOr, kAnd };

/// A configuration node: its CPE matches combined by `op`, negated when `negate`.
struct NvdNode {
  NvdOperator op = NvdOperator::kOr;
  bool negate = false;
  std::vector<NvdCpeMatch> cpe_match;
};

/// One `configurations[]` entry: nodes combined by `op` (OR when absent).
struct NvdConfiguration {
  NvdOperator op = NvdOperator::kOr;
  bool negate = false;
  std::vector<NvdNode> nodes;
};

/// A reference URL with its source and tags.
struct NvdReference {
  std::string url;
  std::string source;
  std::vector<std::string> tags;
};

/// One CVE as the NVD publishes it (共通弱點 — a common vulnerability).
struct NvdCve {
  std::string id;
  std::string source_identifier;
  std::string vuln_status;
  std::string published;  // "2022-12-01T05:15:11.730" (NVD gives no zone: UTC)
  std::string last_modified;
  std::vector<LangString> descriptions;
  std::vector<NvdCvssMetric> cvss_v2;
  std::vector<NvdCvssMetric> cvss_v3;  // v3.0 and v3.1, in that order of the feed
  std::vector<NvdCvssMetric> cvss_v4;
  std::vector<std::string> cwes;  // "CWE-352", "NVD-CWE-Other", … without repeats
  std::vector<NvdConfiguration> configurations;
  std::vector<NvdReference> references;
  std::string cisa_exploit_add;  // set when the CVE is in CISA's KEV catalogue
  std::string cisa_action_due;
  std::string cisa_required_action;
  std::string cisa_vulnerability_name;

  /// The English description, else the first; empty when none.
  std::string_view Description() const;
  /// The CVSS v3 metric to show: the NVD's own Primary one, else the first Primary, else the
  /// first; v3.1 preferred over v3.0 at each step. Absent when there is none.
  const NvdCvssMetric* FindPreferredCvssV3() const;
};

/// A CVE that could not be read, with its position in the feed.
struct NvdRejection {
  std::size_t index = 0;  // in `vulnerabilities[]`
  Error error;
};

/// One NVD API response (`{"format":"NVD_CVE","vulnerabilities":[{"cve":…}],…}`) or one
/// `{"cve":…}` item.
struct NvdFeed {
  std::size_t results_per_page = 0;
  std::size_t start_index = 0;
  std::size_t total_results = 0;
  std::string timestamp;
  std::vector<NvdCve> cves;
  std::vector<NvdRejection> rejected;  // invalid CVEs; the rest are still read
};

/// Reads an NVD CVE API 2.0 response or a single `{"cve":…}` item. Errors: "malformedJson",
/// "invalidNvdFeed" (not an NVD CVE document). A CVE missing its id or with a broken
/// configuration is put in `rejected` with the reason; the other CVEs are read.
Result<NvdFeed> ParseNvdFeed(std::string_view text);

}  // namespace sg::advisory
