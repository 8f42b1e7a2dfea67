// node-semver versions: parsing (classes/semver.js with the FULL and LOOSE expressions of
// internal/re.js) and ordering.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "version/lang/common.hpp"
#include "version/lang/npm_internal.hpp"

namespace sg::version::lang {
namespace npm {
namespace {

using internal::CompareBytes;
using internal::CompareDigits;
using internal::IsAllDigits;
using internal::IsAsciiLetter;
using internal::IsDigit;
using internal::IsIdentifierChar;

constexpr std::string_view kEcosystem = "node-semver";

// Each identifier expression is bounded in node-semver's safe form: \d{0,256}, \d{1,256} and
// [a-zA-Z0-9-]{0,250}.
constexpr std::size_t kMaxDigits = kMaxLength;

std::size_t DigitRun(std::string_view text, std::size_t position) {
  std::size_t end = position;
  while (end < text.size() && IsDigit(text[end])) ++end;
  return end - position;
}

// PRERELEASEIDENTIFIER (strict) or PRERELEASEIDENTIFIERLOOSE covering all of `identifier`:
// NONNUMERICIDENTIFIER \d*[a-zA-Z-][a-zA-Z0-9-]*, else a number (strict: no leading zero).
bool IsPrereleaseIdentifier(std::string_view identifier, bool loose) {
  if (identifier.empty()) return false;
  const std::size_t digits = DigitRun(identifier, 0);
  if (digits < identifier.size()) {
    if (digits > kMaxDigits) return false;
    const char first = identifier[digits];
    if (!IsAsciiLetter(first) && first != '-') return false;
    const std::string_view tail = identifier.substr(digits + 1);
    return tail.size() <= kMaxSafeBuildLength &&
           std::ranges::all_of(tail, [](char c) { return IsIdentifierChar(c); });
  }
  if (loose) return digits <= kMaxDigits;
  return identifier == "0" || (identifier[0] != '0' && digits <= kMaxDigits + 1);
}

bool IsPrerelease(std::string_view text, bool loose) {
  for (const std::string_view identifier : internal::Split(text, '.')) {
    if (!IsPrereleaseIdentifier(identifier, loose)) return false;
  }
  return true;
}

// BUILD followed by the end: "+" and dot-separated [a-zA-Z0-9-]{1,250}.
bool IsBuildTail(std::string_view text) {
  if (text.empty() || text[0] != '+') return false;
  for (const std::string_view identifier : internal::Split(text.substr(1), '.')) {
    if (identifier.empty() || identifier.size() > kMaxSafeBuildLength ||
        !std::ranges::all_of(identifier, [](char c) { return IsIdentifierChar(c); })) {
      return false;
    }
  }
  return true;
}

struct Suffix {
  std::optional<std::string_view> prerelease;
  std::optional<std::string_view> build;
};

// PRERELEASE? BUILD? $ (strict) or PRERELEASELOOSE? BUILD? $ (loose) on `rest`. A prerelease
// can hold no '+', so it runs to the first '+' or the end. Loose mode's "-?" is tried with the
// hyphen first, then as part of the first identifier ("1.2.3-" is 1.2.3 with prerelease "-").
std::optional<Suffix> MatchSuffix(std::string_view rest, bool loose) {
  if (rest.empty()) return Suffix{};
  const std::size_t plus = std::min(rest.find('+'), rest.size());
  const std::string_view after = rest.substr(plus);
  const auto with_build = [&](std::string_view prerelease) -> std::optional<Suffix> {
    if (after.empty()) return Suffix{prerelease, std::nullopt};
    if (IsBuildTail(after)) return Suffix{prerelease, after.substr(1)};
    return std::nullopt;
  };
  if (rest[0] == '-') {
    const std::string_view without_hyphen = rest.substr(1, plus - 1);
    if (IsPrerelease(without_hyphen, loose)) return with_build(without_hyphen);
    if (loose && IsPrerelease(rest.substr(0, plus), true)) return with_build(rest.substr(0, plus));
    return std::nullopt;
  }
  if (rest[0] == '+') {
    if (IsBuildTail(rest)) return Suffix{std::nullopt, rest.substr(1)};
    return std::nullopt;
  }
  if (loose && IsPrerelease(rest.substr(0, plus), true)) return with_build(rest.substr(0, plus));
  return std::nullopt;
}

// The end of a strict NUMERICIDENTIFIER (0|[1-9]\d{0,256}) that must be followed by a
// non-digit, or nullopt.
std::optional<std::size_t> StrictNumberEnd(std::string_view text, std::size_t position) {
  const std::size_t digits = DigitRun(text, position);
  if (digits == 0) return std::nullopt;
  if (text[position] == '0') return digits == 1 ? std::optional(position + 1) : std::nullopt;
  if (digits > kMaxDigits + 1) return std::nullopt;
  return position + digits;
}

std::optional<std::size_t> LooseNumberEnd(std::string_view text, std::size_t position) {
  const std::size_t digits = DigitRun(text, position);
  if (digits == 0 || digits > kMaxDigits) return std::nullopt;
  return position + digits;
}

}  // namespace

std::size_t JsSpaceAt(std::string_view text, std::size_t position) {
  if (position >= text.size()) return 0;
  const auto byte = [&](std::size_t offset) -> unsigned char {
    return position + offset < text.size() ? static_cast<unsigned char>(text[position + offset])
                                           : 0;
  };
  switch (byte(0)) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
      return 1;
    case 0xC2:  // U+00A0
      return byte(1) == 0xA0 ? 2 : 0;
    case 0xE1:  // U+1680
      return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0;
    case 0xE2:
      if (byte(1) == 0x80) {
        const unsigned char third = byte(2);
        // U+2000..U+200A, U+2028, U+2029, U+202F
        if ((third >= 0x80 && third <= 0x8A) || third == 0xA8 || third == 0xA9 || third == 0xAF) {
          return 3;
        }
        return 0;
      }
      return byte(1) == 0x81 && byte(2) == 0x9F ? 3 : 0;  // U+205F
    case 0xE3:                                            // U+3000
      return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;
    case 0xEF:  // U+FEFF
      return byte(1) == 0xBB && byte(2) == 0xBF ? 3 : 0;
    default:
      return 0;
  }
}

std::string_view JsTrim(std::string_view text) {
  std::size_t begin = 0;
  while (const std::size_t width = JsSpaceAt(text, begin)) begin += width;
  std::size_t end = begin;
  std::size_t position = begin;
  while (position < text.size()) {
    if (const std::size_t width = JsSpaceAt(text, position)) {
      position += width;
    } else {
      ++position;
      end = position;
    }
  }
  return text.substr(begin, end - begin);
}

std::size_t Utf16Length(std::string_view text) {
  std::size_t units = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte
    units += byte >= 0xF0 ? 2 : 1;        // four-byte sequences are surrogate pairs
  }
  return units;
}

