#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "advisory/cvss.hpp"
#include "advisory/evaluation.hpp"
#include "advisory/osv.hpp"
#include "vuln/package.hpp"

namespace sg::vuln {

/// What a finding shows of the advisory record that matched.
struct AdvisoryInfo {
  std::string id;
  std::vector<std::string> aliases;
};

/// Why part of a record was left out of the index.
struct IndexProblem {
  std::string record_id;
  std::string code;  // "unsupportedEcosystem", "invalidAdvisory"
  std::string message;
};

/// One record that says a package version is affected.
struct RecordMatch {
  std::uint32_t record = 0;
  /// The fixed versions after the matched version (the upgrades), from every matching entry.
  std::vector<std::string> fixed;
  /// The CVSS v3 severity of the first matching entry (its own, else the record's).
  std::optional<advisory::FindingSeverity> severity;
};

/// Advisory records compiled once and indexed by package, so that matching a package version
/// looks at the records that name its package and nothing else.
class AdvisoryIndex {
 public:
  /// Adds `record`. A withdrawn record is left out. An `affected` entry of an ecosystem that
  /// SupplyGuard cannot order, or whose ranges are broken, is left out and described in
  /// `problems` (when given); the record's other entries still count.
  /// A record whose id is already indexed replaces it (Remove, then Add): a server keeps its
  /// index current with the records an import changed instead of rebuilding it.
  void Add(const advisory::Record& record, std::vector<IndexProblem>* problems = nullptr);

  /// Takes record `id` out of the index: its entries match nothing any more. Its number stays
  /// valid for Info (numbers are never reused). False when it is not indexed.
  bool Remove(std::string_view id);

  /// The records that say `package` is affected, in the order they were added. An error
  /// ("invalidVersion") when the version is not valid in its ecosystem and a record would have
  /// needed to order it.
  Result<std::vector<RecordMatch>> Match(const PackageVersion& package) const;

  const AdvisoryInfo& Info(std::uint32_t record) const { return records_[record]; }
  /// Records indexed, not counting removed ones.
  std::size_t record_count() const { return records_.size() - removed_; }
  /// Records removed (or replaced) since the index was built: what a rebuild would give back.
  std::size_t removed_count() const { return removed_; }
  std::size_t entry_count() const { return entries_.size(); }

  /// Calls `visit(const PackageKey&)` once for each package that an indexed entry names, in no
  /// particular order, so that a caller holding an inventory can look up only the packages of a
  /// batch of new advisories instead of every package it holds.
  template <typename Visit>
  void ForEachPackage(Visit&& visit) const {
    for (const auto& package_entries : by_package_) visit(package_entries.first);
  }
  /// How many distinct packages the indexed entries name.
  std::size_t package_count() const { return by_package_.size(); }

 private:
  struct Entry {
    std::uint32_t record = 0;
    advisory::CompiledAffected affected;
    std::optional<advisory::FindingSeverity> severity;
    PackageKey package;
  };

  std::vector<AdvisoryInfo> records_;
  std::vector<std::vector<std::uint32_t>> record_entries_;       // by record: its entries
  std::unordered_map<std::string, std::uint32_t> record_of_id_;  // live records only
  std::size_t removed_ = 0;
  std::vector<Entry> entries_;
  std::unordered_map<PackageKey, std::vector<std::uint32_t>, PackageKeyHash> by_package_;
};

}  // namespace sg::vuln
