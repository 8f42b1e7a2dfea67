#include "advisory/cvss.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace sg::advisory {
namespace {

// One metric a vector may carry: its abbreviation, the values it accepts, whether it is required.
struct MetricSpec {
  std::string_view name;
  std::span<const std::string_view> values;
  bool required = false;
};

// CVSS v3.x (identical metric sets for 3.0 and 3.1).
constexpr std::array<std::string_view, 4> kAttackVector{"N", "A", "L", "P"};
constexpr std::array<std::string_view, 2> kLowHigh{"L", "H"};
constexpr std::array<std::string_view, 3> kNoneLowHigh{"N", "L", "H"};
constexpr std::array<std::string_view, 2> kUserInteraction{"N", "R"};
constexpr std::array<std::string_view, 2> kScope{"U", "C"};
constexpr std::array<std::string_view, 3> kImpact{"H", "L", "N"};
constexpr std::array<std::string_view, 5> kExploitMaturity{"X", "U", "P", "F", "H"};
constexpr std::array<std::string_view, 5> kRemediationLevel{"X", "O", "T", "W", "U"};
constexpr std::array<std::string_view, 4> kReportConfidence{"X", "U", "R", "C"};
constexpr std::array<std::string_view, 4> kRequirement{"X", "L", "M", "H"};
constexpr std::array<std::string_view, 5> kModifiedAttackVector{"X", "N", "A", "L", "P"};
constexpr std::array<std::string_view, 3> kModifiedLowHigh{"X", "L", "H"};
constexpr std::array<std::string_view, 4> kModifiedNoneLowHigh{"X", "N", "L", "H"};
constexpr std::array<std::string_view, 3> kModifiedUserInteraction{"X", "N", "R"};
constexpr std::array<std::string_view, 3> kModifiedScope{"X", "U", "C"};

constexpr std::array kV3Metrics{
    MetricSpec{"AV", kAttackVector, true},
    MetricSpec{"AC", kLowHigh, true},
    MetricSpec{"PR", kNoneLowHigh, true},
    MetricSpec{"UI", kUserInteraction, true},
    MetricSpec{"S", kScope, true},
    MetricSpec{"C", kImpact, true},
    MetricSpec{"I", kImpact, true},
    MetricSpec{"A", kImpact, true},
    MetricSpec{"E", kExploitMaturity},
    MetricSpec{"RL", kRemediationLevel},
    MetricSpec{"RC", kReportConfidence},
    MetricSpec{"CR", kRequirement},
    MetricSpec{"IR", kRequirement},
    MetricSpec{"AR", kRequirement},
    MetricSpec{"MAV", kModifiedAttackVector},
    MetricSpec{"MAC", kModifiedLowHigh},
    MetricSpec{"MPR", kModifiedNoneLowHigh},
    MetricSpec{"MUI", kModifiedUserInteraction},
    MetricSpec{"MS", kModifiedScope},
    MetricSpec{"MC", kModifiedNoneLowHigh},
    MetricSpec{"MI", kModifiedNoneLowHigh},
    MetricSpec{"MA", kModifiedNoneLowHigh},
};

// CVSS v2.
constexpr std::array<std::string_view, 3> kV2AccessVector{"L", "A", "N"};
constexpr std::array<std::string_view, 3> kV2AccessComplexity{"H", "M", "L"};
constexpr std::array<std::string_view, 3> kV2Authentication{"M", "S", "N"};
constexpr std::array<std::string_view, 3> kV2Impact{"N", "P", "C"};
constexpr std::array<std::string_view, 5> kV2Exploitability{"U", "POC", "F", "H", "ND"};
constexpr std::array<std::string_view, 5> kV2RemediationLevel{"OF", "TF", "W", "U", "ND"};
constexpr std::array<std::string_view, 4> kV2ReportConfidence{"UC", "UR", "C", "ND"};
constexpr std::array<std::string_view, 6> kV2CollateralDamage{"N", "L", "LM", "MH", "H", "ND"};
constexpr std::array<std::string_view, 5> kV2TargetDistribution{"N", "L", "M", "H", "ND"};
constexpr std::array<std::string_view, 4> kV2Requirement{"L", "M", "H", "ND"};

constexpr std::array kV2Metrics{
    MetricSpec{"AV", kV2AccessVector, true},   MetricSpec{"AC", kV2AccessComplexity, true},
    MetricSpec{"Au", kV2Authentication, true}, MetricSpec{"C", kV2Impact, true},
    MetricSpec{"I", kV2Impact, true},          MetricSpec{"A", kV2Impact, true},
    MetricSpec{"E", kV2Exploitability},        MetricSpec{"RL", kV2RemediationLevel},
    MetricSpec{"RC", kV2ReportConfidence},     MetricSpec{"CDP", kV2CollateralDamage},
    MetricSpec{"TD", kV2TargetDistribution},   MetricSpec{"CR", kV2Requirement},
    MetricSpec{"IR", kV2Requirement},          MetricSpec{"AR", kV2Requirement},
};

// CVSS v4.0.
constexpr std::array<std::string_view, 2> kV4AttackRequirements{"N", "P"};
constexpr std::array<std::string_view, 3> kV4UserInteraction{"N", "P", "A"};
constexpr std::array<std::string_view, 4> kV4ExploitMaturity{"X", "A", "P", "U"};
constexpr std::array<std::string_view, 3> kV4ModifiedAttackRequirements{"X", "N", "P"};
constexpr std::array<std::string_view, 4> kV4ModifiedUserInteraction{"X", "N", "P", "A"};
constexpr std::array<std::string_view, 5> kV4ModifiedSubsequent{"X", "H", "L", "N", "S"};
constexpr std::array<std::string_view, 3> kV4Safety{"X", "N", "P"};
constexpr std::array<std::string_view, 3> kV4Automatable{"X", "N", "Y"};
constexpr std::array<std::string_view, 4> kV4Recovery{"X", "A", "U", "I"};
constexpr std::array<std::string_view, 3> kV4ValueDensity{"X", "D", "C"};
constexpr std::array<std::string_view, 4> kV4Effort{"X", "L", "M", "H"};
constexpr std::array<std::string_view, 5> kV4Urgency{"X", "Clear", "Green", "Amber", "Red"};

constexpr std::array kV4Metrics{
    MetricSpec{"AV", kAttackVector, true},
    MetricSpec{"AC", kLowHigh, true},
    MetricSpec{"AT", kV4AttackRequirements, true},
    MetricSpec{"PR", kNoneLowHigh, true},
    MetricSpec{"UI", kV4UserInteraction, true},
    MetricSpec{"VC", kImpact, true},
    MetricSpec{"VI", kImpact, true},
    MetricSpec{"VA", kImpact, true},
    MetricSpec{"SC", kImpact, true},
    MetricSpec{"SI", kImpact, true},
    MetricSpec{"SA", kImpact, true},
    MetricSpec{"E", kV4ExploitMaturity},
    MetricSpec{"CR", kRequirement},
    MetricSpec{"IR", kRequirement},
    MetricSpec{"AR", kRequirement},
    MetricSpec{"MAV", kModifiedAttackVector},
    MetricSpec{"MAC", kModifiedLowHigh},
    MetricSpec{"MAT", kV4ModifiedAttackRequirements},
    MetricSpec{"MPR", kModifiedNoneLowHigh},
    MetricSpec{"MUI", kV4ModifiedUserInteraction},
    MetricSpec{"MVC", kModifiedNoneLowHigh},
    MetricSpec{"MVI", kModifiedNoneLowHigh},
    MetricSpec{"MVA", kModifiedNoneLowHigh},
    MetricSpec{"MSC", kModifiedNoneLowHigh},
    MetricSpec{"MSI", kV4ModifiedSubsequent},
    MetricSpec{"MSA", kV4ModifiedSubsequent},
    MetricSpec{"S", kV4Safety},
    MetricSpec{"AU", kV4Automatable},
    MetricSpec{"R", kV4Recovery},
    MetricSpec{"V", kV4ValueDensity},
    MetricSpec{"RE", kV4Effort},
    MetricSpec{"U", kV4Urgency},
};

// The most metrics any version defines; a parsed vector holds one value slot per metric.
constexpr std::size_t kMaxMetrics = 32;
static_assert(kV3Metrics.size() <= kMaxMetrics && kV2Metrics.size() <= kMaxMetrics &&
              kV4Metrics.size() <= kMaxMetrics);

// The value of each metric (by its index in the spec table), empty when not given.
using MetricValues = std::array<std::string_view, kMaxMetrics>;

Error InvalidVector(std::string_view vector, std::string_view why) {
  return Error::BadRequest(fmt::format("The CVSS vector \"{}\" is invalid: {}.", vector, why),
                           "invalidCvssVector");
}

// Splits `body` ("AV:N/AC:L/…") into the slots of `specs`, refusing anything malformed.
Result<MetricValues> ParseMetrics(std::string_view vector, std::string_view body,
                                  std::span<const MetricSpec> specs, std::string_view label) {
  MetricValues values{};
  if (body.empty()) return Fail(InvalidVector(vector, "it has no metrics"));
  while (true) {
    const std::size_t slash = body.find('/');
    const std::string_view part = body.substr(0, slash);
    const std::size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) {
      return Fail(InvalidVector(
          vector, fmt::format("\"{}\" is not of the form METRIC:VALUE", part.substr(0, 40))));
    }
    const std::string_view name = part.substr(0, colon);
    const std::string_view value = part.substr(colon + 1);
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const MetricSpec& candidate) {
      return candidate.name == name;
    });
    if (spec == specs.end()) {
      return Fail(InvalidVector(
          vector, fmt::format("\"{}\" is not a {} metric", name.substr(0, 40), label)));
    }
    const std::size_t slot = static_cast<std::size_t>(spec - specs.begin());
    if (!values[slot].empty()) {
      return Fail(InvalidVector(vector, fmt::format("the metric {} is given twice", name)));
    }
    if (std::find(spec->values.begin(), spec->values.end(), value) == spec->values.end()) {
      return Fail(InvalidVector(vector, fmt::format("\"{}\" is not a value of the metric {}",
                                                    value.substr(0, 40), name)));
    }
    values[slot] = value;
    if (slash == std::string_view::npos) break;
    body.remove_prefix(slash + 1);
    if (body.empty()) return Fail(InvalidVector(vector, "it ends with \"/\""));
  }
  for (std::size_t slot = 0; slot < specs.size(); ++slot) {
    if (specs[slot].required && values[slot].empty()) {
      return Fail(
          InvalidVector(vector, fmt::format("the base metric {} is missing", specs[slot].name)));
    }
  }
  return values;
}

