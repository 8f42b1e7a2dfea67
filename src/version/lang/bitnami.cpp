// Bitnami: osv-scalibr orders Bitnami versions with its lenient "semver-like" parser
// (semantic/version-semver-like.go, version-semver.go): an optional "v", numbers separated by
// '.', and everything from the first other character on as a suffix. The first three numbers are
// the version (missing ones are 0); a suffix like Bitnami's revision in "1.2.3-4" compares as a
// SemVer prerelease, so 1.2.3-4 < 1.2.3, as OSV has it.
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

using internal::IsDigit;

constexpr std::string_view kEcosystem = "Bitnami";

struct SemVerLike {
  std::vector<std::string_view> components;  // at most three
  std::string suffix;
};

Result<SemVerLike> ParseBitnami(std::string_view text) {
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == 'v') rest.remove_prefix(1);
  if (rest.empty() || !IsDigit(rest.front())) {
    return Fail(internal::InvalidVersion(kEcosystem, text, "it must start with a number"));
  }
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return Fail(internal::InvalidVersion(
          kEcosystem, text, "it may hold only printable ASCII characters and no spaces"));
    }
  }
  SemVerLike version;
  std::vector<std::string_view> components;
  std::size_t position = 0;
  while (position < rest.size()) {
    if (rest[position] == '.') {
      ++position;
      continue;
    }
    if (!IsDigit(rest[position])) break;
    const std::size_t start = position;
    while (position < rest.size() && IsDigit(rest[position])) ++position;
    components.push_back(rest.substr(start, position - start));
  }
  version.suffix = std::string(rest.substr(position));
  // Components past the third are appended to the suffix, as ".N" each.
  std::string extra;
  for (std::size_t index = 3; index < components.size(); ++index) {
    extra += ".";
    extra += internal::StripLeadingZeros(components[index]);
  }
  if (components.size() > 3) components.resize(3);
  version.components = std::move(components);
  version.suffix += extra;
  return version;
}

// big.Int.SetString(s, 10): an optional sign and decimal digits.
bool IsBigInt(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  return internal::IsAllDigits(text);
}

int CompareBigInts(std::string_view a, std::string_view b) {
  const bool a_negative = a[0] == '-';
  const bool b_negative = b[0] == '-';
  if (a[0] == '+' || a[0] == '-') a.remove_prefix(1);
  if (b[0] == '+' || b[0] == '-') b.remove_prefix(1);
  const bool a_zero = internal::StripLeadingZeros(a) == "0";
  const bool b_zero = internal::StripLeadingZeros(b) == "0";
  const int a_sign = a_zero ? 0 : (a_negative ? -1 : 1);
  const int b_sign = b_zero ? 0 : (b_negative ? -1 : 1);
  if (a_sign != b_sign) return a_sign < b_sign ? -1 : 1;
  const int magnitude = internal::CompareDigits(a, b);
  return a_sign < 0 ? -magnitude : magnitude;
}

// compareBuildComponents: metadata after '+' is dropped, a leading '-' too; no suffix sorts
// above any suffix; then dot-separated identifiers as in a SemVer prerelease.
int CompareSuffixes(std::string_view a, std::string_view b) {
  a = a.substr(0, a.find('+'));
  b = b.substr(0, b.find('+'));
  if (a.starts_with('-')) a.remove_prefix(1);
  if (b.starts_with('-')) b.remove_prefix(1);
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;
  const std::vector<std::string_view> left = internal::Split(a, '.');
  const std::vector<std::string_view> right = internal::Split(b, '.');
  const std::size_t common = std::min(left.size(), right.size());
  for (std::size_t index = 0; index < common; ++index) {
    const bool a_number = IsBigInt(left[index]);
    const bool b_number = IsBigInt(right[index]);
    int order = 0;
    if (a_number && b_number) {
      order = CompareBigInts(left[index], right[index]);
    } else if (a_number != b_number) {
      order = a_number ? -1 : 1;
    } else {
      order = internal::CompareBytes(left[index], right[index]);
    }
    if (order != 0) return order;
  }
  return (left.size() > right.size()) - (left.size() < right.size());
}

int CompareSemVerLike(const SemVerLike& a, const SemVerLike& b) {
  for (std::size_t index = 0; index < 3; ++index) {
    const std::string_view left = index < a.components.size() ? a.components[index] : "0";
    const std::string_view right = index < b.components.size() ? b.components[index] : "0";
    if (int order = internal::CompareDigits(left, right)) return order;
  }
  return CompareSuffixes(a.suffix, b.suffix);
}

}  // namespace

Result<int> CompareBitnami(std::string_view a, std::string_view b) {
  Result<SemVerLike> left = ParseBitnami(a);
  if (!left) return Fail(std::move(left.error()));
  Result<SemVerLike> right = ParseBitnami(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareSemVerLike(*left, *right);
}

}  // namespace sg::version::lang
