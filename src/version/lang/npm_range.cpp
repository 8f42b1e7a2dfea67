// node-semver ranges (classes/range.js, classes/comparator.js, ranges/outside.js): the same
// rewriting pipeline — build stripping, hyphen ranges, whitespace trimming, carets, tildes,
// x-ranges, stars — so that canonical forms and odd inputs come out as node-semver's do.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "version/lang/common.hpp"
#include "version/lang/npm_internal.hpp"

namespace sg::version::lang {
namespace {

using internal::IsAsciiLetter;
using internal::IsDigit;
using internal::IsIdentifierChar;
using npm::kMaxLength;
using npm::kMaxSafeBuildLength;

Error InvalidRange(std::string_view range, std::string_view reason) {
  return Error::BadRequest(
      fmt::format("'{}' is not a node-semver range: {}", internal::Printable(range), reason),
      "invalidRange");
}

// ------------------------------------------------------------------------------------------
// JS string helpers

// str.split(" ") and str.split(/\s+/) on text whose only whitespace is ' ' (Range's raw text
// has every whitespace run replaced by one space).
std::vector<std::string> SplitOnSpace(std::string_view text) {
  std::vector<std::string> parts;
  for (const std::string_view part : internal::Split(text, ' ')) parts.emplace_back(part);
  return parts;
}

std::vector<std::string> SplitOnSpaces(std::string_view text) {
  std::vector<std::string> parts;
  if (text.empty()) return {std::string()};
  std::size_t position = 0;
  std::string current;
  while (position <= text.size()) {
    if (position == text.size()) {
      parts.push_back(current);
      break;
    }
    if (text[position] == ' ') {
      parts.push_back(current);
      current.clear();
      while (position < text.size() && text[position] == ' ') ++position;
      if (position == text.size()) {
        parts.emplace_back();
        break;
      }
      continue;
    }
    current.push_back(text[position]);
    ++position;
  }
  return parts;
}

std::string_view TrimSpaces(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(' ');
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(' ') - begin + 1);
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (std::size_t index = 0; index < parts.size(); ++index) {
    if (index > 0) joined += separator;
    joined += parts[index];
  }
  return joined;
}

// `${+digits + 1}`: exact while the value is a safe integer; past that, the double arithmetic
// and Number-to-string conversion of JS ("1e+21" from 21 digits up), because in loose mode a
// comparator that no longer looks like a version is dropped rather than rejected.
std::string JsIncrement(std::string_view digits) {
  digits = internal::StripLeadingZeros(digits);
  if (internal::CompareDigits(digits, npm::kMaxSafeInteger) < 0) {
    std::string sum(digits);
    std::size_t index = sum.size();
    while (index > 0) {
      --index;
      if (sum[index] != '9') {
        ++sum[index];
        return sum;
      }
      sum[index] = '0';
    }
    return "1" + sum;
  }
  const double value = std::strtod(std::string(digits).c_str(), nullptr) + 1.0;
  if (std::isinf(value)) return "Infinity";
  // JS writes 1e21 and above in exponent form ("1e+21", "1.5e+21"), smaller values in full.
  char buffer[64];
  const auto format = value >= 1e21 ? std::chars_format::scientific : std::chars_format::fixed;
  const std::to_chars_result written = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  return std::string(buffer, written.ptr);
}

std::string Increment(std::optional<std::string_view> digits) {
  return JsIncrement(digits.value_or(""));
}

// isX: undefined, "", "x", "X" or "*".
bool IsX(std::optional<std::string_view> id) {
  return !id || id->empty() || *id == "x" || *id == "X" || *id == "*";
}

std::string Captured(std::optional<std::string_view> text) {
  return std::string(text.value_or(""));
}

// ------------------------------------------------------------------------------------------
// Whole-range rewriting steps (parseRange)

// BUILDSTRIPRE: every "+ident(.ident)*" goes, wherever it is.
std::string StripBuilds(std::string_view range) {
  std::string out;
  std::size_t position = 0;
  while (position < range.size()) {
    if (range[position] == '+' && position + 1 < range.size() &&
        IsIdentifierChar(range[position + 1])) {
      std::size_t end = position + 1;
      while (end < range.size() && IsIdentifierChar(range[end])) ++end;
      while (end + 1 < range.size() && range[end] == '.' && IsIdentifierChar(range[end + 1])) {
        ++end;
        while (end < range.size() && IsIdentifierChar(range[end])) ++end;
      }
      position = end;
      continue;
    }
    out.push_back(range[position]);
    ++position;
  }
  return out;
}

// HYPHENRANGE(LOOSE): ^\s?(XRANGEPLAIN)\s-\s(XRANGEPLAIN)\s?$ and hyphenReplace. The first
// version cannot hold " - " (its only spaces are in its leading [v=\s]*), so the first " - " is
// the only place the two can meet.
std::optional<std::string> ReplaceHyphen(std::string_view range, const NpmOptions& options) {
  const std::size_t from_start = !range.empty() && range[0] == ' ' ? 1 : 0;
  const std::size_t dash = range.find(" - ", from_start);
  if (dash == std::string_view::npos) return std::nullopt;
  std::size_t to_end = range.size();
  if (to_end > dash + 3 && range[to_end - 1] == ' ') --to_end;
  const std::string_view from_text = range.substr(from_start, dash - from_start);
  const std::string_view to_text = range.substr(dash + 3, to_end - dash - 3);
  const auto from = npm::MatchXRangePlain(from_text, options.loose);
  const auto to = npm::MatchXRangePlain(to_text, options.loose);
  if (!from || !to) return std::nullopt;
  const std::string zero = options.include_prerelease ? "-0" : "";
  std::string lower;
  if (IsX(from->major)) {
    lower = "";
  } else if (IsX(from->minor)) {
    lower = fmt::format(">={}.0.0{}", Captured(from->major), zero);
  } else if (IsX(from->patch)) {
    lower = fmt::format(">={}.{}.0{}", Captured(from->major), Captured(from->minor), zero);
  } else if (from->prerelease && !from->prerelease->empty()) {
    lower = fmt::format(">={}", from_text);
  } else {
    lower = fmt::format(">={}{}", from_text, zero);
  }
  std::string upper;
  if (IsX(to->major)) {
    upper = "";
  } else if (IsX(to->minor)) {
    upper = fmt::format("<{}.0.0-0", Increment(to->major));
  } else if (IsX(to->patch)) {
    upper = fmt::format("<{}.{}.0-0", Captured(to->major), Increment(to->minor));
  } else if (to->prerelease && !to->prerelease->empty()) {
    upper = fmt::format("<={}.{}.{}-{}", Captured(to->major), Captured(to->minor),
                        Captured(to->patch), Captured(to->prerelease));
  } else if (options.include_prerelease) {
    upper =
        fmt::format("<{}.{}.{}-0", Captured(to->major), Captured(to->minor), Increment(to->patch));
  } else {
    upper = fmt::format("<={}", to_text);
  }
  return std::string(TrimSpaces(lower + " " + upper));
}

// internal/trim-comparator-whitespace.js: removes the one space between an operator and the
// version after it ("> 1.2.3" becomes ">1.2.3"), with the match boundaries of the regular
// expression it replaced (COMPARATORTRIM).
class ComparatorWhitespaceTrimmer {
 public:
  explicit ComparatorWhitespaceTrimmer(std::string_view range)
      : range_(range), digit_run_end_(range.size() + 1, 0) {
    // digit_run_end_[i]: the end of the run of digits starting at i (i itself when none).
    digit_run_end_[range.size()] = range.size();
    for (std::size_t index = range.size(); index > 0; --index) {
      const std::size_t position = index - 1;
      digit_run_end_[position] = IsDigit(range[position]) ? digit_run_end_[position + 1] : position;
    }
  }

