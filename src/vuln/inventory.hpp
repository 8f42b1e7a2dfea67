#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sbom/model.hpp"
#include "vuln/matcher.hpp"
#include "vuln/package.hpp"

/// The inventory: every system's current components, interned and indexed in memory, so that a
/// new advisory is matched against each distinct package version once and its result fanned
/// out to the systems that hold it.
namespace sg::vuln {

/// A system (資通系統) as the caller knows it: the registry's key, opaque here.
using SystemId = std::uint64_t;
/// An agency (機關) as the caller knows it, so that matches can name the agencies to notify.
using AgencyId = std::uint32_t;
/// A package (ecosystem and normalised name) interned by an Inventory.
using PackageId = std::uint32_t;
/// A (package, version) pair interned by an Inventory. Pairs are never forgotten, so an id
/// stays valid, and means the same pair, for the inventory's whole life.
using PairId = std::uint32_t;

/// One package version and one advisory record that says it is affected: every system holding
/// `pair` has a finding for `record` (AdvisoryIndex::Info of the index that was matched).
struct PairHit {
  PairId pair = 0;
  std::uint32_t record = 0;

  bool operator==(const PairHit&) const = default;
};

/// The outcome of matching an inventory against advisories, kept compact: the hits per
/// distinct package version, not per component. Inventory::FindingsOf and
/// Inventory::ForEachFinding expand it to systems.
struct InventoryMatch {
  /// Sorted by pair, then record; one per (pair, record).
  std::vector<PairHit> hits;
  /// Distinct package versions evaluated against the index.
  std::size_t pairs_evaluated = 0;
  /// Of those, versions the index could not read in their ecosystem ("invalidVersion"): they
  /// are left unmatched, as Scan notes such a component and goes on.
  std::size_t unreadable_pairs = 0;
  /// (system, pair, record) findings the hits stand for.
  std::size_t findings = 0;
  /// Systems with at least one finding, and their agencies; both sorted, without repeats.
  std::vector<SystemId> affected_systems;
  std::vector<AgencyId> affected_agencies;
};

/// A system that holds a package, and which version of it (a system may hold several).
struct PackageHolding {
  SystemId system = 0;
  AgencyId agency = 0;
  PairId pair = 0;

  bool operator==(const PackageHolding&) const = default;
};

/// What a replacement changed, in distinct package versions.
struct InventoryChange {
  std::size_t added = 0;
  std::size_t removed = 0;
};

/// Every system's current components, for matching at national scale (tens of thousands of
/// systems, millions of components).
///
/// Layout: package keys and (package, version) pairs are interned once; a system holds a
/// sorted vector of pair ids (4 bytes a component); the inverse, pair → systems, is a sorted
/// vector of internal system slots per pair (4 bytes a component again), and package → pairs a
/// vector of pair ids per package. Both indexes are kept up to date by every replacement
/// (a diff of the old and new sorted pair lists), so there is no rebuild step and no state
/// that a reader would have to refresh: const methods only read. New systems take the highest
/// slot, so a bulk load only appends to holder lists; replacing a system costs a binary search
/// and a move within the holder list of each pair that changed, not a rebuild of anything.
/// ShrinkToFit after a bulk load gives back what vector growth reserved.
///
/// Thread-compatible: any number of threads may call const methods at once; a mutation needs
/// exclusive access (a server holds it under a shared_mutex, or swaps in a new copy).
class Inventory {
 public:
  /// Sets `system`'s components to `components` (duplicates count once), in agency `agency`,
  /// creating the system if it is new. Only the difference from its previous components
  /// touches the indexes. Names must be normalised as PackageKey says (PackageOfPurl does).
  InventoryChange ReplaceSystem(SystemId system, AgencyId agency,
                                std::span<const PackageVersion> components);

  /// As ReplaceSystem, with pairs already interned (InternPair); `pairs` need not be sorted.
  InventoryChange ReplaceSystemPairs(SystemId system, AgencyId agency, std::vector<PairId> pairs);

  /// Forgets `system`; false when it is not held.
  bool RemoveSystem(SystemId system);

  /// The id of `package` (normalised as PackageKey says), interning it when new.
  PairId InternPair(const PackageVersion& package);

  /// Gives back the spare capacity that growing vectors keep, after a bulk load; later
  /// replacements grow them again as needed.
  void ShrinkToFit();

  /// Evaluates every distinct package version that some system holds against `index` once,
  /// on `workers` threads (split by package), and fans the hits out to systems.
  InventoryMatch FullRematch(const AdvisoryIndex& index, unsigned workers = 2) const;

  /// Matches a batch of new advisories: evaluates only the held versions of the packages that
  /// `batch` names. Record numbers in the hits are `batch`'s.
  InventoryMatch MatchAdvisories(const AdvisoryIndex& batch, unsigned workers = 1) const;

