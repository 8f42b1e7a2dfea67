// Pub: pub_semver's Version.parse and Version.compareTo. Unlike SemVer 2.0.0, build metadata
// takes part in the order: a version without it sorts before the same version with it, and
// builds compare like prereleases (1.2.3+1 < 1.2.3+2 < 1.2.3+a).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

constexpr std::string_view kEcosystem = "Pub";
constexpr std::string_view kInt64Max = "9223372036854775807";

// One part of a prerelease or build: an int when Dart's int.tryParse reads it ("-1", "0x1f"
// and "007" all do), otherwise the text.
struct Part {
  std::optional<std::int64_t> number;
  std::string_view text;
};

// int.tryParse: an optional sign, then decimal digits or "0x"/"0X" and hex digits, within the
// 64-bit range of the Dart VM.
std::optional<std::int64_t> DartTryParseInt(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text[0] == '-' || text[0] == '+') return std::nullopt;
  std::uint64_t magnitude = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, magnitude, base);
  if (error != std::errc() || stop != end) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::vector<Part> SplitParts(std::string_view text) {
  std::vector<Part> parts;
  for (const std::string_view part : internal::Split(text, '.')) {
    parts.push_back({DartTryParseInt(part), part});
  }
  return parts;
}

struct PubVersion {
  std::string_view major;
  std::string_view minor;
  std::string_view patch;
  std::vector<Part> prerelease;
  std::vector<Part> build;
};

bool IsDotted(std::string_view text) {
  for (const std::string_view part : internal::Split(text, '.')) {
    if (!internal::IsIdentifier(part)) return false;
  }
  return true;
}

// completeVersion: ^(\d+)\.(\d+)\.(\d+)(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?
//                  (\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$, then int.parse of the numbers.
Result<PubVersion> ParsePub(std::string_view text) {
  std::string_view rest = text;
  std::optional<std::string_view> build;
  if (const std::size_t plus = rest.find('+'); plus != std::string_view::npos) {
    build = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
  }
  std::optional<std::string_view> prerelease;
  if (const std::size_t dash = rest.find('-'); dash != std::string_view::npos) {
    prerelease = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
  }
  const std::vector<std::string_view> core = internal::Split(rest, '.');
  if (core.size() != 3 || !std::ranges::all_of(core, internal::IsAllDigits)) {
    return Fail(internal::InvalidVersion(kEcosystem, text, "it needs major.minor.patch"));
  }
  for (const std::string_view number : core) {
    if (!internal::DigitsAtMost(number, kInt64Max)) {
      return Fail(internal::InvalidVersion(kEcosystem, text,
                                           "a version number is larger than 9223372036854775807"));
    }
  }
  if ((prerelease && !IsDotted(*prerelease)) || (build && !IsDotted(*build))) {
    return Fail(internal::InvalidVersion(
        kEcosystem, text, "its prerelease and build must be dot-separated [0-9A-Za-z-] parts"));
  }
  PubVersion version{core[0], core[1], core[2], {}, {}};
  if (prerelease) version.prerelease = SplitParts(*prerelease);
  if (build) version.build = SplitParts(*build);
  return version;
}

// Version._compareLists: missing parts first, numbers before strings.
int CompareLists(const std::vector<Part>& a, const std::vector<Part>& b) {
  const std::size_t count = std::max(a.size(), b.size());
  for (std::size_t index = 0; index < count; ++index) {
    if (index >= a.size()) return -1;
    if (index >= b.size()) return 1;
    const Part& left = a[index];
    const Part& right = b[index];
    if (left.number && right.number) {
      if (*left.number != *right.number) return *left.number < *right.number ? -1 : 1;
    } else if (left.number || right.number) {
      return left.number ? -1 : 1;
    } else if (int order = internal::CompareBytes(left.text, right.text)) {
      return order;
    }
  }
  return 0;
}

int ComparePubVersions(const PubVersion& a, const PubVersion& b) {
  if (int order = internal::CompareDigits(a.major, b.major)) return order;
  if (int order = internal::CompareDigits(a.minor, b.minor)) return order;
  if (int order = internal::CompareDigits(a.patch, b.patch)) return order;
  if (a.prerelease.empty() != b.prerelease.empty()) return a.prerelease.empty() ? 1 : -1;
  if (int order = CompareLists(a.prerelease, b.prerelease)) return order;
  if (a.build.empty() != b.build.empty()) return a.build.empty() ? -1 : 1;
  return CompareLists(a.build, b.build);
}

}  // namespace

Result<int> ComparePub(std::string_view a, std::string_view b) {
  Result<PubVersion> left = ParsePub(a);
  if (!left) return Fail(std::move(left.error()));
  Result<PubVersion> right = ParsePub(b);
  if (!right) return Fail(std::move(right.error()));
  return ComparePubVersions(*left, *right);
}

}  // namespace sg::version::lang
