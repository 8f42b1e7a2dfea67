#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "advisory/cvss.hpp"
#include "advisory/nvd.hpp"
#include "cpe/cpe.hpp"

/// Matching components that have no usable purl by their CPE names, against the CPE match
/// criteria of NVD CVE records (issue 4: "components without a purl … matched by CPE when
/// present").
namespace sg::vuln {

/// The CPE a component is matched by: the first of its CPEs that parses and names a concrete
/// vendor and product (a CPE whose product is ANY or NA, or has wildcards, names no one thing).
struct CpeTarget {
  cpe::Wfn wfn;
  std::string cpe;  // as the SBOM gives it
  /// "vendor:product", unquoted and lower-case: the package name a CPE finding is kept under.
  std::string key;
  /// The CPE's version, unquoted; empty when it is ANY, NA or has wildcards.
  std::string version;
};

/// The target of a component's CPE list (CycloneDX `cpe`, SPDX CPE external references), or
/// absent when none qualifies.
std::optional<CpeTarget> CpeTargetOf(std::span<const std::string_view> cpes);

/// The vulnerable CPE match criteria of an NVD CVE, from every configuration and node, each
/// once. A criterion whose CPE does not parse is left out and counted in `unreadable` (when
/// given).
std::vector<cpe::MatchCriterion> VulnerableCriteriaOf(const advisory::NvdCve& cve,
                                                      std::size_t* unreadable = nullptr);

/// NVD records compiled for CPE matching: each record's vulnerable CPE match criteria, indexed
/// by product, so that a component's CPE is compared with the criteria that name its product
/// (and the few whose product is a pattern) and nothing else.
///
/// A record matches a target when one of its vulnerable criteria applies to it
/// (cpe::IsApplicable, NISTIR 7696 with NVD's version bounds). The configuration's operators
/// are not evaluated: a component alone cannot show the platform an AND-node asks for, and a
/// finding that may be a false positive is triaged (not_affected with a justification), while a
/// missed one is not seen at all. Dependency-Track matches the same way.
class CpeIndex {
 public:
  /// Adds a record (its id, e.g. "CVE-2017-5638") with its vulnerable criteria; returns its
  /// number. A record without criteria is kept (it matches nothing). A record whose id is
  /// already indexed replaces it.
  std::uint32_t Add(std::string id, std::vector<cpe::MatchCriterion> criteria,
                    std::optional<advisory::FindingSeverity> severity = std::nullopt);

  /// Takes record `id` out: it matches nothing any more (its number is not reused). False when
  /// it is not indexed.
  bool Remove(std::string_view id);

  /// The records with a criterion that applies to `target`, ascending, each once.
  std::vector<std::uint32_t> Match(const cpe::Wfn& target) const;

  const std::string& Id(std::uint32_t record) const { return records_[record].id; }
  const std::optional<advisory::FindingSeverity>& Severity(std::uint32_t record) const {
    return records_[record].severity;
  }
  /// Records indexed, not counting removed ones.
  std::size_t record_count() const { return records_.size() - removed_; }
  std::size_t removed_count() const { return removed_; }
  std::size_t criterion_count() const { return criteria_.size(); }

 private:
  struct Record {
    std::string id;
    std::optional<advisory::FindingSeverity> severity;
  };
  struct Criterion {
    std::uint32_t record = 0;
    cpe::MatchCriterion match;
  };
  std::vector<Record> records_;
  std::vector<std::vector<std::uint32_t>> record_criteria_;      // by record: its criteria
  std::unordered_map<std::string, std::uint32_t> record_of_id_;  // live records only
  std::size_t removed_ = 0;
  std::vector<Criterion> criteria_;
  /// Lower-case unquoted product → criteria naming exactly that product.
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_product_;
  /// Criteria whose product is ANY or a pattern: compared with every target.
  std::vector<std::uint32_t> patterned_;
};

}  // namespace sg::vuln