// The value of metric `name` in `values` (parsed against `specs`), empty when not given.
std::string_view ValueOf(const MetricValues& values, std::span<const MetricSpec> specs,
                         std::string_view name) {
  for (std::size_t slot = 0; slot < specs.size(); ++slot) {
    if (specs[slot].name == name) return values[slot];
  }
  return {};
}

// Roundup as CVSS v3.1 defines it (Appendix A): exact on the first decimal, free of the
// floating-point error that makes 4.000000001 round up to 4.1.
double RoundupV31(double input) {
  const auto int_input = static_cast<std::int64_t>(std::llround(input * 100000.0));
  if (int_input % 10000 == 0) return static_cast<double>(int_input) / 100000.0;
  return static_cast<double>(int_input / 10000 + 1) / 10.0;
}

// Roundup as the CVSS v3.0 specification and FIRST's v3.0 calculator apply it: ceil(x × 10) / 10
// in floating point (so 9.200000000000001 becomes 9.3, where v3.1 gives 9.2).
double RoundupV30(double input) { return std::ceil(input * 10.0) / 10.0; }

double AttackVectorWeight(std::string_view value) {
  if (value == "N") return 0.85;
  if (value == "A") return 0.62;
  if (value == "L") return 0.55;
  return 0.2;  // P
}

