#include "vuln/inventory.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <limits>
#include <stdexcept>
#include <thread>

#include "purl/purl.hpp"

namespace sg::vuln {
namespace {

constexpr PairId kNoPair = std::numeric_limits<PairId>::max();

/// Below this many packages a match runs on the calling thread alone: starting a thread costs
/// more than evaluating a few packages.
constexpr std::size_t kPackagesForWorkers = 16;

std::size_t PairHash(PackageId package, std::string_view version) {
  // splitmix64's finaliser over the version's hash and the package id: the table uses the low
  // bits, so they must depend on every input bit.
  std::uint64_t x = std::hash<std::string_view>{}(version) ^
                    (static_cast<std::uint64_t>(package) * 0x9E3779B97F4A7C15ull);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return static_cast<std::size_t>(x);
}

/// Heap bytes a string owns beyond its own object (none while its text fits inline).
std::size_t StringHeap(const std::string& text) {
  return text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
}

/// Heap bytes of an unordered_map's buckets and nodes (libstdc++: a next pointer per node, the
/// hash cached beside keys that are not trivially hashed).
template <typename Map>
std::size_t HashMapBytes(const Map& map) {
  return map.bucket_count() * sizeof(void*) +
         map.size() * (sizeof(typename Map::value_type) + 2 * sizeof(void*));
}

/// Adds `slot` to a sorted holder list. New systems get the highest slot, so a bulk load only
/// appends; a reused slot is inserted in place.
void InsertSlot(std::vector<std::uint32_t>& holders, std::uint32_t slot) {
  if (holders.empty() || holders.back() < slot) {
    holders.push_back(slot);
    return;
  }
  const auto position = std::lower_bound(holders.begin(), holders.end(), slot);
  if (position == holders.end() || *position != slot) holders.insert(position, slot);
}

void EraseSlot(std::vector<std::uint32_t>& holders, std::uint32_t slot) {
  const auto position = std::lower_bound(holders.begin(), holders.end(), slot);
  if (position != holders.end() && *position == slot) holders.erase(position);
}

void SortUnique(std::vector<PairId>& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

}  // namespace

PackageId Inventory::InternPackage(const PackageKey& package) {
  const auto found = package_ids_.find(package);
  if (found != package_ids_.end()) return found->second;
  const auto id = static_cast<PackageId>(packages_.size());
  packages_.push_back(package);
  package_ids_.emplace(package, id);
  package_pairs_.emplace_back();
  return id;
}

std::optional<PairId> Inventory::LookupPair(PackageId package, std::string_view version,
                                            std::size_t hash) const {
  if (pair_table_.empty()) return std::nullopt;
  const std::size_t mask = pair_table_.size() - 1;
  for (std::size_t position = hash & mask;; position = (position + 1) & mask) {
    const PairId pair = pair_table_[position];
    if (pair == kNoPair) return std::nullopt;
    if (pair_package_[pair] == package && Version(pair) == version) return pair;
  }
}

void Inventory::GrowPairTable() {
  // Kept at most half full, so that a miss (a version nobody holds) ends after a probe or two.
  const std::size_t size = std::max<std::size_t>(1024, pair_table_.size() * 2);
  pair_table_.assign(size, kNoPair);
  const std::size_t mask = size - 1;
  for (PairId pair = 0; pair < pair_package_.size(); ++pair) {
    std::size_t position = PairHash(pair_package_[pair], Version(pair)) & mask;
    while (pair_table_[position] != kNoPair) position = (position + 1) & mask;
    pair_table_[position] = pair;
  }
}

PairId Inventory::InternPair(const PackageVersion& package) {
  const PackageId package_id = InternPackage(package.package);
  const std::size_t hash = PairHash(package_id, package.version);
  if (const auto found = LookupPair(package_id, package.version, hash)) return *found;
  if (pair_package_.size() >= kNoPair - 1 ||
      version_bytes_.size() + package.version.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("inventory: too many package versions");
  }
  if ((pair_package_.size() + 1) * 2 > pair_table_.size()) GrowPairTable();
  const auto pair = static_cast<PairId>(pair_package_.size());
  pair_package_.push_back(package_id);
  version_bytes_ += package.version;
  version_offsets_.push_back(static_cast<std::uint32_t>(version_bytes_.size()));
  holders_.emplace_back();
  package_pairs_[package_id].push_back(pair);
  const std::size_t mask = pair_table_.size() - 1;
  std::size_t position = hash & mask;
  while (pair_table_[position] != kNoPair) position = (position + 1) & mask;
  pair_table_[position] = pair;
  return pair;
}

std::uint32_t Inventory::SlotFor(SystemId system, AgencyId agency) {
  const auto found = slot_of_.find(system);
  if (found != slot_of_.end()) {
    systems_[found->second].agency = agency;
    return found->second;
  }
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    if (systems_.size() >= std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("inventory: too many systems");
    }
    slot = static_cast<std::uint32_t>(systems_.size());
    systems_.emplace_back();
  }
  systems_[slot].id = system;
  systems_[slot].agency = agency;
  slot_of_.emplace(system, slot);
  return slot;
}

InventoryChange Inventory::Apply(std::uint32_t slot, std::vector<PairId> pairs) {
  // Both lists are sorted: one merge finds what left and what arrived, and only those touch
  // the holder lists.
  InventoryChange change;
  const std::vector<PairId>& old_pairs = systems_[slot].pairs;
  std::size_t old_index = 0;
  std::size_t new_index = 0;
  while (old_index < old_pairs.size() || new_index < pairs.size()) {
    if (new_index == pairs.size() ||
        (old_index < old_pairs.size() && old_pairs[old_index] < pairs[new_index])) {
      EraseSlot(holders_[old_pairs[old_index]], slot);
      ++change.removed;
      ++old_index;
    } else if (old_index == old_pairs.size() || pairs[new_index] < old_pairs[old_index]) {
      InsertSlot(holders_[pairs[new_index]], slot);
      ++change.added;
      ++new_index;
    } else {
      ++old_index;
      ++new_index;
    }
  }
  components_ = components_ - old_pairs.size() + pairs.size();
  systems_[slot].pairs = std::move(pairs);
  return change;
}

InventoryChange Inventory::ReplaceSystem(SystemId system, AgencyId agency,
                                         std::span<const PackageVersion> components) {
  std::vector<PairId> pairs;
  pairs.reserve(components.size());
  for (const PackageVersion& component : components) pairs.push_back(InternPair(component));
  SortUnique(pairs);
  pairs.shrink_to_fit();
  return Apply(SlotFor(system, agency), std::move(pairs));
}

InventoryChange Inventory::ReplaceSystemPairs(SystemId system, AgencyId agency,
                                              std::vector<PairId> pairs) {
  for (const PairId pair : pairs) {
    if (pair >= pair_count()) throw std::out_of_range("inventory: pair id was never interned");
  }
  SortUnique(pairs);
  return Apply(SlotFor(system, agency), std::move(pairs));
}

bool Inventory::RemoveSystem(SystemId system) {
  const auto found = slot_of_.find(system);
  if (found == slot_of_.end()) return false;
  const std::uint32_t slot = found->second;
  Apply(slot, {});
  systems_[slot] = System{};
  slot_of_.erase(found);
  free_slots_.push_back(slot);
  return true;
}

void Inventory::ShrinkToFit() {
  for (System& system : systems_) system.pairs.shrink_to_fit();
  for (std::vector<std::uint32_t>& holders : holders_) holders.shrink_to_fit();
  for (std::vector<PairId>& pairs : package_pairs_) pairs.shrink_to_fit();
  systems_.shrink_to_fit();
  free_slots_.shrink_to_fit();
  packages_.shrink_to_fit();
  package_pairs_.shrink_to_fit();
  pair_package_.shrink_to_fit();
  version_bytes_.shrink_to_fit();
  version_offsets_.shrink_to_fit();
  holders_.shrink_to_fit();
}

InventoryMatch Inventory::MatchPackages(const AdvisoryIndex& index,
                                        std::span<const PackageId> packages,
                                        unsigned workers) const {
  // A cache line each, so that one worker's appends do not keep invalidating the other's.
  struct alignas(64) Partial {
    std::vector<PairHit> hits;
    std::size_t evaluated = 0;
    std::size_t unreadable = 0;
  };
  std::atomic<std::size_t> next_package{0};
  // Each distinct pair is evaluated once, whatever the number of systems holding it; the
  // workers share nothing but the counter that hands out packages.
  const auto work = [&](Partial& partial) {
    PackageVersion query;
    // One package at a time: the work per package is very uneven (Go's stdlib has hundreds of
    // records and versions, most packages a handful), and a counter increment is nothing
    // beside evaluating a package's versions.
    for (;;) {
      const std::size_t position = next_package.fetch_add(1);
      if (position >= packages.size()) return;
      const PackageId package = packages[position];
      query.package = packages_[package];
      for (const PairId pair : package_pairs_[package]) {
        if (holders_[pair].empty()) continue;
        query.version.assign(Version(pair));
        ++partial.evaluated;
        const auto matches = index.Match(query);
        if (!matches) {
          ++partial.unreadable;
          continue;
        }
        for (const RecordMatch& match : *matches) partial.hits.push_back({pair, match.record});
      }
    }
  };

  const unsigned thread_count =
      packages.size() >= kPackagesForWorkers ? std::max(1u, std::min(workers, 64u)) : 1u;
  std::vector<Partial> partials(thread_count);
  {
    std::vector<std::jthread> helpers;
    for (unsigned helper = 1; helper < thread_count; ++helper) {
      helpers.emplace_back([&, helper] { work(partials[helper]); });
    }
    work(partials[0]);
  }

  InventoryMatch result;
  std::size_t hit_count = 0;
  for (const Partial& partial : partials) hit_count += partial.hits.size();
  result.hits.reserve(hit_count);
  for (Partial& partial : partials) {
    result.pairs_evaluated += partial.evaluated;
    result.unreadable_pairs += partial.unreadable;
    result.hits.insert(result.hits.end(), partial.hits.begin(), partial.hits.end());
  }
  std::sort(result.hits.begin(), result.hits.end(), [](const PairHit& a, const PairHit& b) {
    return a.pair != b.pair ? a.pair < b.pair : a.record < b.record;
  });
  result.hits.erase(std::unique(result.hits.begin(), result.hits.end()), result.hits.end());

  // Fan out: a byte per slot marks the affected systems; each hit pair's holders are walked
  // once however many records hit it.
  std::vector<std::uint8_t> affected(systems_.size(), 0);
  for (std::size_t position = 0; position < result.hits.size(); ++position) {
    const std::vector<std::uint32_t>& holders = holders_[result.hits[position].pair];
    result.findings += holders.size();
    if (position > 0 && result.hits[position - 1].pair == result.hits[position].pair) continue;
    for (const std::uint32_t slot : holders) affected[slot] = 1;
  }
  for (std::uint32_t slot = 0; slot < affected.size(); ++slot) {
    if (affected[slot] == 0) continue;
    result.affected_systems.push_back(systems_[slot].id);
    result.affected_agencies.push_back(systems_[slot].agency);
  }
  std::sort(result.affected_systems.begin(), result.affected_systems.end());
  std::sort(result.affected_agencies.begin(), result.affected_agencies.end());
  result.affected_agencies.erase(
      std::unique(result.affected_agencies.begin(), result.affected_agencies.end()),
      result.affected_agencies.end());
  return result;
}

InventoryMatch Inventory::FullRematch(const AdvisoryIndex& index, unsigned workers) const {
  // The packages that someone holds, those with the most held versions first, so that the
  // last package a worker takes is a small one and neither worker waits long for the other.
  std::vector<std::pair<std::size_t, PackageId>> by_work;
  for (PackageId package = 0; package < packages_.size(); ++package) {
    std::size_t held = 0;
    for (const PairId pair : package_pairs_[package]) held += holders_[pair].empty() ? 0 : 1;
    if (held > 0) by_work.emplace_back(held, package);
  }
  std::sort(by_work.begin(), by_work.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<PackageId> packages;
  packages.reserve(by_work.size());
  for (const auto& [held, package] : by_work) packages.push_back(package);
  return MatchPackages(index, packages, workers);
}

InventoryMatch Inventory::MatchAdvisories(const AdvisoryIndex& batch, unsigned workers) const {
  std::vector<PackageId> packages;
  batch.ForEachPackage([&](const PackageKey& package) {
    if (const auto found = FindPackage(package)) packages.push_back(*found);
  });
  // In id order, so that the work and the result do not depend on the batch's hash order.
  std::sort(packages.begin(), packages.end());
  return MatchPackages(batch, packages, workers);
}

std::vector<PairHit> Inventory::MatchSystem(SystemId system, const AdvisoryIndex& index) const {
  std::vector<PairHit> hits;
  const auto pairs = FindPairs(system);
  if (!pairs) return hits;
  PackageVersion query;
  for (const PairId pair : *pairs) {
    query.package = Package(pair);
    query.version.assign(Version(pair));
    const auto matches = index.Match(query);
    if (!matches) continue;
    const std::size_t first = hits.size();
    for (const RecordMatch& match : *matches) hits.push_back({pair, match.record});
    std::sort(hits.begin() + static_cast<std::ptrdiff_t>(first), hits.end(),
              [](const PairHit& a, const PairHit& b) { return a.record < b.record; });
  }
  return hits;
}

std::vector<PairHit> Inventory::FindingsOf(SystemId system, const InventoryMatch& match) const {
  std::vector<PairHit> findings;
  const auto pairs = FindPairs(system);
  if (!pairs) return findings;
  // A system holds hundreds of pairs and a full re-match has millions of hits: search the hits
  // for each pair rather than walk them all.
  for (const PairId pair : *pairs) {
    const auto [first, last] =
        std::equal_range(match.hits.begin(), match.hits.end(), PairHit{pair, 0},
                         [](const PairHit& a, const PairHit& b) { return a.pair < b.pair; });
    findings.insert(findings.end(), first, last);
  }
  return findings;
}

std::vector<PackageHolding> Inventory::SystemsWithPackage(
    const PackageKey& package, std::optional<std::string_view> version) const {
  std::vector<PackageHolding> holdings;
  const auto package_id = FindPackage(package);
  if (!package_id) return holdings;
  const auto add_holders = [&](PairId pair) {
    for (const std::uint32_t slot : holders_[pair]) {
      holdings.push_back({systems_[slot].id, systems_[slot].agency, pair});
    }
  };
  if (version) {
    if (const auto pair = FindPair(package, *version)) add_holders(*pair);
  } else {
    for (const PairId pair : package_pairs_[*package_id]) add_holders(pair);
  }
  std::sort(holdings.begin(), holdings.end(), [](const PackageHolding& a, const PackageHolding& b) {
    return a.system != b.system ? a.system < b.system : a.pair < b.pair;
  });
  return holdings;
}

std::optional<PackageId> Inventory::FindPackage(const PackageKey& package) const {
  const auto found = package_ids_.find(package);
  if (found == package_ids_.end()) return std::nullopt;
  return found->second;
}

std::optional<PairId> Inventory::FindPair(const PackageKey& package,
                                          std::string_view version) const {
  const auto package_id = FindPackage(package);
  if (!package_id) return std::nullopt;
  return LookupPair(*package_id, version, PairHash(*package_id, version));
}

std::optional<std::span<const PairId>> Inventory::FindPairs(SystemId system) const {
  const auto found = slot_of_.find(system);
  if (found == slot_of_.end()) return std::nullopt;
  return std::span<const PairId>(systems_[found->second].pairs);
}

std::optional<AgencyId> Inventory::FindAgency(SystemId system) const {
  const auto found = slot_of_.find(system);
  if (found == slot_of_.end()) return std::nullopt;
  return systems_[found->second].agency;
}

std::size_t Inventory::MemoryBytes() const {
  std::size_t bytes = sizeof(*this);
  bytes += systems_.capacity() * sizeof(System);
  for (const System& system : systems_) bytes += system.pairs.capacity() * sizeof(PairId);
  bytes += HashMapBytes(slot_of_);
  bytes += free_slots_.capacity() * sizeof(std::uint32_t);
  bytes += packages_.capacity() * sizeof(PackageKey);
  for (const PackageKey& package : packages_) bytes += StringHeap(package.name);
  bytes += HashMapBytes(package_ids_);
  for (const auto& entry : package_ids_) bytes += StringHeap(entry.first.name);
  bytes += package_pairs_.capacity() * sizeof(std::vector<PairId>);
  for (const auto& pairs : package_pairs_) bytes += pairs.capacity() * sizeof(PairId);
  bytes += pair_package_.capacity() * sizeof(PackageId);
  bytes += version_bytes_.capacity() + 1;
  bytes += version_offsets_.capacity() * sizeof(std::uint32_t);
  bytes += pair_table_.capacity() * sizeof(PairId);
  bytes += holders_.capacity() * sizeof(std::vector<std::uint32_t>);
  for (const auto& holders : holders_) bytes += holders.capacity() * sizeof(std::uint32_t);
  return bytes;
}

std::vector<PackageVersion> DocumentPackages::Owned() const {
  std::vector<PackageVersion> owned;
  owned.reserve(packages.size());
  for (const PackageVersionView& package : packages) owned.push_back(package.Owned());
  return owned;
}

DocumentPackages PackagesOfDocument(const sbom::Document& document) {
  DocumentPackages result;
  result.packages.reserve(document.components.size());
  // One of each for every component: their strings' storage is reused.
  purl::PackageUrl parsed;
  PackageVersion package;
  for (const sbom::Component& component : document.components) {
    if (component.purl.empty()) continue;
    if (!purl::ParsePurlInto(component.purl, parsed) || parsed.version.empty()) continue;
    if (!PackageOfPurlInto(parsed, package)) continue;
    result.packages.push_back({package.package.ecosystem, result.arena->Keep(package.package.name),
                               result.arena->Keep(package.version)});
  }
  return result;
}

}  // namespace sg::vuln
