#include "advisory/evaluation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "advisory/json_support.hpp"
#include "version/version.hpp"

namespace sg::advisory {
namespace {

using detail::FieldPath;
using detail::IndexPath;

std::string_view WithoutV(std::string_view version) {
  if (version.size() > 1 && version.front() == 'v') version.remove_prefix(1);
  return version;
}

// ---- Default orderings: one plain function per ecosystem, so a compiled range holds a pointer.

template <version::Ecosystem kEcosystem>
Result<int> CompareIn(std::string_view a, std::string_view b) {
  return version::Compare(kEcosystem, a, b);
}

template <std::size_t... kIndex>
constexpr auto MakeEcosystemTable(std::index_sequence<kIndex...>) {
  return std::array<VersionCompare, sizeof...(kIndex)>{
      &CompareIn<static_cast<version::Ecosystem>(kIndex)>...};
}

constexpr std::size_t kEcosystemCount = static_cast<std::size_t>(version::Ecosystem::kSemVer) + 1;
constexpr auto kEcosystemCompares = MakeEcosystemTable(std::make_index_sequence<kEcosystemCount>());

VersionCompare DefaultEcosystemOrdering(std::string_view osv_ecosystem) {
  const std::optional<version::Ecosystem> ecosystem = version::FindEcosystem(osv_ecosystem);
  if (!ecosystem) return nullptr;
  return kEcosystemCompares[static_cast<std::size_t>(*ecosystem)];
}

Result<int> CompareSemVer(std::string_view a, std::string_view b) {
  return version::Compare(version::Ecosystem::kSemVer, a, b);
}

// ---- Evaluation of one range.

enum class RangeOutcome { kOutside, kInside };

// Where `version` falls in `range` (per the OSV algorithm, with a binary search over the sorted
// timeline). On kInside, appends to `fixed` the fixed events after the version.
Result<RangeOutcome> EvaluateRange(const CompiledRange& range, std::string_view version,
                                   std::vector<std::string>& fixed) {
  if (range.has_limit) {
    Result<int> order = range.compare(version, range.limit);
    if (!order) return Fail(std::move(order.error()));
    if (*order >= 0) return RangeOutcome::kOutside;
  }
  const std::vector<CompiledEvent>& timeline = range.timeline;
  // First event not before `version` (events before it all apply). `low_order` keeps the
  // comparison made at the final `low`, so the run of equal events needs no extra one.
  std::size_t low = 0;
  std::size_t high = timeline.size();
  int low_order = 1;
  while (low < high) {
    const std::size_t middle = low + (high - low) / 2;
    int order = -1;
    if (!timeline[middle].lowest) {
      Result<int> compared = range.compare(timeline[middle].version, version);
      if (!compared) return Fail(std::move(compared.error()));
      order = *compared;
    }
    if (order < 0) {
      low = middle + 1;
    } else {
      high = middle;
      low_order = order;
    }
  }
  // Events equal to `version`: introduced and fixed ones apply, last_affected ones do not.
  std::size_t run_end = low;
  if (low < timeline.size() && low_order == 0) {
    run_end = low + 1;
    while (run_end < timeline.size() && timeline[run_end].ties_previous) ++run_end;
  }
  // The last applying event decides; none means the version precedes every introduction.
  std::optional<EventKind> decisive;
  for (std::size_t index = run_end; index > low; --index) {
    if (timeline[index - 1].kind != EventKind::kLastAffected) {
      decisive = timeline[index - 1].kind;
      break;
    }
  }
  if (!decisive && low > 0) decisive = timeline[low - 1].kind;
  if (decisive != EventKind::kIntroduced) return RangeOutcome::kOutside;
  for (std::size_t index = run_end; index < timeline.size(); ++index) {
    if (timeline[index].kind != EventKind::kFixed) continue;
    if (std::find(fixed.begin(), fixed.end(), timeline[index].version) == fixed.end()) {
      fixed.push_back(timeline[index].version);
    }
  }
  return RangeOutcome::kInside;
}

Error UnsupportedEcosystem(std::string_view ecosystem) {
  return Error::BadRequest(
      fmt::format("Versions of the ecosystem \"{}\" cannot be ordered, so its ranges cannot be "
                  "evaluated.",
                  ecosystem),
      "unsupportedEcosystem");
}

// Compiles one range; invalid versions are added to `problems`.
CompiledRange CompileRange(const Range& range, VersionCompare compare, std::size_t source_index,
                           const std::string& path, detail::Problems& problems) {
  CompiledRange compiled;
  compiled.type = range.type;
  compiled.compare = compare;
  compiled.source_index = source_index;
  const bool semver = range.type == RangeType::kSemVer;
  bool unbounded = false;
  std::vector<std::string> limits;
  for (std::size_t index = 0; index < range.events.size(); ++index) {
    const Event& event = range.events[index];
    std::string version(semver ? WithoutV(event.version) : std::string_view(event.version));
    const bool lowest = event.kind == EventKind::kIntroduced && event.version == "0";
    const bool infinite =
        event.kind == EventKind::kLimit && event.version.find('*') != std::string::npos;
    if (compare != nullptr && !lowest && !infinite) {
      Result<int> valid = compare(version, version);
      if (!valid) {
        problems.Add(
            FieldPath(IndexPath(FieldPath(path, "events"), index), EventKindName(event.kind)),
            "invalidVersion", valid.error().message);
        continue;
      }
    }
    if (event.kind == EventKind::kLimit) {
      if (infinite) {
        unbounded = true;
      } else {
        limits.push_back(std::move(version));
      }
      continue;
    }
    compiled.timeline.push_back(CompiledEvent{std::move(version), event.kind, lowest, false});
  }
  if (compare == nullptr) return compiled;  // kept for reference, never evaluated

  // Validated above, so comparisons succeed; a failure would only reorder equal-looking events.
  const auto order = [compare](const CompiledEvent& a, const CompiledEvent& b) {
    if (a.lowest || b.lowest) return a.lowest && !b.lowest;
    Result<int> compared = compare(a.version, b.version);
    return compared && *compared < 0;
  };
  std::stable_sort(compiled.timeline.begin(), compiled.timeline.end(), order);
  for (std::size_t index = 1; index < compiled.timeline.size(); ++index) {
    const CompiledEvent& previous = compiled.timeline[index - 1];
    CompiledEvent& current = compiled.timeline[index];
    if (previous.lowest || current.lowest) {
      current.ties_previous = previous.lowest && current.lowest;
    } else {
      Result<int> compared = compare(previous.version, current.version);
      current.ties_previous = compared && *compared == 0;
    }
  }
  if (!unbounded && !limits.empty()) {
    compiled.has_limit = true;
    compiled.limit = std::move(limits.front());
    for (std::size_t index = 1; index < limits.size(); ++index) {
      Result<int> compared = compare(limits[index], compiled.limit);
      if (compared && *compared > 0) compiled.limit = std::move(limits[index]);
    }
  }
  return compiled;
}

}  // namespace

const Orderings& DefaultOrderings() {
  static const Orderings kDefault{&CompareSemVer, &DefaultEcosystemOrdering};
  return kDefault;
}

Result<CompiledAffected> CompileAffected(const Affected& affected, const Orderings& orderings,
                                         std::string_view subject, std::size_t source_index) {
  detail::Problems problems;
  CompiledAffected compiled;
  compiled.package = affected.package;
  compiled.source_index = source_index;
  compiled.versions = affected.versions;
  std::sort(compiled.versions.begin(), compiled.versions.end());
  compiled.versions.erase(std::unique(compiled.versions.begin(), compiled.versions.end()),
                          compiled.versions.end());
  const std::string path = IndexPath("affected", source_index);
  VersionCompare ecosystem_compare = nullptr;
  if (orderings.ecosystem != nullptr && !affected.package.ecosystem.empty()) {
    ecosystem_compare = orderings.ecosystem(affected.package.ecosystem);
  }
  for (std::size_t index = 0; index < affected.ranges.size(); ++index) {
    const Range& range = affected.ranges[index];
    VersionCompare compare = nullptr;
    if (range.type == RangeType::kSemVer) compare = orderings.semver;
    if (range.type == RangeType::kEcosystem) compare = ecosystem_compare;
    compiled.ranges.push_back(
        CompileRange(range, compare, index, IndexPath(FieldPath(path, "ranges"), index), problems));
  }
  if (!problems.Empty()) return Fail(problems.ToError("invalidAdvisory", subject));
  return compiled;
}

Result<CompiledRecord> Compile(const Record& record, const Orderings& orderings) {
  CompiledRecord compiled;
  compiled.id = record.id;
  compiled.aliases = record.aliases;
  compiled.withdrawn = record.IsWithdrawn();
  const std::string subject = fmt::format("Advisory {}", record.id);
  for (std::size_t index = 0; index < record.affected.size(); ++index) {
    Result<CompiledAffected> affected =
        CompileAffected(record.affected[index], orderings, subject, index);
    if (!affected) return Fail(std::move(affected.error()));
    compiled.affected.push_back(std::move(*affected));
  }
  return compiled;
}

Result<Evaluation> Evaluate(const CompiledAffected& affected, std::string_view version) {
  Evaluation evaluation;
  evaluation.affected =
      std::binary_search(affected.versions.begin(), affected.versions.end(), version);
  std::optional<Error> undecided;
  for (const CompiledRange& range : affected.ranges) {
    if (range.type == RangeType::kGit) continue;
    if (range.compare == nullptr) {
      if (!undecided) undecided = UnsupportedEcosystem(affected.package.ecosystem);
      continue;
    }
    const std::string_view candidate =
        range.type == RangeType::kSemVer ? WithoutV(version) : version;
    Result<RangeOutcome> outcome = EvaluateRange(range, candidate, evaluation.fixed);
    if (!outcome) {
      if (!undecided) undecided = std::move(outcome.error());
      continue;
    }
    if (*outcome == RangeOutcome::kInside) evaluation.affected = true;
  }
  if (!evaluation.affected && undecided) return Fail(std::move(*undecided));
  if (!evaluation.affected) evaluation.fixed.clear();
  return evaluation;
}

Result<bool> IsAffected(const CompiledAffected& affected, std::string_view version) {
  Result<Evaluation> evaluation = Evaluate(affected, version);
  if (!evaluation) return Fail(std::move(evaluation.error()));
  return evaluation->affected;
}

Result<bool> IsAffected(const Affected& affected, std::string_view version,
                        const Orderings& orderings) {
  Result<CompiledAffected> compiled = CompileAffected(affected, orderings);
  if (!compiled) return Fail(std::move(compiled.error()));
  return IsAffected(*compiled, version);
}

Result<std::vector<Match>> FindMatches(const CompiledRecord& record, std::string_view ecosystem,
                                       std::string_view name, std::string_view version) {
  std::vector<Match> matches;
  if (record.withdrawn) return matches;
  std::optional<Error> undecided;
  for (const CompiledAffected& affected : record.affected) {
    if (affected.package.ecosystem != ecosystem || affected.package.name != name) continue;
    Result<Evaluation> evaluation = Evaluate(affected, version);
    if (!evaluation) {
      if (!undecided) undecided = std::move(evaluation.error());
      continue;
    }
    if (evaluation->affected) {
      matches.push_back(Match{affected.source_index, std::move(evaluation->fixed)});
    }
  }
  if (matches.empty() && undecided) return Fail(std::move(*undecided));
  return matches;
}

}  // namespace sg::advisory