double AttackComplexityWeight(std::string_view value) { return value == "L" ? 0.77 : 0.44; }

double PrivilegesWeight(std::string_view value, bool scope_changed) {
  if (value == "N") return 0.85;
  if (value == "L") return scope_changed ? 0.68 : 0.62;
  return scope_changed ? 0.5 : 0.27;  // H
}

double UserInteractionWeight(std::string_view value) { return value == "N" ? 0.85 : 0.62; }

double ImpactWeight(std::string_view value) {
  if (value == "H") return 0.56;
  if (value == "L") return 0.22;
  return 0.0;  // N
}

double ExploitMaturityWeight(std::string_view value) {
  if (value == "F") return 0.97;
  if (value == "P") return 0.94;
  if (value == "U") return 0.91;
  return 1.0;  // X, H
}

double RemediationLevelWeight(std::string_view value) {
  if (value == "W") return 0.97;
  if (value == "T") return 0.96;
  if (value == "O") return 0.95;
  return 1.0;  // X, U
}

double ReportConfidenceWeight(std::string_view value) {
  if (value == "R") return 0.96;
  if (value == "U") return 0.92;
  return 1.0;  // X, C
}

double RequirementWeight(std::string_view value) {
  if (value == "H") return 1.5;
  if (value == "L") return 0.5;
  return 1.0;  // X, M
}