  std::string Trim() {
    std::string result;
    std::size_t copy_from = 0;
    std::size_t cursor = 0;
    while (cursor < range_.size()) {
      const std::size_t match_start = cursor;
      if (At(cursor) == '<' || At(cursor) == '>') {
        ++cursor;
      } else if (!IsVersionPrefix(At(cursor)) && !IsVersionStart(At(cursor))) {
        ++cursor;
        continue;
      }
      while (cursor < range_.size() && IsVersionPrefix(At(cursor))) ++cursor;
      if (!IsVersionStart(At(cursor))) continue;
      if (const auto space = RemovableSpace(match_start)) {
        result.append(range_.substr(copy_from, *space - copy_from));
        copy_from = *space + 1;
      }
      cursor = VersionEnd(cursor);
    }
    result.append(range_.substr(copy_from));
    return result;
  }

 private:
  char At(std::size_t position) const { return position < range_.size() ? range_[position] : '\0'; }
  static bool IsVersionPrefix(char c) { return c == 'v' || c == '=' || c == ' '; }
  static bool IsVersionStart(char c) { return IsDigit(c) || c == 'x' || c == 'X' || c == '*'; }

  std::optional<std::size_t> RemovableSpace(std::size_t match_start) const {
    std::size_t position = match_start;
    if (At(position) == ' ') ++position;
    if (At(position) == '<' || At(position) == '>') ++position;
    if (At(position) == '=') ++position;
    if (At(position) == ' ') return position;
    return std::nullopt;
  }

