// PEP 440 version specifiers and specifier sets as pypa/packaging (>= 26) evaluates them
// (packaging.specifiers Specifier/SpecifierSet and the ranges of packaging._ranges). Instead of
// building packaging's version ranges, each operator is written as the membership test of its
// range, which answers the same for one version.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

enum class Operator {
  kCompatible,      // ~=
  kEqual,           // ==
  kNotEqual,        // !=
  kLessOrEqual,     // <=
  kGreaterOrEqual,  // >=
  kLess,            // <
  kGreater,         // >
  kArbitraryEqual,  // ===
};

struct Specifier {
  Operator op = Operator::kEqual;
  std::string version_text;              // as written after the operator, stripped
  bool wildcard = false;                 // "==1.2.*" / "!=1.2.*"
  bool has_local = false;                // the version has a "+local" part
  std::optional<Pep440Version> version;  // absent only for "===" with a string that is not PEP 440
};

std::string_view Strip(std::string_view text) { return StripPythonWhitespace(text); }

std::string AsciiLowerCopy(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = AsciiLower(c);
  return lower;
}

Error InvalidSpecifier(std::string_view specifier, std::string_view why) {
  return Error::BadRequest(fmt::format("\"{}\" is not a valid PEP 440 version specifier: {}.",
                                       QuoteForMessage(specifier), why),
                           "invalidSpecifier");
}

// `v?(N!)?N(.N)*`, the only thing "==" and "!=" accept before ".*".
bool IsWildcardBase(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == 'v' || text[pos] == 'V')) ++pos;
  auto digits = [&] {
    const std::size_t start = pos;
    while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos;
    return pos > start;
  };
  const std::size_t epoch_start = pos;
  if (digits() && pos < text.size() && text[pos] == '!') {
    ++pos;
  } else {
    pos = epoch_start;
  }
  if (!digits()) return false;
  while (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (!digits()) return false;
  }
  return pos == text.size();
}

Result<Specifier> ParseSpecifier(std::string_view text) {
  const std::string_view clause = Strip(text);
  auto invalid = [&](std::string_view why) { return Fail(InvalidSpecifier(text, why)); };
  struct Spelling {
    std::string_view text;
    Operator op;
  };
  static constexpr Spelling kSpellings[] = {
      {"===", Operator::kArbitraryEqual},
      {"~=", Operator::kCompatible},
      {"==", Operator::kEqual},
      {"!=", Operator::kNotEqual},
      {"<=", Operator::kLessOrEqual},
      {">=", Operator::kGreaterOrEqual},
      {"<", Operator::kLess},
      {">", Operator::kGreater},
  };
  Specifier specifier;
  std::string_view rest;
  bool found = false;
  for (const Spelling& spelling : kSpellings) {
    if (clause.starts_with(spelling.text)) {
      specifier.op = spelling.op;
      rest = Strip(clause.substr(spelling.text.size()));
      found = true;
      break;
    }
  }
  if (!found) return invalid("it does not start with ~=, ==, !=, <=, >=, <, > or ===");
  specifier.version_text = std::string(rest);

  if (specifier.op == Operator::kArbitraryEqual) {
    // Anything without white space, ';' or ')' (packaging keeps those for markers).
    if (ContainsPythonWhitespace(rest) || rest.find_first_of(";)") != std::string_view::npos) {
      return invalid("the version after === contains white space, ';' or ')'");
    }
    if (Result<Pep440Version> parsed = ParsePep440(rest); parsed)
      specifier.version = std::move(*parsed);
    return specifier;
  }

  const bool equality = specifier.op == Operator::kEqual || specifier.op == Operator::kNotEqual;
  if (equality && rest.ends_with(".*")) {
    const std::string_view base = rest.substr(0, rest.size() - 2);
    if (!IsWildcardBase(base)) return invalid("only a release such as 1.2 may come before .*");
    Result<Pep440Version> parsed = ParsePep440(base);
    if (!parsed) return invalid("the version before .* is not valid");
    specifier.wildcard = true;
    specifier.version = std::move(*parsed);
    return specifier;
  }
  if (rest.empty()) return invalid("the version is missing");
  Result<Pep440Version> parsed = ParsePep440(rest);
  if (!parsed) return invalid("the version is not valid PEP 440");
  specifier.has_local = parsed->local.has_value();
  if (specifier.has_local && !equality) return invalid("only == and != accept a local version");
  if (specifier.op == Operator::kCompatible && parsed->release.size() < 2) {
    return invalid("~= needs a release of at least two numbers");
  }
  specifier.version = std::move(*parsed);
  return specifier;
}

struct SpecifierSet {
  std::vector<Specifier> specifiers;
  bool has_arbitrary = false;  // packaging's substring test for "===" on the whole text
};