// A modified metric's value, falling back to the base metric when absent or "X".
std::string_view Modified(const MetricValues& values, std::string_view modified_name,
                          std::string_view base_name) {
  const std::string_view modified = ValueOf(values, kV3Metrics, modified_name);
  if (modified.empty() || modified == "X") return ValueOf(values, kV3Metrics, base_name);
  return modified;
}

}  // namespace

Result<CvssV3> ScoreCvssV3(std::string_view vector) {
  CvssV3 result;
  std::string_view body;
  if (vector.starts_with("CVSS:3.1/")) {
    result.version = CvssVersion::kV31;
    body = vector.substr(9);
  } else if (vector.starts_with("CVSS:3.0/")) {
    result.version = CvssVersion::kV30;
    body = vector.substr(9);
  } else {
    return Fail(
        InvalidVector(vector, "a CVSS v3 vector starts with \"CVSS:3.0/\" or \"CVSS:3.1/\""));
  }
  Result<MetricValues> parsed = ParseMetrics(vector, body, kV3Metrics, "CVSS v3");
  if (!parsed) return Fail(std::move(parsed.error()));
  const MetricValues& values = *parsed;
  const auto value = [&](std::string_view name) { return ValueOf(values, kV3Metrics, name); };
  const bool v31 = result.version == CvssVersion::kV31;
  const auto roundup = v31 ? RoundupV31 : RoundupV30;

  // Base.
  const bool scope_changed = value("S") == "C";
  const double iss = 1.0 - (1.0 - ImpactWeight(value("C"))) * (1.0 - ImpactWeight(value("I"))) *
                               (1.0 - ImpactWeight(value("A")));
  const double impact =
      scope_changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability =
      8.22 * AttackVectorWeight(value("AV")) * AttackComplexityWeight(value("AC")) *
      PrivilegesWeight(value("PR"), scope_changed) * UserInteractionWeight(value("UI"));
  if (impact <= 0) {
    result.base_score = 0;
  } else if (scope_changed) {
    result.base_score = roundup(std::min(1.08 * (impact + exploitability), 10.0));
  } else {
    result.base_score = roundup(std::min(impact + exploitability, 10.0));
  }
  result.impact_subscore = impact;
  result.exploitability_subscore = exploitability;

  // Temporal.
  const double temporal_factor = ExploitMaturityWeight(value("E")) *
                                 RemediationLevelWeight(value("RL")) *
                                 ReportConfidenceWeight(value("RC"));
  const auto given = [&](std::initializer_list<std::string_view> names) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view name) {
      return !value(name).empty() && value(name) != "X";
    });
  };
  // Without temporal metrics the temporal score is the base score itself (and not a Roundup of
  // it, which v3.0's floating-point Roundup could push up by 0.1).
  const bool has_temporal = given({"E", "RL", "RC"});
  result.temporal_score =
      has_temporal ? roundup(result.base_score * temporal_factor) : result.base_score;
  if (!given({"CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"})) {
    result.environmental_score = result.temporal_score;
    return result;
  }

  // Environmental (v3.1 changed the scope-changed modified impact: 0.9731 and the 13th power).
  const bool modified_scope_changed = Modified(values, "MS", "S") == "C";
  const double miss = std::min(
      1.0 - (1.0 - RequirementWeight(value("CR")) * ImpactWeight(Modified(values, "MC", "C"))) *
                (1.0 - RequirementWeight(value("IR")) * ImpactWeight(Modified(values, "MI", "I"))) *
                (1.0 - RequirementWeight(value("AR")) * ImpactWeight(Modified(values, "MA", "A"))),
      0.915);
  double modified_impact = 6.42 * miss;
  if (modified_scope_changed) {
    modified_impact = v31 ? 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13)
                          : 7.52 * (miss - 0.029) - 3.25 * std::pow(miss - 0.02, 15);
  }
  const double modified_exploitability =
      8.22 * AttackVectorWeight(Modified(values, "MAV", "AV")) *
      AttackComplexityWeight(Modified(values, "MAC", "AC")) *
      PrivilegesWeight(Modified(values, "MPR", "PR"), modified_scope_changed) *
      UserInteractionWeight(Modified(values, "MUI", "UI"));
  if (modified_impact <= 0) {
    result.environmental_score = 0;
  } else {
    const double sum = modified_scope_changed
                           ? std::min(1.08 * (modified_impact + modified_exploitability), 10.0)
                           : std::min(modified_impact + modified_exploitability, 10.0);
    result.environmental_score = roundup(roundup(sum) * temporal_factor);
  }
  return result;
}