  std::size_t DigitsEnd(std::size_t start, std::size_t limit) const {
    if (start >= range_.size()) return start;
    return std::min(start + limit, digit_run_end_[start]);
  }
  std::size_t NumberEnd(std::size_t start, bool loose) const {
    if (!loose && At(start) == '0') return start + 1;
    return DigitsEnd(start, loose ? kMaxLength : kMaxLength + 1);
  }
  std::size_t PrereleaseIdentifierEnd(std::size_t start, bool loose) const {
    const std::size_t digits_end = DigitsEnd(start, kMaxLength);
    if (IsAsciiLetter(At(digits_end)) || At(digits_end) == '-') {
      std::size_t end = digits_end + 1;
      const std::size_t limit = end + kMaxSafeBuildLength;
      while (end < limit && IsIdentifierChar(At(end))) ++end;
      return end;
    }
    return NumberEnd(start, loose);
  }
  std::size_t PrereleaseEnd(std::size_t start, bool loose) const {
    const bool hyphen = At(start) == '-';
    if (!loose && !hyphen) return start;
    const std::size_t identifier_start = start + (hyphen ? 1 : 0);
    std::size_t end = PrereleaseIdentifierEnd(identifier_start, loose);
    if (end == identifier_start) {
      if (!loose || !hyphen) return start;
      end = PrereleaseIdentifierEnd(start, loose);
    }
    while (At(end) == '.') {
      const std::size_t next = PrereleaseIdentifierEnd(end + 1, loose);
      if (next == end + 1) break;
      end = next;
    }
    return end;
  }
  std::size_t BuildIdentifierEnd(std::size_t start) const {
    std::size_t end = start;
    while (end - start < kMaxSafeBuildLength && IsIdentifierChar(At(end))) ++end;
    return end;
  }
  std::size_t BuildEnd(std::size_t start) const {
    if (At(start) != '+') return start;
    std::size_t end = BuildIdentifierEnd(start + 1);
    if (end == start + 1) return start;
    while (At(end) == '.') {
      const std::size_t next = BuildIdentifierEnd(end + 1);
      if (next == end + 1) break;
      end = next;
    }
    return end;
  }
  std::size_t LooseFullVersionEnd(std::size_t start) const {
    std::size_t end = start;
    for (int component = 0; component < 3; ++component) {
      const std::size_t next = NumberEnd(end, true);
      if (next == end) return start;
      end = next;
      if (component < 2) {
        if (At(end) != '.') return start;
        ++end;
      }
    }
    return BuildEnd(PrereleaseEnd(end, true));
  }
  std::size_t PartialComponentEnd(std::size_t start) const {
    if (IsDigit(At(start))) return NumberEnd(start, false);
    return IsVersionStart(At(start)) ? start + 1 : start;
  }
  std::size_t PartialVersionEnd(std::size_t start) const {
    std::size_t end = PartialComponentEnd(start);
    for (int component = 0; component < 2; ++component) {
      if (At(end) != '.') return end;
      const std::size_t next = PartialComponentEnd(end + 1);
      if (next == end + 1) return end;
      end = next;
    }
    return BuildEnd(PrereleaseEnd(end, false));
  }
  std::size_t VersionEnd(std::size_t start) const {
    const std::size_t full_end = LooseFullVersionEnd(start);
    return full_end != start ? full_end : PartialVersionEnd(start);
  }

