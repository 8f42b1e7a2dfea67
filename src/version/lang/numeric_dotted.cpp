// The two ecosystems whose versions are plain lists of non-negative integers, ordered
// lexicographically (a list is below any longer list it starts): Hackage (Cabal's Version parser,
// the Data.Version order) and CRAN (R's package_version).
#include <algorithm>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

using internal::IsAllDigits;

int CompareNumberLists(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t index = 0; index < common; ++index) {
    if (int order = internal::CompareDigits(a[index], b[index])) return order;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

// Cabal (Distribution.Types.Version): digit runs separated by '.', each without a leading zero
// and at most 9 digits long; "-tag" suffixes, which Cabal still reads with a warning, are
// ignored.
Result<std::vector<std::string_view>> ParseHackage(std::string_view text) {
  constexpr std::string_view kEcosystem = "Hackage";
  std::string_view numbers = text;
  if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    numbers = text.substr(0, dash);
    const std::vector<std::string_view> tags = internal::Split(text.substr(dash + 1), '-');
    for (const std::string_view tag : tags) {
      if (tag.empty() ||
          !std::ranges::all_of(tag, [](char c) { return internal::IsAsciiAlnum(c); })) {
        return Fail(internal::InvalidVersion(kEcosystem, text,
                                             "a version tag after '-' must be letters or digits"));
      }
    }
  }
  std::vector<std::string_view> parts = internal::Split(numbers, '.');
  for (const std::string_view part : parts) {
    if (!IsAllDigits(part)) {
      return Fail(internal::InvalidVersion(kEcosystem, text,
                                           "it needs numbers separated by '.', like 1.2.0.3"));
    }
    if (part.size() > 1 && part[0] == '0') {
      return Fail(internal::InvalidVersion(kEcosystem, text, "a number has a leading zero"));
    }
    if (part.size() > 9) {
      return Fail(internal::InvalidVersion(kEcosystem, text, "a number has more than 9 digits"));
    }
  }
  return parts;
}

// R's valid_package_version, ([[:digit:]]+[.-]){1,}[[:digit:]]+: at least two numbers separated
// by '.' or '-'. R stores each as an integer; a larger one turns into NA, refused here.
Result<std::vector<std::string_view>> ParseCran(std::string_view text) {
  constexpr std::string_view kEcosystem = "CRAN";
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t index = 0; index <= text.size(); ++index) {
    if (index == text.size() || text[index] == '.' || text[index] == '-') {
      parts.push_back(text.substr(start, index - start));
      start = index + 1;
    }
  }
  if (parts.size() < 2 || !std::ranges::all_of(parts, IsAllDigits)) {
    return Fail(internal::InvalidVersion(kEcosystem, text,
                                         "it needs at least two numbers separated by '.' or '-'"));
  }
  for (const std::string_view part : parts) {
    if (!internal::DigitsAtMost(part, "2147483647")) {
      return Fail(internal::InvalidVersion(kEcosystem, text,
                                           "a number is larger than R's integers (2147483647)"));
    }
  }
  return parts;
}

template <typename Parser>
Result<int> CompareLists(Parser parse, std::string_view a, std::string_view b) {
  auto left = parse(a);
  if (!left) return Fail(std::move(left.error()));
  auto right = parse(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareNumberLists(*left, *right);
}

}  // namespace

Result<int> CompareHackage(std::string_view a, std::string_view b) {
  return CompareLists(ParseHackage, a, b);
}

Result<int> CompareCran(std::string_view a, std::string_view b) {
  return CompareLists(ParseCran, a, b);
}

}  // namespace sg::version::lang