Result<double> ScoreCvssV2(std::string_view vector) {
  if (vector.starts_with("CVSS:")) {
    return Fail(InvalidVector(vector, "a CVSS v2 vector has no \"CVSS:\" prefix"));
  }
  Result<MetricValues> parsed = ParseMetrics(vector, vector, kV2Metrics, "CVSS v2");
  if (!parsed) return Fail(std::move(parsed.error()));
  const auto value = [&](std::string_view name) { return ValueOf(*parsed, kV2Metrics, name); };
  const auto impact_weight = [](std::string_view level) {
    if (level == "C") return 0.660;
    if (level == "P") return 0.275;
    return 0.0;
  };
  const double access_vector = value("AV") == "N" ? 1.0 : value("AV") == "A" ? 0.646 : 0.395;
  const double access_complexity = value("AC") == "L" ? 0.71 : value("AC") == "M" ? 0.61 : 0.35;
  const double authentication = value("Au") == "N" ? 0.704 : value("Au") == "S" ? 0.56 : 0.45;
  const double impact =
      10.41 * (1.0 - (1.0 - impact_weight(value("C"))) * (1.0 - impact_weight(value("I"))) *
                         (1.0 - impact_weight(value("A"))));
  const double exploitability = 20.0 * access_vector * access_complexity * authentication;
  const double f_impact = impact == 0 ? 0.0 : 1.176;
  const double base = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact;
  return std::round(base * 10.0) / 10.0;
}

Result<void> ValidateCvssV4(std::string_view vector) {
  if (!vector.starts_with("CVSS:4.0/")) {
    return Fail(InvalidVector(vector, "a CVSS v4 vector starts with \"CVSS:4.0/\""));
  }
  Result<MetricValues> parsed = ParseMetrics(vector, vector.substr(9), kV4Metrics, "CVSS v4");
  if (!parsed) return Fail(std::move(parsed.error()));
  return {};
}

std::string_view CvssRating(double score) {
  if (score <= 0) return "NONE";
  if (score < 4.0) return "LOW";
  if (score < 7.0) return "MEDIUM";
  if (score < 9.0) return "HIGH";
  return "CRITICAL";
}

std::optional<FindingSeverity> FindFindingSeverity(const Record& record, const Affected* affected) {
  const auto first_valid =
      [](const std::vector<Severity>& severities) -> std::optional<FindingSeverity> {
    for (const Severity& severity : severities) {
      if (severity.type != SeverityType::kCvssV3) continue;
      Result<CvssV3> scored = ScoreCvssV3(severity.score);
      if (scored) return FindingSeverity{scored->base_score, severity.score};
    }
    return std::nullopt;
  };
  if (affected != nullptr) {
    if (std::optional<FindingSeverity> found = first_valid(affected->severity)) return found;
  }
  return first_valid(record.severity);
}

}  // namespace sg::advisory