std::optional<PlainMatch> MatchPlain(std::string_view text, bool loose) {
  std::size_t position = 0;
  if (loose) {
    while (position < text.size()) {
      if (text[position] == 'v' || text[position] == '=') {
        ++position;
      } else if (const std::size_t width = JsSpaceAt(text, position)) {
        position += width;
      } else {
        break;
      }
    }
  } else if (!text.empty() && text[0] == 'v') {
    position = 1;
  }
  const auto number_end = [&](std::size_t at) {
    return loose ? LooseNumberEnd(text, at) : StrictNumberEnd(text, at);
  };
  PlainMatch match;
  const auto major_end = number_end(position);
  if (!major_end || *major_end >= text.size() || text[*major_end] != '.') return std::nullopt;
  match.major = text.substr(position, *major_end - position);
  const auto minor_end = number_end(*major_end + 1);
  if (!minor_end || *minor_end >= text.size() || text[*minor_end] != '.') return std::nullopt;
  match.minor = text.substr(*major_end + 1, *minor_end - *major_end - 1);
  const std::size_t patch_start = *minor_end + 1;
  if (!loose) {
    const auto patch_end = number_end(patch_start);
    if (!patch_end) return std::nullopt;
    const auto suffix = MatchSuffix(text.substr(*patch_end), false);
    if (!suffix) return std::nullopt;
    match.patch = text.substr(patch_start, *patch_end - patch_start);
    match.prerelease = suffix->prerelease;
    match.build = suffix->build;
    return match;
  }
  // Loose: the patch's \d{1,256} gives digits back to a prerelease that may start with one,
  // so "1.2.34.5" is 1.2.3-4.5. Try the longest patch first, as the regex does.
  const std::size_t digits = std::min(DigitRun(text, patch_start), kMaxDigits);
  for (std::size_t length = digits; length >= 1; --length) {
    if (const auto suffix = MatchSuffix(text.substr(patch_start + length), true)) {
      match.patch = text.substr(patch_start, length);
      match.prerelease = suffix->prerelease;
      match.build = suffix->build;
      return match;
    }
  }
  return std::nullopt;
}