  /// One system's hits against `index` (what a server does when a new SBOM arrives), sorted by
  /// pair, then record; empty for a system not held.
  std::vector<PairHit> MatchSystem(SystemId system, const AdvisoryIndex& index) const;

  /// The hits of `match` that concern `system` (its findings), sorted as `match.hits`.
  /// `match` must come from this inventory; systems changed since are seen as they are now.
  std::vector<PairHit> FindingsOf(SystemId system, const InventoryMatch& match) const;

  /// Calls `visit(SystemId, AgencyId, const PairHit&)` for every finding of `match`.
  template <typename Visit>
  void ForEachFinding(const InventoryMatch& match, Visit&& visit) const {
    for (const PairHit& hit : match.hits) {
      for (const std::uint32_t slot : holders_[hit.pair]) {
        visit(systems_[slot].id, systems_[slot].agency, hit);
      }
    }
  }

  /// Reverse lookup: the systems that hold `package` (any version, or only `version`), sorted
  /// by system, then pair.
  std::vector<PackageHolding> SystemsWithPackage(
      const PackageKey& package, std::optional<std::string_view> version = std::nullopt) const;

  /// Lookups of interned ids; absent when never seen.
  std::optional<PackageId> FindPackage(const PackageKey& package) const;
  std::optional<PairId> FindPair(const PackageKey& package, std::string_view version) const;

  /// What an interned pair is.
  const PackageKey& Package(PairId pair) const { return packages_[pair_package_[pair]]; }
  std::string_view Version(PairId pair) const {
    return std::string_view(version_bytes_)
        .substr(version_offsets_[pair], version_offsets_[pair + 1] - version_offsets_[pair]);
  }

  /// A held system's pairs (sorted) and agency; absent when not held.
  std::optional<std::span<const PairId>> FindPairs(SystemId system) const;
  std::optional<AgencyId> FindAgency(SystemId system) const;

  std::size_t system_count() const { return slot_of_.size(); }
  /// Components held, counted as distinct package versions per system.
  std::size_t component_count() const { return components_; }
  std::size_t package_count() const { return packages_.size(); }
  std::size_t pair_count() const { return pair_package_.size(); }

  /// The heap the inventory holds, estimated from capacities (hash nodes included).
  std::size_t MemoryBytes() const;

 private:
  struct System {
    SystemId id = 0;
    AgencyId agency = 0;
    std::vector<PairId> pairs;  // sorted, unique
  };
  PackageId InternPackage(const PackageKey& package);
  std::optional<PairId> LookupPair(PackageId package, std::string_view version,
                                   std::size_t hash) const;
  void GrowPairTable();
  std::uint32_t SlotFor(SystemId system, AgencyId agency);
  InventoryChange Apply(std::uint32_t slot, std::vector<PairId> pairs);
  InventoryMatch MatchPackages(const AdvisoryIndex& index, std::span<const PackageId> packages,
                               unsigned workers) const;

  std::vector<System> systems_;                          // by slot
  std::unordered_map<SystemId, std::uint32_t> slot_of_;  // live systems only
  std::vector<std::uint32_t> free_slots_;                // slots of removed systems, for reuse

  std::vector<PackageKey> packages_;  // by PackageId
  std::unordered_map<PackageKey, PackageId, PackageKeyHash> package_ids_;
  std::vector<std::vector<PairId>> package_pairs_;  // by PackageId

  // Pairs. Versions live end to end in one string (pair p is bytes [offsets[p], offsets[p+1])),
  // and the pair table is open addressing over pair ids, hashed from (package, version): a few
  // bytes per pair instead of a hash node and a string each, which matters when the pairs of a
  // real fleet (npm, Maven, distributions) run into the millions.
  std::vector<PackageId> pair_package_;               // by PairId
  std::string version_bytes_;                         // every pair's version, end to end
  std::vector<std::uint32_t> version_offsets_ = {0};  // pair_count() + 1 entries
  std::vector<PairId> pair_table_;                    // power-of-two size, kNoPair when free
  std::vector<std::vector<std::uint32_t>> holders_;   // by PairId: the slots holding it, sorted

  std::size_t components_ = 0;
};

/// The package versions of a document's components that can be matched, in component order;
/// their names and versions live in the arena.
struct DocumentPackages {
  std::unique_ptr<sbom::Arena> arena = std::make_unique<sbom::Arena>();
  std::vector<PackageVersionView> packages;

  /// The packages as owned values (what Inventory::ReplaceSystem takes).
  std::vector<PackageVersion> Owned() const;
};

/// The package versions of `document`'s components that can be matched: those with a purl that
/// parses, has a version and names a supported ecosystem (Scan notes the others), in component
/// order. What the platform stores for a system when its SBOM arrives. Allocates nothing per
/// component: purls are parsed into reused storage and the keys copied into one arena.
DocumentPackages PackagesOfDocument(const sbom::Document& document);

}  // namespace sg::vuln
