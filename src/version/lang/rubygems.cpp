// RubyGems: Gem::Version (rubygems/version.rb).
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/lang.hpp"

namespace sg::version::lang {
namespace {

using internal::IsAsciiAlnum;
using internal::IsAsciiLetter;
using internal::IsDigit;
using internal::IsIdentifierChar;

constexpr std::string_view kEcosystem = "RubyGems";

bool IsRubySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// A segment of Gem::Version#segments: a run of digits (numeric) or of letters (a string, which
// marks a prerelease and sorts below any number).
struct Segment {
  std::string text;
  bool numeric = false;
};

bool IsZero(const Segment& segment) {
  return segment.numeric && internal::StripLeadingZeros(segment.text) == "0";
}

// ANCHORED_VERSION_PATTERN:
// \A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z
bool MatchesPattern(std::string_view body) {
  std::size_t position = 0;
  while (position < body.size() && IsDigit(body[position])) ++position;
  if (position == 0) return false;
  while (position + 1 < body.size() && body[position] == '.' && IsAsciiAlnum(body[position + 1])) {
    ++position;
    while (position < body.size() && IsAsciiAlnum(body[position])) ++position;
  }
  if (position < body.size() && body[position] == '-') {
    ++position;
    const std::size_t start = position;
    while (position < body.size() && IsIdentifierChar(body[position])) ++position;
    if (position == start) return false;
    while (position + 1 < body.size() && body[position] == '.' &&
           IsIdentifierChar(body[position + 1])) {
      ++position;
      while (position < body.size() && IsIdentifierChar(body[position])) ++position;
    }
  }
  return position == body.size();
}

struct GemVersion {
  std::string version;  // stripped, with "-" replaced by ".pre."
  std::vector<Segment> canonical;
};

Result<GemVersion> ParseGem(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsRubySpace(text[begin])) ++begin;
  while (end > begin && IsRubySpace(text[end - 1])) --end;
  const std::string_view body = text.substr(begin, end - begin);
  GemVersion gem;
  if (body.empty()) {
    gem.version = "0";  // an empty or blank version string is version 0
  } else if (!MatchesPattern(body)) {
    return Fail(internal::InvalidVersion(
        kEcosystem, text,
        "Gem::Version needs digits, then .-separated letters or digits, then an optional "
        "-prerelease"));
  } else {
    for (const char c : body) {
      if (c == '-') {
        gem.version += ".pre.";
      } else {
        gem.version.push_back(c);
      }
    }
  }
  // segments: scan(/[0-9]+|[a-z]+/i).
  std::vector<Segment> segments;
  const std::string_view version = gem.version;
  for (std::size_t position = 0; position < version.size();) {
    const char c = version[position];
    if (IsDigit(c) || IsAsciiLetter(c)) {
      const bool numeric = IsDigit(c);
      std::size_t run_end = position;
      while (run_end < version.size() &&
             (numeric ? IsDigit(version[run_end]) : IsAsciiLetter(version[run_end]))) {
        ++run_end;
      }
      segments.push_back({std::string(version.substr(position, run_end - position)), numeric});
      position = run_end;
    } else {
      ++position;
    }
  }
  // canonical_segments: the release part (before the first string) and the prerelease part,
  // each without trailing zeros.
  std::size_t string_start = 0;
  while (string_start < segments.size() && segments[string_start].numeric) ++string_start;
  const auto append_trimmed = [&](std::size_t from, std::size_t to) {
    while (to > from && IsZero(segments[to - 1])) --to;
    for (std::size_t index = from; index < to; ++index) gem.canonical.push_back(segments[index]);
  };
  append_trimmed(0, string_start);
  append_trimmed(string_start, segments.size());
  return gem;
}

int CompareSegments(const Segment& a, const Segment& b) {
  if (a.numeric && b.numeric) return internal::CompareDigits(a.text, b.text);
  if (a.numeric != b.numeric) return a.numeric ? 1 : -1;
  return internal::CompareBytes(a.text, b.text);
}

// Gem::Version#<=>: missing segments count as 0.
int CompareGems(const GemVersion& a, const GemVersion& b) {
  if (a.version == b.version) return 0;
  static const Segment kZero{"0", true};
  const std::size_t count = std::max(a.canonical.size(), b.canonical.size());
  for (std::size_t index = 0; index < count; ++index) {
    const Segment& left = index < a.canonical.size() ? a.canonical[index] : kZero;
    const Segment& right = index < b.canonical.size() ? b.canonical[index] : kZero;
    if (int order = CompareSegments(left, right)) return order;
  }
  return 0;
}

}  // namespace

Result<int> CompareRubyGems(std::string_view a, std::string_view b) {
  Result<GemVersion> left = ParseGem(a);
  if (!left) return Fail(std::move(left.error()));
  Result<GemVersion> right = ParseGem(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareGems(*left, *right);
}

}  // namespace sg::version::lang