  std::string_view range_;
  std::vector<std::size_t> digit_run_end_;
};

// TILDETRIM (\s?)~>?\s → "$1~" and CARETTRIM (\s?)\^\s → "$1^", globally.
std::string TrimAfterOperator(std::string_view range, char operator_char) {
  std::string out;
  std::size_t position = 0;
  while (position < range.size()) {
    const std::size_t at = range[position] == ' ' ? position + 1 : position;
    if (at < range.size() && range[at] == operator_char) {
      std::size_t end = 0;
      if (operator_char == '~' && at + 2 < range.size() && range[at + 1] == '>' &&
          range[at + 2] == ' ') {
        end = at + 3;
      } else if (at + 1 < range.size() && range[at + 1] == ' ') {
        end = at + 2;
      }
      if (end != 0) {
        out.append(range.substr(position, at - position));
        out.push_back(operator_char);
        position = end;
        continue;
      }
    }
    out.push_back(range[position]);
    ++position;
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Per-comparator rewriting (parseComparator)

// CARET(LOOSE) ^\^XRANGEPLAIN$ and replaceCaret.
std::string ReplaceCaret(const std::string& token, const NpmOptions& options) {
  if (token.empty() || token[0] != '^') return token;
  const auto match = npm::MatchXRangePlain(std::string_view(token).substr(1), options.loose);
  if (!match) return token;
  const std::string z = options.include_prerelease ? "-0" : "";
  const std::string major = Captured(match->major);
  const std::string minor = Captured(match->minor);
  const std::string patch = Captured(match->patch);
  if (IsX(match->major)) return "";
  if (IsX(match->minor)) return fmt::format(">={}.0.0{} <{}.0.0-0", major, z, Increment(major));
  if (IsX(match->patch)) {
    if (major == "0")
      return fmt::format(">={}.{}.0{} <{}.{}.0-0", major, minor, z, major, Increment(minor));
    return fmt::format(">={}.{}.0{} <{}.0.0-0", major, minor, z, Increment(major));
  }
  if (match->prerelease && !match->prerelease->empty()) {
    const std::string lower =
        fmt::format(">={}.{}.{}-{}", major, minor, patch, Captured(match->prerelease));
    if (major == "0") {
      if (minor == "0") return fmt::format("{} <{}.{}.{}-0", lower, major, minor, Increment(patch));
      return fmt::format("{} <{}.{}.0-0", lower, major, Increment(minor));
    }
    return fmt::format("{} <{}.0.0-0", lower, Increment(major));
  }
  const std::string lower = fmt::format(">={}.{}.{}", major, minor, patch);
  if (major == "0") {
    if (minor == "0") return fmt::format("{} <{}.{}.{}-0", lower, major, minor, Increment(patch));
    return fmt::format("{} <{}.{}.0-0", lower, major, Increment(minor));
  }
  return fmt::format("{} <{}.0.0-0", lower, Increment(major));
}

// TILDE(LOOSE) ^~>?XRANGEPLAIN$ and replaceTilde.
std::string ReplaceTilde(const std::string& token, const NpmOptions& options) {
  if (token.empty() || token[0] != '~') return token;
  std::optional<npm::XRangeMatch> match;
  if (token.size() > 1 && token[1] == '>') {
    match = npm::MatchXRangePlain(std::string_view(token).substr(2), options.loose);
  }
  if (!match) match = npm::MatchXRangePlain(std::string_view(token).substr(1), options.loose);
  if (!match) return token;
  const std::string z = options.include_prerelease ? "-0" : "";
  const std::string major = Captured(match->major);
  const std::string minor = Captured(match->minor);
  const std::string patch = Captured(match->patch);
  if (IsX(match->major)) return "";
  if (IsX(match->minor)) return fmt::format(">={}.0.0{} <{}.0.0-0", major, z, Increment(major));
  if (IsX(match->patch)) {
    return fmt::format(">={}.{}.0{} <{}.{}.0-0", major, minor, z, major, Increment(minor));
  }
  if (match->prerelease && !match->prerelease->empty()) {
    return fmt::format(">={}.{}.{}-{} <{}.{}.0-0", major, minor, patch, Captured(match->prerelease),
                       major, Increment(minor));
  }
  return fmt::format(">={}.{}.{} <{}.{}.0-0", major, minor, patch, major, Increment(minor));
}

// GTLT ((?:<|>)?=?) in the regex's backtracking order: the longest operator first.
std::vector<std::size_t> OperatorLengths(std::string_view token) {
  if (!token.empty() && (token[0] == '<' || token[0] == '>')) {
    if (token.size() > 1 && token[1] == '=') return {2, 1, 0};
    return {1, 0};
  }
  if (!token.empty() && token[0] == '=') return {1, 0};
  return {0};
}

// XRANGE(LOOSE) ^GTLT\s*XRANGEPLAIN$ and replaceXRange.
std::string ReplaceXRange(std::string_view raw_token, const NpmOptions& options) {
  const std::string token(TrimSpaces(raw_token));
  std::string gtlt;
  std::optional<npm::XRangeMatch> match;
  for (const std::size_t length : OperatorLengths(token)) {
    match = npm::MatchXRangePlain(std::string_view(token).substr(length), options.loose);
    if (match) {
      gtlt = token.substr(0, length);
      break;
    }
  }
  if (!match) return token;
  // invalidXRangeOrder: a wildcard followed by a number ("x.1", "1.x.3") is left as it is, to
  // fail as a comparator.
  if ((IsX(match->major) && !IsX(match->minor)) ||
      (IsX(match->minor) && match->patch && !match->patch->empty() && !IsX(match->patch))) {
    return token;
  }
  const bool x_major = IsX(match->major);
  const bool x_minor = x_major || IsX(match->minor);
  const bool x_patch = x_minor || IsX(match->patch);
  const bool any_x = x_patch;
  if (gtlt == "=" && any_x) gtlt = "";
  std::string pr = options.include_prerelease ? "-0" : "";
  std::string major = Captured(match->major);
  std::string minor = Captured(match->minor);
  std::string patch = Captured(match->patch);
  if (x_major) {
    if (gtlt == ">" || gtlt == "<") return "<0.0.0-0";
    return "*";
  }
  if (!gtlt.empty() && any_x) {
    if (x_minor) minor = "0";
    patch = "0";
    if (gtlt == ">") {
      gtlt = ">=";
      if (x_minor) {
        major = JsIncrement(major);
        minor = "0";
      } else {
        minor = JsIncrement(minor);
      }
      patch = "0";
    } else if (gtlt == "<=") {
      gtlt = "<";
      if (x_minor) {
        major = JsIncrement(major);
      } else {
        minor = JsIncrement(minor);
      }
    }
    if (gtlt == "<") pr = "-0";
    return fmt::format("{}{}.{}.{}{}", gtlt, major, minor, patch, pr);
  }
  if (x_minor) return fmt::format(">={}.0.0{} <{}.0.0-0", major, pr, JsIncrement(major));
  if (x_patch) {
    return fmt::format(">={}.{}.0{} <{}.{}.0-0", major, minor, pr, major, JsIncrement(minor));
  }
  return token;
}

// STAR (<|>)?=?\s?\* — the first match only — is removed.
std::string ReplaceStars(std::string_view comparator) {
  const std::string text(TrimSpaces(comparator));
  for (std::size_t start = 0; start < text.size(); ++start) {
    std::size_t position = start;
    // Each optional part is taken when present; skipping one that is present cannot lead to
    // a '*' any sooner.
    if (text[position] == '<' || text[position] == '>') ++position;
    if (position < text.size() && text[position] == '=') ++position;
    if (position < text.size() && text[position] == ' ') ++position;
    if (position < text.size() && text[position] == '*') {
      return text.substr(0, start) + text.substr(position + 1);
    }
  }
  return text;
}

std::string ReplaceComparatorTokens(std::string_view comparator, const NpmOptions& options,
                                    std::string (*replace)(const std::string&, const NpmOptions&)) {
  std::vector<std::string> tokens = SplitOnSpaces(TrimSpaces(comparator));
  for (std::string& token : tokens) token = replace(token, options);
  return Join(tokens, " ");
}

std::string ParseComparator(std::string_view piece, const NpmOptions& options) {
  // The BUILD strip of parseComparator finds nothing: StripBuilds removed every build already.
  std::string comparator = ReplaceComparatorTokens(piece, options, &ReplaceCaret);
  comparator = ReplaceComparatorTokens(comparator, options, &ReplaceTilde);
  std::vector<std::string> tokens = SplitOnSpaces(comparator);
  for (std::string& token : tokens) token = ReplaceXRange(token, options);
  comparator = Join(tokens, " ");
  return ReplaceStars(comparator);
}

// GTE0 ^\s?>=\s?0\.0\.0\s?$ (GTE0PRE with "-0" when prereleases are included) means any version.
std::string ReplaceGte0(std::string_view token, const NpmOptions& options) {
  const std::string_view trimmed = TrimSpaces(token);
  if (trimmed == (options.include_prerelease ? ">=0.0.0-0" : ">=0.0.0")) return "";
  return std::string(trimmed);
}

// ------------------------------------------------------------------------------------------
// Comparators and ranges

struct Comparator {
  std::string op;                     // "", "<", "<=", ">", ">="
  std::optional<NpmVersion> version;  // absent: ANY, which every version satisfies
  std::string value;                  // operator + version, "" for ANY
};

// COMPARATOR(LOOSE) ^GTLT\s?(FULLPLAIN|LOOSEPLAIN)$|^$, then new SemVer on the version part.
std::optional<std::pair<std::string, std::string>> MatchComparator(std::string_view token,
                                                                   bool loose) {
  if (token.empty()) return std::pair<std::string, std::string>{};
  for (const std::size_t length : OperatorLengths(token)) {
    std::string_view rest = token.substr(length);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (npm::MatchPlain(rest, loose)) {
      return std::pair{std::string(token.substr(0, length)), std::string(rest)};
    }
  }
  return std::nullopt;
}

Result<Comparator> MakeComparator(std::string_view token, const NpmOptions& options,
                                  std::string_view range) {
  const auto match = MatchComparator(token, options.loose);
  if (!match) {
    return Fail(
        InvalidRange(range, fmt::format("'{}' is not a comparator", internal::Printable(token))));
  }
  Comparator comparator;
  comparator.op = match->first == "=" ? "" : match->first;
  if (match->second.empty()) return comparator;
  Result<NpmVersion> version = npm::Construct(match->second, options.loose);
  if (!version) {
    return Fail(InvalidRange(range, fmt::format("its comparator '{}' has an invalid version",
                                                internal::Printable(token))));
  }
  comparator.version = std::move(*version);
  comparator.value = comparator.op + comparator.version->ToString();
  return comparator;
}

using ComparatorSet = std::vector<Comparator>;
constexpr std::string_view kNullSet = "<0.0.0-0";

Result<ComparatorSet> ParseComparatorSet(std::string_view part, const NpmOptions& options,
                                         std::string_view range) {
  std::string text = StripBuilds(part);
  if (auto hyphen = ReplaceHyphen(text, options)) text = std::move(*hyphen);
  text = ComparatorWhitespaceTrimmer(text).Trim();
  text = TrimAfterOperator(text, '~');
  text = TrimAfterOperator(text, '^');

  std::vector<std::string> pieces = SplitOnSpace(text);
  for (std::string& piece : pieces) piece = ParseComparator(piece, options);
  std::vector<std::string> tokens = SplitOnSpaces(Join(pieces, " "));
  std::vector<Comparator> comparators;
  for (const std::string& raw_token : tokens) {
    const std::string token = ReplaceGte0(raw_token, options);
    // Loose mode drops what is not a comparator instead of failing.
    if (options.loose && !MatchComparator(token, true)) continue;
    Result<Comparator> comparator = MakeComparator(token, options, range);
    if (!comparator) return Fail(std::move(comparator.error()));
    comparators.push_back(std::move(*comparator));
  }
  ComparatorSet set;
  for (Comparator& comparator : comparators) {
    if (comparator.value == kNullSet) return ComparatorSet{std::move(comparator)};
    bool seen = false;
    for (const Comparator& kept : set) seen = seen || kept.value == comparator.value;
    if (!seen) set.push_back(std::move(comparator));
  }
  if (set.size() > 1) {
    std::erase_if(set, [](const Comparator& comparator) { return comparator.value.empty(); });
  }
  return set;
}

struct Range {
  std::vector<ComparatorSet> sets;
};

Result<Range> ParseRange(std::string_view text, const NpmOptions& options) {
  // this.raw: trimmed, every whitespace run one space.
  const std::string_view trimmed = npm::JsTrim(text);
  std::string raw;
  for (std::size_t position = 0; position < trimmed.size();) {
    if (npm::JsSpaceAt(trimmed, position) != 0) {
      raw.push_back(' ');
      while (const std::size_t width = npm::JsSpaceAt(trimmed, position)) position += width;
    } else {
      raw.push_back(trimmed[position]);
      ++position;
    }
  }
  Range range;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = raw.find("||", start);
    const std::string_view part = std::string_view(raw).substr(
        start, bar == std::string::npos ? std::string::npos : bar - start);
    Result<ComparatorSet> set = ParseComparatorSet(TrimSpaces(part), options, raw);
    if (!set) return Fail(std::move(set.error()));
    if (!set->empty()) range.sets.push_back(std::move(*set));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  if (range.sets.empty()) return Fail(InvalidRange(raw, "it has no valid comparator"));
  if (range.sets.size() > 1) {
    // Null sets go unless all are; then a lone "*" set stands for the whole range.
    ComparatorSet first = range.sets.front();
    std::erase_if(range.sets, [](const ComparatorSet& set) { return set[0].value == kNullSet; });
    if (range.sets.empty()) {
      range.sets.push_back(std::move(first));
    } else if (range.sets.size() > 1) {
      for (const ComparatorSet& set : range.sets) {
        if (set.size() == 1 && set[0].value.empty()) {
          ComparatorSet any = set;
          range.sets = {std::move(any)};
          break;
        }
      }
    }
  }
  return range;
}

std::string Format(const Range& range) {
  std::string text;
  for (std::size_t set_index = 0; set_index < range.sets.size(); ++set_index) {
    if (set_index > 0) text += "||";
    const ComparatorSet& set = range.sets[set_index];
    for (std::size_t index = 0; index < set.size(); ++index) {
      if (index > 0) text += ' ';
      text += set[index].value;
    }
  }
  return text;
}

bool Test(const Comparator& comparator, const NpmVersion& version) {
  if (!comparator.version) return true;
  const int order = npm::Compare(version, *comparator.version);
  if (comparator.op.empty()) return order == 0;
  if (comparator.op == ">") return order > 0;
  if (comparator.op == ">=") return order >= 0;
  if (comparator.op == "<") return order < 0;
  return order <= 0;  // "<="
}

bool TestSet(const ComparatorSet& set, const NpmVersion& version, const NpmOptions& options) {
  for (const Comparator& comparator : set) {
    if (!Test(comparator, version)) return false;
  }
  if (!version.prerelease.empty() && !options.include_prerelease) {
    // A prerelease passes only when some comparator names a prerelease of the same
    // major.minor.patch: ^1.2.3-pr.1 admits 1.2.3-pr.2 but not 1.2.4-alpha.
    for (const Comparator& comparator : set) {
      if (!comparator.version || comparator.version->prerelease.empty()) continue;
      const NpmVersion& allowed = *comparator.version;
      if (allowed.major == version.major && allowed.minor == version.minor &&
          allowed.patch == version.patch) {
        return true;
      }
    }
    return false;
  }
  return true;
}

bool RangeTest(const Range& range, const NpmVersion& version, const NpmOptions& options) {
  for (const ComparatorSet& set : range.sets) {
    if (TestSet(set, version, options)) return true;
  }
  return false;
}

enum class Side { kAbove, kBelow };

// ranges/outside.js.
Result<bool> Outside(std::string_view range_text, std::string_view version_text,
                     const NpmOptions& options, Side side) {
  Result<NpmVersion> version = npm::Construct(version_text, options.loose);
  if (!version) return Fail(std::move(version.error()));
  Result<Range> range = ParseRange(range_text, options);
  if (!range) return Fail(std::move(range.error()));
  if (RangeTest(*range, *version, options)) return false;

  // In "above" terms; everything flips for "below".
  const bool above = side == Side::kAbove;
  const auto beyond = [&](const NpmVersion& a, const NpmVersion& b) {
    const int order = npm::Compare(a, b);
    return above ? order > 0 : order < 0;
  };
  const auto short_of = [&](const NpmVersion& a, const NpmVersion& b) {
    const int order = npm::Compare(a, b);
    return above ? order < 0 : order > 0;
  };
  const auto not_beyond = [&](const NpmVersion& a, const NpmVersion& b) { return !beyond(a, b); };
  const std::string comp = above ? ">" : "<";
  const std::string ecomp = above ? ">=" : "<=";
  const Comparator any_version{">=", NpmVersion{"0", "0", "0", {}, {}}, ">=0.0.0"};
  for (const ComparatorSet& set : range->sets) {
    const Comparator* high = nullptr;
    const Comparator* low = nullptr;
    for (const Comparator& original : set) {
      const Comparator* comparator = original.version ? &original : &any_version;
      if (high == nullptr) high = comparator;
      if (low == nullptr) low = comparator;
      if (beyond(*comparator->version, *high->version)) {
        high = comparator;
      } else if (short_of(*comparator->version, *low->version)) {
        low = comparator;
      }
    }
    if (high == nullptr) continue;
    if (high->op == comp || high->op == ecomp) return false;
    if ((low->op.empty() || low->op == comp) && not_beyond(*version, *low->version)) return false;
    if (low->op == ecomp && short_of(*version, *low->version)) return false;
  }
  return true;
}

}  // namespace

Result<bool> NpmSatisfies(std::string_view range_text, std::string_view version_text,
                          NpmOptions options) {
  Result<Range> range = ParseRange(range_text, options);
  if (!range) return Fail(std::move(range.error()));
  Result<NpmVersion> version = npm::Construct(version_text, options.loose);
  if (!version) return Fail(std::move(version.error()));
  return RangeTest(*range, *version, options);
}

Result<std::string> NpmValidRange(std::string_view range_text, NpmOptions options) {
  Result<Range> range = ParseRange(range_text, options);
  if (!range) return Fail(std::move(range.error()));
  std::string text = Format(*range);
  return text.empty() ? std::string("*") : text;
}

Result<bool> NpmGreaterThanRange(std::string_view range, std::string_view version,
                                 NpmOptions options) {
  return Outside(range, version, options, Side::kAbove);
}

Result<bool> NpmLessThanRange(std::string_view range, std::string_view version,
                              NpmOptions options) {
  return Outside(range, version, options, Side::kBelow);
}

}  // namespace sg::version::lang
