#include "vuln/matcher.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg::vuln {

void AdvisoryIndex::Add(const advisory::Record& record, std::vector<IndexProblem>* problems) {
  Remove(record.id);
  if (record.IsWithdrawn()) return;
  const auto record_index = static_cast<std::uint32_t>(records_.size());
  std::vector<std::uint32_t> record_entries;
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
    PackageKey package{*ecosystem, NormalizePackageName(*ecosystem, affected.package.name)};
    by_package_[package].push_back(entry_index);
    entries_.push_back({record_index, std::move(*compiled),
                        advisory::FindFindingSeverity(record, &affected), std::move(package)});
    record_entries.push_back(entry_index);
  }
  if (record_entries.empty()) return;
  records_.push_back({record.id, record.aliases});
  record_entries_.push_back(std::move(record_entries));
  record_of_id_[record.id] = record_index;
}

bool AdvisoryIndex::Remove(std::string_view id) {
  const auto found = record_of_id_.find(std::string(id));
  if (found == record_of_id_.end()) return false;
  std::vector<std::uint32_t>& entries = record_entries_[found->second];
  for (const std::uint32_t entry_index : entries) {
    Entry& entry = entries_[entry_index];
    const auto list = by_package_.find(entry.package);
    if (list != by_package_.end()) {
      std::erase(list->second, entry_index);
      if (list->second.empty()) by_package_.erase(list);
    }
    // The compiled ranges are no longer reachable: give their memory back.
    entry.affected = {};
  }
  entries.clear();
  entries.shrink_to_fit();
  record_of_id_.erase(found);
  ++removed_;
  return true;
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
