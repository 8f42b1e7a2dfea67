// RPM versions (Red Hat, AlmaLinux, Rocky Linux) as rpm orders them: rpmio/rpmvercmp.c
// rpmvercmp() on each part of [epoch:]version[-release], split like lib/rpmver.c parseEVR().
#include <optional>
#include <string_view>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

constexpr std::string_view kEcosystem = "RPM";

struct RpmVersion {
  std::string_view epoch;  // digits; "0" when absent
  std::string_view version;
  std::optional<std::string_view> release;
};

// rpmvercmp(): alternating runs of digits and letters, everything else a separator; '~' sorts
// before anything (even the end), '^' after the end but before anything else. Only ASCII
// letters and digits count (rpm's risalpha/risdigit), so other bytes are separators.
int RpmVerCmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t one = 0;
  std::size_t two = 0;
  auto is_separator = [](char c) { return !IsAsciiAlnum(c) && c != '~' && c != '^'; };
  while (one < a.size() || two < b.size()) {
    while (one < a.size() && is_separator(a[one])) ++one;
    while (two < b.size() && is_separator(b[two])) ++two;
    const char a_char = one < a.size() ? a[one] : '\0';
    const char b_char = two < b.size() ? b[two] : '\0';

    if (a_char == '~' || b_char == '~') {
      if (a_char != '~') return 1;
      if (b_char != '~') return -1;
      ++one;
      ++two;
      continue;
    }
    // A caret is like a tilde, except that the version that ends (the base version) is older.
    if (a_char == '^' || b_char == '^') {
      if (a_char == '\0') return -1;
      if (b_char == '\0') return 1;
      if (a_char != '^') return 1;
      if (b_char != '^') return -1;
      ++one;
      ++two;
      continue;
    }
    if (a_char == '\0' || b_char == '\0') break;

    const bool numeric = IsAsciiDigit(a_char);
    auto segment_end = [numeric](std::string_view s, std::size_t from) {
      while (from < s.size() && (numeric ? IsAsciiDigit(s[from]) : IsAsciiAlpha(s[from]))) ++from;
      return from;
    };
    const std::size_t one_end = segment_end(a, one);
    const std::size_t two_end = segment_end(b, two);
    // A numeric segment is newer than an alphabetic one (the other side's segment is empty).
    if (two_end == two) return numeric ? 1 : -1;
    const std::string_view a_segment = a.substr(one, one_end - one);
    const std::string_view b_segment = b.substr(two, two_end - two);
    const int compared =
        numeric ? CompareDigitRuns(a_segment, b_segment) : Sign(a_segment.compare(b_segment));
    if (compared != 0) return compared;
    one = one_end;
    two = two_end;
  }
  // All segments equal: whichever still has characters left (only separators) is newer.
  if (one >= a.size() && two >= b.size()) return 0;
  return one >= a.size() ? -1 : 1;
}

Result<RpmVersion> ParseRpm(std::string_view text) {
  auto invalid = [&](std::string_view why) { return Fail(InvalidVersion(kEcosystem, text, why)); };
  if (text.empty()) return invalid("it is empty");
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    // rpm's spec parser never lets white space or control characters into a version or
    // release, so no package carries them: refusing them is safer than guessing an order.
    if (byte <= 0x20 || byte == 0x7F)
      return invalid("it contains white space or a control character");
  }
  RpmVersion version{.epoch = "0", .version = text, .release = std::nullopt};
  std::size_t digits_end = 0;
  while (digits_end < text.size() && IsAsciiDigit(text[digits_end])) ++digits_end;
  if (digits_end < text.size() && text[digits_end] == ':') {
    if (digits_end > 0) version.epoch = text.substr(0, digits_end);
    version.version = text.substr(digits_end + 1);
  }
  if (const std::size_t hyphen = version.version.rfind('-'); hyphen != std::string_view::npos) {
    version.release = version.version.substr(hyphen + 1);
    version.version = version.version.substr(0, hyphen);
  }
  if (version.version.empty()) return invalid("the version part is empty");
  return version;
}

}  // namespace

Result<int> CompareRpm(std::string_view a, std::string_view b) {
  Result<RpmVersion> left = ParseRpm(a);
  if (!left) return Fail(std::move(left.error()));
  Result<RpmVersion> right = ParseRpm(b);
  if (!right) return Fail(std::move(right.error()));
  if (const int epoch = CompareDigitRuns(left->epoch, right->epoch); epoch != 0) return epoch;
  if (const int version = RpmVerCmp(left->version, right->version); version != 0) return version;
  // As rpm's Python labelCompare() (which OSV's comparisons follow): a missing release sorts
  // before any release, even an empty one ("1" < "1-" < "1-0").
  if (!left->release || !right->release) {
    return left->release.has_value() - right->release.has_value();
  }
  return RpmVerCmp(*left->release, *right->release);
}

}  // namespace sg::version::distro
