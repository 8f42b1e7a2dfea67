// SemVer 2.0.0 and its two close relatives: Go module versions (golang.org/x/mod/semver) and
// Cargo's semver crate. All three order by SemVer precedence; they differ only in what they accept.
#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

using internal::CompareBytes;
using internal::CompareDigits;
using internal::InvalidVersion;
using internal::IsAllDigits;
using internal::IsDigit;
using internal::IsIdentifier;

struct SemVerRules {
  std::string_view ecosystem;
  bool optional_v = false;    // Go: "v1.2.3" and "1.2.3" are the same version
  bool go_shorthand = false;  // x/mod/semver: "v1" and "v1.2" stand for v1.0.0 and v1.2.0
  std::string_view max_core;  // largest major/minor/patch (empty: unlimited)
};

constexpr SemVerRules kSemVer{
    .ecosystem = "SemVer", .optional_v = false, .go_shorthand = false, .max_core = {}};
constexpr SemVerRules kGo{
    .ecosystem = "Go", .optional_v = true, .go_shorthand = true, .max_core = {}};
// The semver crate keeps major, minor and patch in u64.
constexpr SemVerRules kCargo{.ecosystem = "crates.io",
                             .optional_v = false,
                             .go_shorthand = false,
                             .max_core = "18446744073709551615"};

struct SemVerParts {
  std::string_view major;
  std::string_view minor;
  std::string_view patch;
  std::vector<std::string_view> prerelease;
};

constexpr std::string_view kCoreNames[] = {"major", "minor", "patch"};

// A numeric identifier: "0", or digits without a leading zero.
std::optional<std::string> CheckNumber(std::string_view number, std::string_view name,
                                       const SemVerRules& rules) {
  if (number.empty()) return fmt::format("its {} version is missing", name);
  if (!IsAllDigits(number)) {
    return fmt::format("its {} version '{}' is not a number", name, internal::Printable(number));
  }
  if (number.size() > 1 && number[0] == '0') {
    return fmt::format("its {} version '{}' has a leading zero", name, internal::Printable(number));
  }
  if (!rules.max_core.empty() && !internal::DigitsAtMost(number, rules.max_core)) {
    return fmt::format("its {} version is larger than {}", name, rules.max_core);
  }
  return std::nullopt;
}

Result<SemVerParts> ParseSemVer(std::string_view text, const SemVerRules& rules) {
  if (text.empty()) return Fail(InvalidVersion(rules.ecosystem, text, "it is empty"));
  std::string_view rest = text;
  if (rules.optional_v && rest.front() == 'v') rest.remove_prefix(1);

  // Split off build metadata first ('+' cannot occur before it), then the prerelease (the first
  // '-': the core has none).
  std::string_view build;
  bool has_build = false;
  if (const std::size_t plus = rest.find('+'); plus != std::string_view::npos) {
    build = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
    has_build = true;
  }
  std::string_view prerelease;
  bool has_prerelease = false;
  if (const std::size_t dash = rest.find('-'); dash != std::string_view::npos) {
    prerelease = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
    has_prerelease = true;
  }

  const std::vector<std::string_view> core = internal::Split(rest, '.');
  const bool shorthand = rules.go_shorthand && core.size() < 3 && !has_prerelease && !has_build;
  if (core.size() > 3 || (core.size() < 3 && !shorthand)) {
    return Fail(InvalidVersion(rules.ecosystem, text,
                               rules.go_shorthand
                                   ? "it needs major.minor.patch (or the shorthand vMAJOR or "
                                     "vMAJOR.MINOR without a suffix)"
                                   : "it needs major.minor.patch"));
  }
  SemVerParts parts;
  std::string_view* const targets[] = {&parts.major, &parts.minor, &parts.patch};
  for (std::size_t index = 0; index < 3; ++index) {
    if (index >= core.size()) {
      *targets[index] = "0";
      continue;
    }
    if (auto problem = CheckNumber(core[index], kCoreNames[index], rules)) {
      return Fail(InvalidVersion(rules.ecosystem, text, *problem));
    }
    *targets[index] = core[index];
  }

  if (has_prerelease) {
    for (const std::string_view identifier : internal::Split(prerelease, '.')) {
      if (!IsIdentifier(identifier)) {
        return Fail(InvalidVersion(rules.ecosystem, text,
                                   identifier.empty()
                                       ? "it has an empty prerelease identifier"
                                       : "a prerelease identifier may hold only [0-9A-Za-z-]"));
      }
      if (IsAllDigits(identifier) && identifier.size() > 1 && identifier[0] == '0') {
        return Fail(
            InvalidVersion(rules.ecosystem, text,
                           fmt::format("its numeric prerelease identifier '{}' has a leading zero",
                                       internal::Printable(identifier))));
      }
      parts.prerelease.push_back(identifier);
    }
  }
  if (has_build) {
    for (const std::string_view identifier : internal::Split(build, '.')) {
      if (!IsIdentifier(identifier)) {
        return Fail(InvalidVersion(rules.ecosystem, text,
                                   identifier.empty()
                                       ? "it has an empty build identifier"
                                       : "a build identifier may hold only [0-9A-Za-z-]"));
      }
    }
  }
  return parts;
}

// SemVer 2.0.0 §11: numeric identifiers numerically, below alphanumeric ones, which compare in
// ASCII order; a longer list wins when one is a prefix of the other.
int ComparePrerelease(const std::vector<std::string_view>& a,
                      const std::vector<std::string_view>& b) {
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t index = 0; index < common; ++index) {
    const bool a_numeric = IsAllDigits(a[index]);
    const bool b_numeric = IsAllDigits(b[index]);
    int order = 0;
    if (a_numeric && b_numeric) {
      order = CompareDigits(a[index], b[index]);
    } else if (a_numeric != b_numeric) {
      order = a_numeric ? -1 : 1;
    } else {
      order = CompareBytes(a[index], b[index]);
    }
    if (order != 0) return order;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

int ComparePrecedence(const SemVerParts& a, const SemVerParts& b) {
  if (int order = CompareDigits(a.major, b.major)) return order;
  if (int order = CompareDigits(a.minor, b.minor)) return order;
  if (int order = CompareDigits(a.patch, b.patch)) return order;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

Result<int> CompareWith(const SemVerRules& rules, std::string_view a, std::string_view b) {
  Result<SemVerParts> left = ParseSemVer(a, rules);
  if (!left) return Fail(std::move(left.error()));
  Result<SemVerParts> right = ParseSemVer(b, rules);
  if (!right) return Fail(std::move(right.error()));
  return ComparePrecedence(*left, *right);
}

}  // namespace

Result<int> CompareSemVer(std::string_view a, std::string_view b) {
  return CompareWith(kSemVer, a, b);
}

Result<int> CompareGo(std::string_view a, std::string_view b) { return CompareWith(kGo, a, b); }

// Cargo's semver crate also orders equal-precedence versions by their build metadata (to make
// the order total); OSV and the SemVer spec ignore it, and so does this.
Result<int> CompareCratesIo(std::string_view a, std::string_view b) {
  return CompareWith(kCargo, a, b);
}

}  // namespace sg::version::lang
