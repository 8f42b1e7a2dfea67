#include "vuln/cpe_index.hpp"

#include <algorithm>
#include <utility>

namespace sg::vuln {
namespace {

std::string Lower(std::string text) {
  for (char& character : text) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return text;
}

/// A value that names one thing: a value string without wildcards.
bool IsConcrete(const cpe::AttributeValue& value) {
  return value.IsValue() && !value.HasWildcards();
}

}  // namespace

std::optional<CpeTarget> CpeTargetOf(std::span<const std::string_view> cpes) {
  for (const std::string_view text : cpes) {
    auto wfn = cpe::ParseCpe(text);
    if (!wfn || !IsConcrete(wfn->vendor) || !IsConcrete(wfn->product)) continue;
    CpeTarget target;
    target.key = Lower(wfn->vendor.Unquoted()) + ":" + Lower(wfn->product.Unquoted());
    if (IsConcrete(wfn->version)) target.version = wfn->version.Unquoted();
    target.wfn = std::move(*wfn);
    target.cpe = text;
    return target;
  }
  return std::nullopt;
}

std::vector<cpe::MatchCriterion> VulnerableCriteriaOf(const advisory::NvdCve& cve,
                                                      std::size_t* unreadable) {
  std::vector<cpe::MatchCriterion> criteria;
  std::vector<const advisory::NvdCpeMatch*> seen;
  for (const advisory::NvdConfiguration& configuration : cve.configurations) {
    for (const advisory::NvdNode& node : configuration.nodes) {
      for (const advisory::NvdCpeMatch& match : node.cpe_match) {
        if (!match.vulnerable) continue;
        const bool repeated = std::any_of(seen.begin(), seen.end(), [&](const auto* other) {
          return other->criteria == match.criteria &&
                 other->version_start_including == match.version_start_including &&
                 other->version_start_excluding == match.version_start_excluding &&
                 other->version_end_including == match.version_end_including &&
                 other->version_end_excluding == match.version_end_excluding;
        });
        if (repeated) continue;
        auto wfn = cpe::ParseCpe(match.criteria);
        if (!wfn) {
          if (unreadable) ++*unreadable;
          continue;
        }
        seen.push_back(&match);
        criteria.push_back({std::move(*wfn), match.version_start_including,
                            match.version_start_excluding, match.version_end_including,
                            match.version_end_excluding});
      }
    }
  }
  return criteria;
}

std::uint32_t CpeIndex::Add(std::string id, std::vector<cpe::MatchCriterion> criteria,
                            std::optional<advisory::FindingSeverity> severity) {
  Remove(id);
  const auto record = static_cast<std::uint32_t>(records_.size());
  record_of_id_[id] = record;
  records_.push_back({std::move(id), std::move(severity)});
  std::vector<std::uint32_t>& numbers = record_criteria_.emplace_back();
  for (cpe::MatchCriterion& match : criteria) {
    const auto number = static_cast<std::uint32_t>(criteria_.size());
    if (IsConcrete(match.criteria.product)) {
      by_product_[Lower(match.criteria.product.Unquoted())].push_back(number);
    } else {
      patterned_.push_back(number);
    }
    criteria_.push_back({record, std::move(match)});
    numbers.push_back(number);
  }
  return record;
}

bool CpeIndex::Remove(std::string_view id) {
  const auto found = record_of_id_.find(std::string(id));
  if (found == record_of_id_.end()) return false;
  for (const std::uint32_t number : record_criteria_[found->second]) {
    const cpe::Wfn& criteria = criteria_[number].match.criteria;
    if (IsConcrete(criteria.product)) {
      const auto list = by_product_.find(Lower(criteria.product.Unquoted()));
      if (list != by_product_.end()) {
        std::erase(list->second, number);
        if (list->second.empty()) by_product_.erase(list);
      }
    } else {
      std::erase(patterned_, number);
    }
  }
  record_criteria_[found->second].clear();
  record_of_id_.erase(found);
  ++removed_;
  return true;
}

std::vector<std::uint32_t> CpeIndex::Match(const cpe::Wfn& target) const {
  std::vector<std::uint32_t> records;
  auto check = [&](std::uint32_t number) {
    const Criterion& criterion = criteria_[number];
    if (!records.empty() && records.back() == criterion.record) return;
    if (cpe::IsApplicable(criterion.match, target)) records.push_back(criterion.record);
  };
  if (IsConcrete(target.product)) {
    if (const auto found = by_product_.find(Lower(target.product.Unquoted()));
        found != by_product_.end()) {
      for (const std::uint32_t number : found->second) check(number);
    }
  }
  for (const std::uint32_t number : patterned_) check(number);
  std::sort(records.begin(), records.end());
  records.erase(std::unique(records.begin(), records.end()), records.end());
  return records;
}

}  // namespace sg::vuln
