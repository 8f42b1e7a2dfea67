// NuGet: NuGet.Versioning's NuGetVersion.TryParse (NuGetVersionFactory.cs) and its default
// VersionComparer: up to four numeric parts (missing ones are 0), release labels compared
// case-insensitively, metadata ignored.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"
#include "version/lang/npm_internal.hpp"

namespace sg::version::lang {
namespace {

using internal::AsciiUpper;
using internal::IsDigit;

constexpr std::string_view kEcosystem = "NuGet";
constexpr std::string_view kInt32Max = "2147483647";

struct NuGetVersion {
  std::string parts[4];  // major, minor, patch, revision as digit strings
  std::vector<std::string_view> labels;
};

// SemanticVersion.IsValidPart.
bool IsValidPart(std::string_view part, bool allow_leading_zeros) {
  if (part.empty()) return false;
  if (!allow_leading_zeros && part.size() > 1 && part[0] == '0' && internal::IsAllDigits(part)) {
    return false;
  }
  return internal::IsIdentifier(part);
}

struct Sections {
  std::optional<std::string_view> version;
  std::optional<std::string_view> labels;
  std::optional<std::string_view> metadata;
};

// SemanticVersion.ParseSections, quirks included: a trailing '-' or '+' stays in the section
// before it (and so makes it invalid).
Sections ParseSections(std::string_view value) {
  Sections sections;
  std::optional<std::size_t> dash;
  std::optional<std::size_t> plus;
  for (std::size_t index = 0; index < value.size(); ++index) {
    const bool end = index + 1 == value.size();
    const std::size_t end_position = index + (end ? 1 : 0);
    if (!dash) {
      if (end || value[index] == '-' || value[index] == '+') {
        sections.version = value.substr(0, end_position);
        dash = index;
        if (value[index] == '+') plus = index;
      }
    } else if (!plus) {
      if (end || value[index] == '+') {
        sections.labels = value.substr(*dash + 1, end_position - *dash - 1);
        plus = index;
      }
    } else if (end) {
      sections.metadata = value.substr(*plus + 1, end_position - *plus - 1);
    }
  }
  return sections;
}

Result<NuGetVersion> ParseNuGet(std::string_view text) {
  const Sections sections = ParseSections(npm::JsTrim(text));
  if (!sections.version || sections.version->empty()) {
    return Fail(internal::InvalidVersion(kEcosystem, text, "it has no version number"));
  }
  // TryGetNormalizedVersion: up to four '.'-separated digit runs; an empty one reads as 0.
  const std::vector<std::string_view> numbers = internal::Split(*sections.version, '.');
  if (numbers.size() > 4) {
    return Fail(internal::InvalidVersion(kEcosystem, text, "it has more than four numeric parts"));
  }
  NuGetVersion version;
  for (std::size_t index = 0; index < 4; ++index) {
    if (index >= numbers.size() || numbers[index].empty()) {
      version.parts[index] = "0";
      continue;
    }
    if (!internal::IsAllDigits(numbers[index])) {
      return Fail(
          internal::InvalidVersion(kEcosystem, text, "its version parts may hold only digits"));
    }
    // NuGet keeps each part in an int; it does not check for overflow (a larger part wraps
    // around silently), so anything past int.MaxValue is refused here.
    if (!internal::DigitsAtMost(numbers[index], kInt32Max)) {
      return Fail(
          internal::InvalidVersion(kEcosystem, text, "a version part is larger than 2147483647"));
    }
    version.parts[index] = std::string(internal::StripLeadingZeros(numbers[index]));
  }
  if (sections.labels) {
    for (const std::string_view label : internal::Split(*sections.labels, '.')) {
      if (!IsValidPart(label, false)) {
        return Fail(internal::InvalidVersion(
            kEcosystem, text,
            "its release labels must be non-empty [0-9A-Za-z-] without leading zeros"));
      }
      version.labels.push_back(label);
    }
  }
  if (sections.metadata) {
    for (const std::string_view part : internal::Split(*sections.metadata, '.')) {
      if (!IsValidPart(part, true)) {
        return Fail(internal::InvalidVersion(kEcosystem, text,
                                             "its metadata must be non-empty [0-9A-Za-z-] parts"));
      }
    }
  }
  return version;
}

// int.TryParse with NumberStyles.Integer on a label: an optional '-' and digits, in int range.
std::optional<std::int32_t> ParseLabelNumber(std::string_view label) {
  std::int32_t value = 0;
  const char* const end = label.data() + label.size();
  const auto [stop, error] = std::from_chars(label.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

// VersionComparer.CompareRelease.
int CompareLabel(std::string_view a, std::string_view b) {
  const auto a_number = ParseLabelNumber(a);
  const auto b_number = ParseLabelNumber(b);
  if (a_number && b_number) return (*a_number > *b_number) - (*a_number < *b_number);
  if (a_number || b_number) return a_number ? -1 : 1;
  // StringComparer.OrdinalIgnoreCase.
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t index = 0; index < common; ++index) {
    const char left = AsciiUpper(a[index]);
    const char right = AsciiUpper(b[index]);
    if (left != right) return left < right ? -1 : 1;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

int CompareNuGetVersions(const NuGetVersion& a, const NuGetVersion& b) {
  for (std::size_t index = 0; index < 4; ++index) {
    if (int order = internal::CompareDigits(a.parts[index], b.parts[index])) return order;
  }
  if (a.labels.empty() != b.labels.empty()) return a.labels.empty() ? 1 : -1;
  const std::size_t common = std::min(a.labels.size(), b.labels.size());
  for (std::size_t index = 0; index < common; ++index) {
    if (int order = CompareLabel(a.labels[index], b.labels[index])) return order;
  }
  return (a.labels.size() > b.labels.size()) - (a.labels.size() < b.labels.size());
}

}  // namespace

Result<int> CompareNuGet(std::string_view a, std::string_view b) {
  Result<NuGetVersion> left = ParseNuGet(a);
  if (!left) return Fail(std::move(left.error()));
  Result<NuGetVersion> right = ParseNuGet(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareNuGetVersions(*left, *right);
}

}  // namespace sg::version::lang
