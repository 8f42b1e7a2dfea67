#include "vuln/matcher.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg::vuln {

void AdvisoryIndex::Add(const advisory::Record& record, std::vector<IndexProblem>* problems) {
  if (record.IsWithdrawn()) return;
  const auto record_index = static_cast<std::uint32_t>(records_.size());
  bool any_entry = false;
  for (std::size_t index = 0; index < record.affected.size(); ++index) {
    const advisory::Affected& affected = record.affected[index];
    const std::optional<version::Ecosystem> ecosystem =
        version::FindEcosystem(affected.package.ecosystem);
    if (!ecosystem) {
      if (problems != nullptr) {
        problems->push_back(
            {record.id, "unsupportedEcosystem",
             fmt::format("{}: ecosystem '{}' of package '{}' is not supported; "
                         "that entry is not matched",
                         record.id, affected.package.ecosystem, affected.package.name)});
      }
      continue;
    }
    auto compiled =
        advisory::CompileAffected(affected, advisory::DefaultOrderings(), record.id, index);
    if (!compiled) {
      if (problems != nullptr) {
        problems->push_back({record.id, compiled.error().code, compiled.error().message});
      }
      continue;
    }
    const auto entry_index = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(
        {record_index, std::move(*compiled), advisory::FindFindingSeverity(record, &affected)});
    by_package_[PackageKey{*ecosystem, NormalizePackageName(*ecosystem, affected.package.name)}]
        .push_back(entry_index);
    any_entry = true;
  }
  if (any_entry) records_.push_back({record.id, record.aliases});
}

Result<std::vector<RecordMatch>> AdvisoryIndex::Match(const PackageVersion& package) const {
  std::vector<RecordMatch> matches;
  const auto found = by_package_.find(package.package);
  if (found == by_package_.end()) return matches;
  std::optional<Error> failure;
  for (const std::uint32_t entry_index : found->second) {
    const Entry& entry = entries_[entry_index];
    auto evaluation = advisory::Evaluate(entry.affected, package.version);
    if (!evaluation) {
      if (!failure) failure = std::move(evaluation.error());
      continue;
    }
    if (!evaluation->affected) continue;
    // Entries of one record are adjacent in the list (added together): merge them.
    if (!matches.empty() && matches.back().record == entry.record) {
      for (std::string& fixed : evaluation->fixed) {
        if (std::find(matches.back().fixed.begin(), matches.back().fixed.end(), fixed) ==
            matches.back().fixed.end()) {
          matches.back().fixed.push_back(std::move(fixed));
        }
      }
      if (!matches.back().severity) matches.back().severity = entry.severity;
      continue;
    }
    matches.push_back({entry.record, std::move(evaluation->fixed), entry.severity});
  }
  // A version the ecosystem cannot read is an error only when nothing matched regardless.
  if (matches.empty() && failure) return std::unexpected(std::move(*failure));
  return matches;
}

}  // namespace sg::vuln