std::optional<XRangeMatch> MatchXRangePlain(std::string_view text, bool loose) {
  std::size_t position = 0;
  while (position < text.size()) {
    if (text[position] == 'v' || text[position] == '=') {
      ++position;
    } else if (const std::size_t width = JsSpaceAt(text, position)) {
      position += width;
    } else {
      break;
    }
  }
  const auto is_wildcard = [&](std::size_t at) {
    return at < text.size() && (text[at] == 'x' || text[at] == 'X' || text[at] == '*');
  };
  // XRANGEIDENTIFIER(LOOSE) that the text must continue after with '.' or its end.
  const auto component_end = [&](std::size_t at) -> std::optional<std::size_t> {
    if (is_wildcard(at)) return at + 1;
    return loose ? LooseNumberEnd(text, at) : StrictNumberEnd(text, at);
  };
  XRangeMatch match;
  const auto major_end = component_end(position);
  if (!major_end) return std::nullopt;
  match.major = text.substr(position, *major_end - position);
  if (*major_end == text.size()) return match;
  if (text[*major_end] != '.') return std::nullopt;
  const auto minor_end = component_end(*major_end + 1);
  if (!minor_end) return std::nullopt;
  match.minor = text.substr(*major_end + 1, *minor_end - *major_end - 1);
  if (*minor_end == text.size()) return match;
  if (text[*minor_end] != '.') return std::nullopt;
  const std::size_t patch_start = *minor_end + 1;
  const auto accept = [&](std::size_t patch_end) -> bool {
    const auto suffix = MatchSuffix(text.substr(patch_end), loose);
    if (!suffix) return false;
    match.patch = text.substr(patch_start, patch_end - patch_start);
    match.prerelease = suffix->prerelease;
    return true;
  };
  if (is_wildcard(patch_start)) {
    if (accept(patch_start + 1)) return match;
    return std::nullopt;
  }
  if (!loose) {
    const auto patch_end = StrictNumberEnd(text, patch_start);
    if (patch_end && accept(*patch_end)) return match;
    return std::nullopt;
  }
  const std::size_t digits = std::min(DigitRun(text, patch_start), kMaxDigits);
  for (std::size_t length = digits; length >= 1; --length) {
    if (accept(patch_start + length)) return match;
  }
  return std::nullopt;
}

