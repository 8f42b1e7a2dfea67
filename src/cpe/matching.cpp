#include <algorithm>

#include "cpe/cpe.hpp"
#include "cpe/value_tokens.hpp"

namespace sg::cpe {
namespace {

char AsciiLower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

// A source value with wildcards: what may come before and after its literal middle.
struct Pattern {
  enum class Edge { kExact, kAnyRun, kUpTo };
  Edge lead = Edge::kExact;
  std::size_t lead_count = 0;  // for kUpTo: how many '?'
  std::string middle;          // unquoted, lower-case
  Edge trail = Edge::kExact;
  std::size_t trail_count = 0;
};

Pattern ToPattern(const AttributeValue& value) {
  Pattern pattern;
  const auto tokens = detail::TokenizeValue(value.wfn_string());
  if (!tokens) return pattern;
  std::size_t begin = 0;
  std::size_t end = tokens->size();
  if ((*tokens)[0].IsWildcard() && (*tokens)[0].character == '*') {
    pattern.lead = Pattern::Edge::kAnyRun;
    begin = 1;
  } else {
    while (begin < end && (*tokens)[begin].IsWildcard()) ++begin;
    if (begin > 0) {
      pattern.lead = Pattern::Edge::kUpTo;
      pattern.lead_count = begin;
    }
  }
  if (end > begin && (*tokens)[end - 1].IsWildcard() && (*tokens)[end - 1].character == '*') {
    pattern.trail = Pattern::Edge::kAnyRun;
    --end;
  } else {
    while (end > begin && (*tokens)[end - 1].IsWildcard()) --end;
    if (end < tokens->size()) {
      pattern.trail = Pattern::Edge::kUpTo;
      pattern.trail_count = tokens->size() - end;
    }
  }
  for (std::size_t index = begin; index < end; ++index) {
    pattern.middle += AsciiLower((*tokens)[index].character);
  }
  return pattern;
}

std::string Literal(const AttributeValue& value) {
  std::string literal = value.Unquoted();
  std::ranges::transform(literal, literal.begin(), AsciiLower);
  return literal;
}

bool EdgeAllows(Pattern::Edge edge, std::size_t count, std::size_t length) {
  switch (edge) {
    case Pattern::Edge::kExact:
      return length == 0;
    case Pattern::Edge::kAnyRun:
      return true;
    case Pattern::Edge::kUpTo:
      return length <= count;
  }
  return false;
}

bool Matches(const Pattern& pattern, std::string_view target) {
  if (pattern.middle.empty()) {
    // A value of wildcards only: "*", or a run of '?' (taken as the lead).
    return pattern.lead == Pattern::Edge::kAnyRun || target.size() <= pattern.lead_count;
  }
  for (std::size_t position = target.find(pattern.middle); position != std::string_view::npos;
       position = target.find(pattern.middle, position + 1)) {
    const std::size_t after = target.size() - position - pattern.middle.size();
    if (EdgeAllows(pattern.lead, pattern.lead_count, position) &&
        EdgeAllows(pattern.trail, pattern.trail_count, after)) {
      return true;
    }
  }
  return false;
}

bool SamePattern(const AttributeValue& source, const AttributeValue& target) {
  return source.IsValue() && target.IsValue() &&
         std::ranges::equal(source.wfn_string(), target.wfn_string(), {}, AsciiLower, AsciiLower);
}

bool SatisfiesBounds(const MatchCriterion& criterion, std::string_view version) {
  if (criterion.version_start_including &&
      CompareVersions(version, *criterion.version_start_including) < 0) {
    return false;
  }
  if (criterion.version_start_excluding &&
      CompareVersions(version, *criterion.version_start_excluding) <= 0) {
    return false;
  }
  if (criterion.version_end_including &&
      CompareVersions(version, *criterion.version_end_including) > 0) {
    return false;
  }
  if (criterion.version_end_excluding &&
      CompareVersions(version, *criterion.version_end_excluding) >= 0) {
    return false;
  }
  return true;
}

}  // namespace

Relation CompareAttributes(const AttributeValue& source, const AttributeValue& target) {
  if (target.HasWildcards()) return Relation::kUndefined;
  if (source.IsAny()) return target.IsAny() ? Relation::kEqual : Relation::kSuperset;
  if (source.IsNa()) {
    if (target.IsAny()) return Relation::kSubset;
    return target.IsNa() ? Relation::kEqual : Relation::kDisjoint;
  }
  if (target.IsAny()) return Relation::kSubset;
  if (target.IsNa()) return Relation::kDisjoint;
  if (!source.HasWildcards()) {
    return Literal(source) == Literal(target) ? Relation::kEqual : Relation::kDisjoint;
  }
  return Matches(ToPattern(source), Literal(target)) ? Relation::kSuperset : Relation::kDisjoint;
}

std::array<Relation, kAttributeCount> CompareNames(const Wfn& source, const Wfn& target) {
  std::array<Relation, kAttributeCount> relations{};
  for (std::size_t index = 0; index < kAttributeCount; ++index) {
    relations[index] =
        CompareAttributes(source.Get(kAttributes[index]), target.Get(kAttributes[index]));
  }
  return relations;
}

bool IsDisjoint(const Wfn& source, const Wfn& target) {
  return std::ranges::any_of(CompareNames(source, target),
                             [](Relation relation) { return relation == Relation::kDisjoint; });
}

bool IsEqual(const Wfn& source, const Wfn& target) {
  return std::ranges::all_of(CompareNames(source, target),
                             [](Relation relation) { return relation == Relation::kEqual; });
}

bool IsSubset(const Wfn& source, const Wfn& target) {
  return std::ranges::all_of(CompareNames(source, target), [](Relation relation) {
    return relation == Relation::kSubset || relation == Relation::kEqual;
  });
}

bool IsSuperset(const Wfn& source, const Wfn& target) {
  return std::ranges::all_of(CompareNames(source, target), [](Relation relation) {
    return relation == Relation::kSuperset || relation == Relation::kEqual;
  });
}

bool IsApplicable(const MatchCriterion& criterion, const Wfn& target) {
  if (target.product.IsAny() || target.product.IsNa()) return false;
  const auto relations = CompareNames(criterion.criteria, target);
  for (std::size_t index = 0; index < kAttributeCount; ++index) {
    if (relations[index] == Relation::kDisjoint) return false;
    if (relations[index] == Relation::kUndefined) {
      const AttributeValue& source = criterion.criteria.Get(kAttributes[index]);
      if (!source.IsAny() && !SamePattern(source, target.Get(kAttributes[index]))) return false;
    }
  }
  const Relation vendor = relations[static_cast<std::size_t>(Attribute::kVendor)];
  const Relation product = relations[static_cast<std::size_t>(Attribute::kProduct)];
  if ((vendor == Relation::kSubset && product == Relation::kSuperset) ||
      (vendor == Relation::kSuperset && product == Relation::kSubset)) {
    return false;
  }
  const bool bounded = criterion.version_start_including || criterion.version_start_excluding ||
                       criterion.version_end_including || criterion.version_end_excluding;
  if (!bounded) return true;
  if (!target.version.IsValue() || target.version.HasWildcards()) return false;
  return SatisfiesBounds(criterion, target.version.Unquoted());
}

}  // namespace sg::cpe
