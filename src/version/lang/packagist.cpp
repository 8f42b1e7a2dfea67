// Packagist: PHP's version_compare() as OSV and osv-scalibr apply it to Composer versions
// (semantic/version-packagist.go): a leading "v" or "V" is dropped, "-", "_" and "+" become
// ".", a "." goes between digits and letters, and the dot-separated parts compare as numbers or
// as the special words dev < alpha = a < beta = b < RC = rc < # < pl = p.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

using internal::IsDigit;

constexpr std::string_view kEcosystem = "Packagist";

std::vector<std::string> Canonicalize(std::string_view text) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  if (!text.empty() && text.front() == 'V') text.remove_prefix(1);
  std::string canonical;
  for (std::size_t index = 0; index < text.size(); ++index) {
    char c = text[index];
    if (c == '-' || c == '_' || c == '+') c = '.';
    if (!canonical.empty()) {
      const char previous = canonical.back();
      const bool previous_other = !IsDigit(previous) && previous != '.';
      const bool current_other = !IsDigit(c) && c != '.';
      if ((previous_other && IsDigit(c)) || (IsDigit(previous) && current_other)) {
        canonical.push_back('.');
      }
    }
    canonical.push_back(c);
  }
  std::vector<std::string> parts;
  for (const std::string_view part : internal::Split(canonical, '.')) parts.emplace_back(part);
  return parts;
}

// weighPackagistBuildCharacter: by prefix; an unknown word weighs as much as "dev".
int Weigh(std::string_view word) {
  if (word.starts_with("RC")) return 3;
  constexpr std::string_view kSpecials[] = {"dev", "a", "b", "rc", "#", "p"};
  for (std::size_t index = 0; index < std::size(kSpecials); ++index) {
    if (word.starts_with(kSpecials[index])) return static_cast<int>(index);
  }
  return 0;
}

int CompareSpecial(std::string_view a, std::string_view b) {
  const int left = Weigh(a);
  const int right = Weigh(b);
  return (left > right) - (left < right);
}

// comparePackagistComponents. Where one list is longer, osv-scalibr compares the rest against
// ["#"] recursively; this loops instead, so a long version cannot exhaust the stack. A numeric
// tail part makes the longer version greater, as in PHP (osv-scalibr's strconv.Atoi check
// misses numbers past 64 bits; they count as numbers here).
int CompareParts(std::span<const std::string> a, std::span<const std::string> b) {
  static const std::string kHash = "#";
  const std::span<const std::string> hash(&kHash, 1);
  while (true) {
    const std::size_t common = std::min(a.size(), b.size());
    for (std::size_t index = 0; index < common; ++index) {
      const bool a_number = internal::IsAllDigits(a[index]);
      const bool b_number = internal::IsAllDigits(b[index]);
      int order = 0;
      if (a_number && b_number) {
        order = internal::CompareDigits(a[index], b[index]);
      } else if (!a_number && !b_number) {
        order = CompareSpecial(a[index], b[index]);
      } else if (a_number) {
        order = CompareSpecial("#", b[index]);
      } else {
        order = CompareSpecial(a[index], "#");
      }
      if (order != 0) return order;
    }
    if (a.size() > b.size()) {
      if (internal::IsAllDigits(a[b.size()])) return 1;
      a = a.subspan(b.size());
      b = hash;
    } else if (a.size() < b.size()) {
      if (internal::IsAllDigits(b[a.size()])) return -1;
      b = b.subspan(a.size());
      a = hash;
    } else {
      return 0;
    }
  }
}

Result<std::vector<std::string>> ParsePackagist(std::string_view text) {
  if (text.empty()) return Fail(internal::InvalidVersion(kEcosystem, text, "it is empty"));
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return Fail(internal::InvalidVersion(
          kEcosystem, text, "it may hold only printable ASCII characters and no spaces"));
    }
  }
  return Canonicalize(text);
}

}  // namespace

Result<int> ComparePackagist(std::string_view a, std::string_view b) {
  Result<std::vector<std::string>> left = ParsePackagist(a);
  if (!left) return Fail(std::move(left.error()));
  Result<std::vector<std::string>> right = ParsePackagist(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareParts(*left, *right);
}

}  // namespace sg::version::lang