Result<NpmVersion> Construct(std::string_view text, bool loose) {
  if (Utf16Length(text) > kMaxLength) {
    return Fail(internal::InvalidVersion(
        kEcosystem, text, fmt::format("it is longer than {} characters", kMaxLength)));
  }
  const auto match = MatchPlain(JsTrim(text), loose);
  if (!match) {
    return Fail(internal::InvalidVersion(
        kEcosystem, text,
        loose ? "it is not major.minor.patch with an optional prerelease and build, even loosely"
              : "it is not major.minor.patch[-prerelease][+build], optionally after 'v'"));
  }
  NpmVersion version;
  const std::pair<std::string_view, std::string*> numbers[] = {{match->major, &version.major},
                                                               {match->minor, &version.minor},
                                                               {match->patch, &version.patch}};
  constexpr std::string_view kNames[] = {"major", "minor", "patch"};
  for (std::size_t index = 0; index < 3; ++index) {
    if (!internal::DigitsAtMost(numbers[index].first, kMaxSafeInteger)) {
      return Fail(internal::InvalidVersion(
          kEcosystem, text,
          fmt::format("its {} version is larger than {} (Number.MAX_SAFE_INTEGER)", kNames[index],
                      kMaxSafeInteger)));
    }
    *numbers[index].second = std::string(internal::StripLeadingZeros(numbers[index].first));
  }
  if (match->prerelease) {
    for (const std::string_view identifier : internal::Split(*match->prerelease, '.')) {
      // node-semver turns a numeric identifier below MAX_SAFE_INTEGER into a number, which drops
      // leading zeros (loose "1.2.3-01" is 1.2.3-1); larger ones stay strings.
      if (IsAllDigits(identifier) && CompareDigits(identifier, kMaxSafeInteger) < 0) {
        version.prerelease.emplace_back(internal::StripLeadingZeros(identifier));
      } else {
        version.prerelease.emplace_back(identifier);
      }
    }
  }
  if (match->build) {
    for (const std::string_view identifier : internal::Split(*match->build, '.')) {
      version.build.emplace_back(identifier);
    }
  }
  return version;
}

// compareIdentifiers: numbers numerically and before strings, strings by code unit. node-semver
// compares numbers past 2^53 as rounded doubles; digit strings are compared exactly here.
int CompareIdentifiers(std::string_view a, std::string_view b) {
  const bool a_numeric = IsAllDigits(a);
  const bool b_numeric = IsAllDigits(b);
  if (a_numeric && b_numeric) return CompareDigits(a, b);
  if (a_numeric != b_numeric) return a_numeric ? -1 : 1;
  return CompareBytes(a, b);
}

int Compare(const NpmVersion& a, const NpmVersion& b) {
  if (int order = CompareDigits(a.major, b.major)) return order;
  if (int order = CompareDigits(a.minor, b.minor)) return order;
  if (int order = CompareDigits(a.patch, b.patch)) return order;
  if (a.prerelease.empty() != b.prerelease.empty()) return a.prerelease.empty() ? 1 : -1;
  const std::size_t common = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t index = 0; index < common; ++index) {
    if (int order = CompareIdentifiers(a.prerelease[index], b.prerelease[index])) return order;
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

}  // namespace npm

std::string NpmVersion::ToString() const {
  std::string text = major + "." + minor + "." + patch;
  for (std::size_t index = 0; index < prerelease.size(); ++index) {
    text += index == 0 ? '-' : '.';
    text += prerelease[index];
  }
  return text;
}

Result<NpmVersion> ParseNpmVersion(std::string_view text, NpmOptions options) {
  return npm::Construct(text, options.loose);
}

Result<int> CompareNpm(std::string_view a, std::string_view b, NpmOptions options) {
  Result<NpmVersion> left = npm::Construct(a, options.loose);
  if (!left) return Fail(std::move(left.error()));
  Result<NpmVersion> right = npm::Construct(b, options.loose);
  if (!right) return Fail(std::move(right.error()));
  return npm::Compare(*left, *right);
}

Result<int> CompareNpm(std::string_view a, std::string_view b) { return CompareNpm(a, b, {}); }

}  // namespace sg::version::lang