Result<SpecifierSet> ParseSpecifierSet(std::string_view text) {
  SpecifierSet set;
  set.has_arbitrary = text.find("===") != std::string_view::npos;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = Strip(text.substr(start, comma - start));
    if (!part.empty()) {
      Result<Specifier> specifier = ParseSpecifier(part);
      if (!specifier) return Fail(std::move(specifier.error()));
      set.specifiers.push_back(std::move(*specifier));
    }
    start = comma + 1;
  }
  return set;
}

Pep440Version WithoutLocal(Pep440Version version) {
  version.local.reset();
  return version;
}

// The smallest version of a release: epoch!release.dev0.
Pep440Version Dev0(const std::string& epoch, std::vector<std::string> release) {
  Pep440Version version;
  version.epoch = epoch;
  version.release = std::move(release);
  version.dev = "0";
  return version;
}

// epoch!(release with its last number raised by one).dev0: the end of a prefix match.
Pep440Version NextPrefixDev0(const std::string& epoch, std::vector<std::string> release) {
  release.back() = IncrementDigits(release.back());
  return Dev0(epoch, std::move(release));
}

// Whether `a` and `b` have the same epoch and the same release once trailing zeros go.
bool SameRelease(const Pep440Version& a, const Pep440Version& b) {
  return a.epoch == b.epoch &&
         ComparePep440(Dev0(a.epoch, a.release), Dev0(b.epoch, b.release)) == 0;
}

// Membership of `candidate` in the range packaging builds for a standard operator.
bool Matches(const Specifier& specifier, const Pep440Version& candidate) {
  const Pep440Version& spec = *specifier.version;
  switch (specifier.op) {
    case Operator::kGreaterOrEqual:
      return ComparePep440(candidate, spec) >= 0;
    case Operator::kLessOrEqual:
      // <=V admits V's local versions (V+anything) as well.
      return ComparePep440(WithoutLocal(candidate), spec) <= 0;
    case Operator::kGreater: {
      if (spec.dev) {
        // >V.devN: the next version above is V.dev(N+1).
        Pep440Version bound = spec;
        bound.dev = IncrementDigits(*spec.dev);
        return ComparePep440(candidate, bound) >= 0;
      }
      if (spec.post) {
        // >V.postN: the next version above is V.post(N+1).dev0.
        Pep440Version bound = spec;
        bound.post = IncrementDigits(*spec.post);
        bound.dev = "0";
        return ComparePep440(candidate, bound) >= 0;
      }
      if (ComparePep440(candidate, spec) <= 0) return false;
      // >V excludes V's local versions and its post-releases (PEP 440).
      const bool in_post_family = SameRelease(candidate, spec) && candidate.pre == spec.pre &&
                                  (!candidate.dev || candidate.post);
      return !in_post_family;
    }
    case Operator::kLess: {
      // <V excludes V's pre-releases unless V is one: the bound is V.dev0.
      Pep440Version bound = spec;
      if (!spec.IsPrerelease()) bound.dev = "0";
      return ComparePep440(candidate, bound) < 0;
    }
    case Operator::kEqual:
    case Operator::kNotEqual: {
      bool equal = false;
      if (specifier.wildcard) {
        equal = ComparePep440(candidate, Dev0(spec.epoch, spec.release)) >= 0 &&
                ComparePep440(candidate, NextPrefixDev0(spec.epoch, spec.release)) < 0;
      } else if (specifier.has_local) {
        equal = ComparePep440(candidate, spec) == 0;
      } else {
        equal = ComparePep440(WithoutLocal(candidate), spec) == 0;
      }
      return specifier.op == Operator::kEqual ? equal : !equal;
    }
    case Operator::kCompatible: {
      // ~=X.Y.Z means >=X.Y.Z and ==X.Y.*.
      std::vector<std::string> prefix(spec.release.begin(), spec.release.end() - 1);
      return ComparePep440(candidate, spec) >= 0 &&
             ComparePep440(candidate, NextPrefixDev0(spec.epoch, std::move(prefix))) < 0;
    }
    case Operator::kArbitraryEqual:
      break;
  }
  return false;
}

// Specifier.contains(item, prereleases=True): "===" compares the text case-insensitively
// (ASCII letters only; Python's str.lower() would also fold other scripts).
bool ContainsIgnoringPrereleases(const Specifier& specifier, std::string_view item,
                                 const std::optional<Pep440Version>& parsed) {
  if (specifier.op == Operator::kArbitraryEqual) {
    return AsciiLowerCopy(item) == AsciiLowerCopy(specifier.version_text);
  }
  return parsed && Matches(specifier, *parsed);
}

// Specifier.prereleases without an explicit setting: whether the specifier itself names a
// pre-release (never for != and ".*"; unknown for "===" on a string that is not PEP 440).
std::optional<bool> ImpliedPrereleases(const Specifier& specifier) {
  if (specifier.op == Operator::kNotEqual) return false;
  if (specifier.op == Operator::kEqual && specifier.wildcard) return false;
  if (!specifier.version) return std::nullopt;
  return specifier.version->IsPrerelease();
}

