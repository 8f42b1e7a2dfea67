#include "advisory/aliases.hpp"

#include <algorithm>
#include <map>

namespace sg::advisory {

bool PreferAsRepresentative(std::string_view a, std::string_view b) {
  const bool a_cve = a.starts_with("CVE-");
  const bool b_cve = b.starts_with("CVE-");
  if (a_cve != b_cve) return a_cve;
  return a < b;
}

std::uint32_t AliasGroups::Intern(std::string_view id) {
  if (const auto found = index_.find(id); found != index_.end()) return found->second;
  const auto node = static_cast<std::uint32_t>(ids_.size());
  ids_.emplace_back(id);
  index_.emplace(ids_.back(), node);
  parent_.push_back(node);
  size_.push_back(1);
  representative_.push_back(node);
  return node;
}

std::optional<std::uint32_t> AliasGroups::FindNode(std::string_view id) const {
  const auto found = index_.find(id);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

std::uint32_t AliasGroups::Root(std::uint32_t node) {
  std::uint32_t root = node;
  while (parent_[root] != root) root = parent_[root];
  // Path compression, iteratively: no recursion however long a chain grows.
  while (parent_[node] != root) {
    const std::uint32_t next = parent_[node];
    parent_[node] = root;
    node = next;
  }
  return root;
}

void AliasGroups::Join(std::uint32_t a, std::uint32_t b) {
  std::uint32_t root_a = Root(a);
  std::uint32_t root_b = Root(b);
  if (root_a == root_b) return;
  if (size_[root_a] < size_[root_b]) std::swap(root_a, root_b);
  parent_[root_b] = root_a;
  size_[root_a] += size_[root_b];
  if (PreferAsRepresentative(ids_[representative_[root_b]], ids_[representative_[root_a]])) {
    representative_[root_a] = representative_[root_b];
  }
}

void AliasGroups::Add(std::string_view id, std::span<const std::string> aliases) {
  const std::uint32_t node = Intern(id);
  for (const std::string& alias : aliases) {
    if (alias.empty()) continue;
    Join(node, Intern(alias));
  }
}

std::optional<std::string_view> AliasGroups::FindRepresentative(std::string_view id) {
  const std::optional<std::uint32_t> node = FindNode(id);
  if (!node) return std::nullopt;
  return std::string_view(ids_[representative_[Root(*node)]]);
}

bool AliasGroups::SameGroup(std::string_view a, std::string_view b) {
  const std::optional<std::uint32_t> node_a = FindNode(a);
  const std::optional<std::uint32_t> node_b = FindNode(b);
  return node_a && node_b && Root(*node_a) == Root(*node_b);
}

std::vector<std::string> AliasGroups::Members(std::string_view id) {
  std::vector<std::string> members;
  const std::optional<std::uint32_t> node = FindNode(id);
  if (!node) return members;
  const std::uint32_t root = Root(*node);
  for (std::uint32_t other = 0; other < ids_.size(); ++other) {
    if (Root(other) == root) members.push_back(ids_[other]);
  }
  std::sort(members.begin(), members.end());
  return members;
}

std::vector<std::vector<std::string>> AliasGroups::Groups() {
  std::map<std::uint32_t, std::vector<std::string>> by_root;
  for (std::uint32_t node = 0; node < ids_.size(); ++node) {
    by_root[Root(node)].push_back(ids_[node]);
  }
  std::vector<std::pair<std::string_view, std::vector<std::string>>> named;
  named.reserve(by_root.size());
  for (auto& [root, members] : by_root) {
    std::sort(members.begin(), members.end());
    named.emplace_back(ids_[representative_[root]], std::move(members));
  }
  std::sort(named.begin(), named.end(),
            [](const auto& a, const auto& b) { return PreferAsRepresentative(a.first, b.first); });
  std::vector<std::vector<std::string>> groups;
  groups.reserve(named.size());
  for (auto& entry : named) groups.push_back(std::move(entry.second));
  return groups;
}

}  // namespace sg::advisory
