// Debian versions as dpkg orders them: lib/dpkg/parsehelp.c parseversion() and
// lib/dpkg/version.c verrevcmp() / dpkg_version_compare().
#include <climits>
#include <string_view>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

constexpr std::string_view kEcosystem = "Debian";

struct DpkgVersion {
  long long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// What C's isspace() accepts in the C locale; strtol() skips these before the epoch.
bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// dpkg's order(): digits and the end sort as 0, letters by their code, '~' before everything,
// any other byte after all letters. dpkg passes a plain `char`, which is signed on the amd64
// builds the vectors were made with, so bytes from 0x80 up sort between letters and '+'.
int Order(char c) {
  if (IsAsciiDigit(c)) return 0;
  if (IsAsciiAlpha(c)) return c;
  if (c == '~') return -1;
  if (c != '\0') return static_cast<signed char>(c) + 256;
  return 0;
}

// verrevcmp() over string_views; `At` plays the role of the C string's terminating NUL.
int VerRevCmp(std::string_view a, std::string_view b) {
  std::size_t ai = 0;
  std::size_t bi = 0;
  auto at = [](std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  while (ai < a.size() || bi < b.size()) {
    int first_diff = 0;
    while ((ai < a.size() && !IsAsciiDigit(a[ai])) || (bi < b.size() && !IsAsciiDigit(b[bi]))) {
      const int ac = Order(at(a, ai));
      const int bc = Order(at(b, bi));
      if (ac != bc) return Sign(ac - bc);
      ++ai;
      ++bi;
    }
    while (at(a, ai) == '0') ++ai;
    while (at(b, bi) == '0') ++bi;
    while (IsAsciiDigit(at(a, ai)) && IsAsciiDigit(at(b, bi))) {
      if (first_diff == 0) first_diff = a[ai] - b[bi];
      ++ai;
      ++bi;
    }
    if (IsAsciiDigit(at(a, ai))) return 1;
    if (IsAsciiDigit(at(b, bi))) return -1;
    if (first_diff != 0) return Sign(first_diff);
  }
  return 0;
}

// parseversion(): only its hard errors reject a version. Its warnings (an upstream version
// that does not start with a digit, characters outside [A-Za-z0-9.+~:-] / [A-Za-z0-9.+~]) are
// accepted, because `dpkg --compare-versions` only warns about them and still compares.
Result<DpkgVersion> ParseDpkg(std::string_view text) {
  const std::string_view original = text;
  auto invalid = [&](std::string_view why) {
    return Fail(InvalidVersion(kEcosystem, original, why));
  };

  if (text.find('\0') != std::string_view::npos) return invalid("it contains a NUL byte");
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  if (text.empty()) return invalid("the version string is empty");
  for (char c : text) {
    if (IsBlank(c)) return invalid("the version string has embedded spaces");
  }

  DpkgVersion version;
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    // strtol(): optional white space and sign, then digits; the digits must end at the colon.
    std::size_t pos = 0;
    while (pos < colon && IsCSpace(text[pos])) ++pos;
    bool negative = false;
    if (pos < colon && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    const std::size_t digits_start = pos;
    while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos;
    const std::string_view digits = text.substr(digits_start, pos - digits_start);
    if (digits.empty()) return invalid("the epoch is empty");
    if (pos != colon) return invalid("the epoch is not a number");
    if (negative && !IsAllZeros(digits)) return invalid("the epoch is negative");
    if (CompareDigitRuns(digits, "2147483647") > 0) return invalid("the epoch is too big");
    if (colon + 1 == text.size()) return invalid("nothing follows the colon");
    for (char digit : StripLeadingZeros(digits)) version.epoch = version.epoch * 10 + (digit - '0');
    text.remove_prefix(colon + 1);
  }

  version.upstream = text;
  if (const std::size_t hyphen = text.rfind('-'); hyphen != std::string_view::npos) {
    version.upstream = text.substr(0, hyphen);
    version.revision = text.substr(hyphen + 1);
    if (version.revision.empty()) return invalid("the revision after the last '-' is empty");
  }
  if (version.upstream.empty()) return invalid("the upstream version is empty");
  return version;
}

}  // namespace

Result<int> CompareDpkg(std::string_view a, std::string_view b) {
  Result<DpkgVersion> left = ParseDpkg(a);
  if (!left) return Fail(std::move(left.error()));
  Result<DpkgVersion> right = ParseDpkg(b);
  if (!right) return Fail(std::move(right.error()));
  if (left->epoch != right->epoch) return left->epoch < right->epoch ? -1 : 1;
  if (const int upstream = VerRevCmp(left->upstream, right->upstream); upstream != 0)
    return upstream;
  return VerRevCmp(left->revision, right->revision);
}

}  // namespace sg::version::distro