// SpecifierSet.prereleases: the explicit setting, else true when any specifier names a
// pre-release, else unknown.
std::optional<bool> SetPrereleases(const SpecifierSet& set, const Pep440ContainsOptions& options) {
  if (options.set_prereleases) return options.set_prereleases;
  for (const Specifier& specifier : set.specifiers) {
    if (ImpliedPrereleases(specifier) == true) return true;
  }
  return std::nullopt;
}

bool AllMatch(const SpecifierSet& set, std::string_view item,
              const std::optional<Pep440Version>& parsed) {
  for (const Specifier& specifier : set.specifiers) {
    if (!ContainsIgnoringPrereleases(specifier, item, parsed)) return false;
  }
  return true;
}

std::optional<Pep440Version> TryParse(std::string_view text) {
  Result<Pep440Version> parsed = ParsePep440(text);
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

}  // namespace

Result<void> ValidatePep440Specifier(std::string_view specifier) {
  Result<Specifier> parsed = ParseSpecifier(specifier);
  if (!parsed) return Fail(std::move(parsed.error()));
  return {};
}

Result<std::optional<bool>> Pep440SpecifierImpliesPrereleases(std::string_view specifier) {
  Result<Specifier> parsed = ParseSpecifier(specifier);
  if (!parsed) return Fail(std::move(parsed.error()));
  return ImpliedPrereleases(*parsed);
}

Result<void> ValidatePep440SpecifierSet(std::string_view specifiers) {
  Result<SpecifierSet> parsed = ParseSpecifierSet(specifiers);
  if (!parsed) return Fail(std::move(parsed.error()));
  return {};
}

Result<bool> Pep440SpecifierSetContains(std::string_view specifiers, std::string_view version,
                                        std::optional<bool> prereleases) {
  return Pep440SpecifierSetContains(
      specifiers, version,
      Pep440ContainsOptions{
          .set_prereleases = std::nullopt, .prereleases = prereleases, .installed = false});
}

Result<bool> Pep440SpecifierSetContains(std::string_view specifiers, std::string_view version,
                                        const Pep440ContainsOptions& options) {
  Result<SpecifierSet> set = ParseSpecifierSet(specifiers);
  if (!set) return Fail(std::move(set.error()));
  const std::optional<Pep440Version> parsed = TryParse(version);
  std::optional<bool> prereleases = options.prereleases;
  if (parsed && options.installed && parsed->IsPrerelease()) prereleases = true;
  if (!prereleases) prereleases = SetPrereleases(*set, options);

  // One version on its own: a pre-release is only turned away when pre-releases are refused
  // outright; without a choice, PEP 440 admits it because no final release competes with it.
  const bool refused_prerelease = prereleases == false && parsed && parsed->IsPrerelease();
  if (set->specifiers.empty()) return !refused_prerelease;
  if (!set->has_arbitrary && !parsed) return false;
  return AllMatch(*set, version, parsed) && !refused_prerelease;
}

Result<std::vector<std::string>> Pep440SpecifierSetFilter(std::string_view specifiers,
                                                          const std::vector<std::string>& versions,
                                                          const Pep440ContainsOptions& options) {
  Result<SpecifierSet> set = ParseSpecifierSet(specifiers);
  if (!set) return Fail(std::move(set.error()));
  std::optional<bool> prereleases = options.prereleases;
  if (!prereleases) prereleases = SetPrereleases(*set, options);

  struct Candidate {
    const std::string* text;
    std::optional<Pep440Version> parsed;
  };
  std::vector<Candidate> matched;
  // Without "===", versions that are not PEP 440 never match; with it (or with no specifiers)
  // they can, and then they count as neither final nor pre-release.
  const bool keeps_strings = set->specifiers.empty() || set->has_arbitrary;
  for (const std::string& text : versions) {
    std::optional<Pep440Version> parsed = TryParse(text);
    if (!parsed && !keeps_strings) continue;
    if (!AllMatch(*set, text, parsed)) continue;
    matched.push_back(Candidate{.text = &text, .parsed = std::move(parsed)});
  }

  std::vector<std::string> result;
  if (prereleases.has_value()) {
    for (const Candidate& candidate : matched) {
      if (*prereleases || !candidate.parsed || !candidate.parsed->IsPrerelease()) {
        result.push_back(*candidate.text);
      }
    }
    return result;
  }
  // PEP 440's default: pre-releases only when no final release matched.
  bool any_final = false;
  for (const Candidate& candidate : matched) {
    if (candidate.parsed && !candidate.parsed->IsPrerelease()) any_final = true;
  }
  for (const Candidate& candidate : matched) {
    if (!any_final || !candidate.parsed || !candidate.parsed->IsPrerelease()) {
      result.push_back(*candidate.text);
    }
  }
  return result;
}

}  // namespace sg::version::distro
