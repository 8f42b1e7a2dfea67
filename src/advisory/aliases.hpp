#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "advisory/osv.hpp"

/// Groups advisory ids that name one flaw: a CVE, a GHSA and a PYSEC record that list each
/// other in `aliases` become one vulnerability. Aliases are symmetric and transitive (OSV
/// schema), so this is a union-find over ids; `related` and `upstream` are not aliases and are
/// not merged.
namespace sg::advisory {

/// The alias groups of a set of records (弱點群組 — one vulnerability under several ids).
class AliasGroups {
 public:
  /// Adds `id` and joins it with each of `aliases`.
  void Add(std::string_view id, std::span<const std::string> aliases);

  /// Adds a record's id and aliases.
  void Add(const Record& record) { Add(record.id, record.aliases); }

  /// The id that stands for the group of `id`: its CVE id when it has one (the smallest, if
  /// several), else its smallest id. Absent for an id never added.
  std::optional<std::string_view> FindRepresentative(std::string_view id);

  /// True when `a` and `b` were both added and belong to one group.
  bool SameGroup(std::string_view a, std::string_view b);

  /// Every id of the group of `id`, sorted; empty for an id never added.
  std::vector<std::string> Members(std::string_view id);

  /// Every group, each sorted, ordered by representative.
  std::vector<std::vector<std::string>> Groups();

  /// The number of ids added.
  std::size_t Size() const { return ids_.size(); }

 private:
  std::uint32_t Intern(std::string_view id);
  std::uint32_t Root(std::uint32_t node);
  void Join(std::uint32_t a, std::uint32_t b);
  std::optional<std::uint32_t> FindNode(std::string_view id) const;

  std::deque<std::string> ids_;  // a deque: the index's views into it stay valid as it grows
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> size_;
  std::vector<std::uint32_t> representative_;  // per root: node of its representative id
};

/// Orders ids for choosing a representative: CVE ids first, then by text.
bool PreferAsRepresentative(std::string_view a, std::string_view b);

}  // namespace sg::advisory
