#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "advisory/osv.hpp"
#include "core/error.hpp"

/// Whether a package version is affected by an OSV record, per the schema's evaluation algorithm
/// (https://ossf.github.io/osv-schema/#evaluation). A record is compiled once — each range's
/// events validated and sorted by its ordering, limits reduced to the greatest — and then
/// answers each version with a binary search: a matcher evaluates millions of versions.
namespace sg::advisory {

/// Orders two versions: negative, zero or positive; an error (code "invalidVersion") when either
/// is not a valid version. Generic so that tests and callers can bring their own ordering.
using VersionCompare = Result<int> (*)(std::string_view a, std::string_view b);

/// The orderings a record is compiled with.
struct Orderings {
  /// Ordering of SEMVER ranges. A leading "v" (Go style) is removed before it is called.
  VersionCompare semver = nullptr;
  /// The ordering of ECOSYSTEM ranges of an OSV ecosystem name ("PyPI", "Debian:12"); null for
  /// an ecosystem without one.
  VersionCompare (*ecosystem)(std::string_view osv_ecosystem) = nullptr;
};

/// The orderings of the version module (sg::version): SemVer 2.0.0 for SEMVER ranges, the
/// ecosystem's own for ECOSYSTEM ranges.
const Orderings& DefaultOrderings();

/// One event of a compiled range.
struct CompiledEvent {
  std::string version;
  EventKind kind = EventKind::kIntroduced;
  bool lowest = false;         // introduced "0": before every version, never compared
  bool ties_previous = false;  // orders equal to the event before it
};

/// A range ready for evaluation: events (limits apart) sorted by version, stably, so that events
/// of equal versions keep the record's order.
struct CompiledRange {
  RangeType type = RangeType::kEcosystem;
  /// Null for GIT ranges (never matched by version) and for an ecosystem without an ordering.
  VersionCompare compare = nullptr;
  std::vector<CompiledEvent> timeline;
  /// The greatest `limit` event; versions at or after it are outside the range.
  std::string limit;
  bool has_limit = false;
  std::size_t source_index = 0;  // index in Affected::ranges
};

/// An `affected` entry ready for evaluation.
struct CompiledAffected {
  Package package;
  std::vector<CompiledRange> ranges;
  std::vector<std::string> versions;  // sorted and unique, for exact lookup
  std::size_t source_index = 0;       // index in Record::affected

  /// True when a SEMVER or ECOSYSTEM range has no ordering (its ecosystem is not supported):
  /// such an entry answers only for the versions it lists.
  bool HasUnorderedRanges() const {
    for (const CompiledRange& range : ranges) {
      if (range.type != RangeType::kGit && range.compare == nullptr) return true;
    }
    return false;
  }
};

/// A record ready for evaluation.
struct CompiledRecord {
  std::string id;
  std::vector<std::string> aliases;
  bool withdrawn = false;
  std::vector<CompiledAffected> affected;
};

/// Compiles `affected`. Errors ("invalidAdvisory", `fields` naming each event) when an event
/// version is not valid in its ordering; `subject` names the record in the message.
Result<CompiledAffected> CompileAffected(const Affected& affected,
                                         const Orderings& orderings = DefaultOrderings(),
                                         std::string_view subject = "The advisory",
                                         std::size_t source_index = 0);

/// Compiles every `affected` entry of `record`; one invalid version refuses the whole record.
Result<CompiledRecord> Compile(const Record& record,
                               const Orderings& orderings = DefaultOrderings());

/// The outcome of evaluating one version against one `affected` entry.
struct Evaluation {
  bool affected = false;
  /// When affected: the `fixed` versions of the matching ranges that come after the version,
  /// in the ranges' order, without repeats (the upgrades that remove the flaw).
  std::vector<std::string> fixed;
};

/// Evaluates `version` against `affected`: affected when listed in `versions` or inside a range.
/// GIT ranges are skipped. Errors: "invalidVersion" (the version is not valid in the range's
/// ordering) and "unsupportedEcosystem" (a range that could decide has no ordering), each only
/// when no other part of the entry says the version is affected.
Result<Evaluation> Evaluate(const CompiledAffected& affected, std::string_view version);

/// Evaluate(affected, version).affected.
Result<bool> IsAffected(const CompiledAffected& affected, std::string_view version);

/// Compiles `affected` and evaluates `version` (convenience: compile once to evaluate many).
Result<bool> IsAffected(const Affected& affected, std::string_view version,
                        const Orderings& orderings = DefaultOrderings());

/// One `affected` entry of a record that matches a package version.
struct Match {
  std::size_t affected_index = 0;  // index in Record::affected
  std::vector<std::string> fixed;
};

/// The entries of `record` for package (`ecosystem`, `name`) — compared exactly; the caller
/// normalises names — that say `version` is affected. A withdrawn record matches nothing.
/// Errors as Evaluate, only when nothing matched.
Result<std::vector<Match>> FindMatches(const CompiledRecord& record, std::string_view ecosystem,
                                       std::string_view name, std::string_view version);

}  // namespace sg::advisory
