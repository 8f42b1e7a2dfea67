// PEP 440 versions as pypa/packaging (>= 22) parses, normalises and orders them
// (packaging.version: VERSION_PATTERN, Version.__str__ and _cmpkey).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

constexpr std::string_view kEcosystem = "PyPI (PEP 440)";

bool IsSeparator(char c) { return c == '-' || c == '_' || c == '.'; }

// A cursor over the lower-cased text. Each Take* consumes what it matches and nothing else,
// so a caller can back up by restoring `pos`.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool AtEnd() const { return pos >= text.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  std::string_view TakeDigits() {
    const std::size_t start = pos;
    while (pos < text.size() && IsAsciiDigit(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
  void TakeSeparator() {
    if (IsSeparator(Peek())) ++pos;
  }
  // The first of `words` that the text continues with. The regex tries its alternatives in
  // this order, and a shorter alternative can never lead to a match where a longer one failed
  // (what would follow it is a letter no later part of the pattern starts with).
  template <std::size_t N>
  std::string_view TakeWord(const std::string_view (&words)[N]) {
    for (std::string_view word : words) {
      if (text.substr(pos).starts_with(word)) {
        pos += word.size();
        return word;
      }
    }
    return {};
  }
};

std::string Number(std::string_view digits) {
  return digits.empty() ? std::string("0") : std::string(StripLeadingZeros(digits));
}

std::string PrePhase(std::string_view spelling) {
  if (spelling == "a" || spelling == "alpha") return "a";
  if (spelling == "b" || spelling == "beta") return "b";
  return "rc";  // c, rc, pre, preview
}

// Python's tuple comparison of the (trailing-zero-trimmed) release tuples: as if the shorter
// were padded with zeros.
int CompareRelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t size = std::max(a.size(), b.size());
  for (std::size_t index = 0; index < size; ++index) {
    const std::string_view left = index < a.size() ? std::string_view(a[index]) : "0";
    const std::string_view right = index < b.size() ? std::string_view(b[index]) : "0";
    if (const int compared = CompareDigitRuns(left, right); compared != 0) return compared;
  }
  return 0;
}

// Three-way comparison of optional values where a missing value is -infinity or +infinity.
template <typename T, typename Compare>
int CompareOptional(const std::optional<T>& a, const std::optional<T>& b, int missing,
                    Compare compare) {
  if (!a && !b) return 0;
  if (!a) return missing;
  if (!b) return -missing;
  return compare(*a, *b);
}

int ComparePre(const Pep440PreRelease& a, const Pep440PreRelease& b) {
  if (a.phase != b.phase) return Sign(a.phase.compare(b.phase));
  return CompareDigitRuns(a.number, b.number);
}

// The local part as packaging keys it: numeric segments are greater than alphanumeric ones
// and compare by value, alphanumeric ones compare lexically, then the shorter tuple first.
int CompareLocal(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    if (a.empty() || b.empty()) return a.empty() ? -1 : 1;
    const std::size_t a_end = std::min(a.find('.'), a.size());
    const std::size_t b_end = std::min(b.find('.'), b.size());
    const std::string_view a_part = a.substr(0, a_end);
    const std::string_view b_part = b.substr(0, b_end);
    const bool a_numeric = a_part.find_first_not_of("0123456789") == std::string_view::npos;
    const bool b_numeric = b_part.find_first_not_of("0123456789") == std::string_view::npos;
    int compared = 0;
    if (a_numeric != b_numeric) {
      compared = a_numeric ? 1 : -1;
    } else if (a_numeric) {
      compared = CompareDigitRuns(a_part, b_part);
    } else {
      compared = Sign(a_part.compare(b_part));
    }
    if (compared != 0) return compared;
    a.remove_prefix(std::min(a_end + 1, a.size()));
    b.remove_prefix(std::min(b_end + 1, b.size()));
  }
  return 0;
}

}  // namespace

Result<Pep440Version> ParsePep440(std::string_view text) {
  auto invalid = [&](std::string_view why) { return Fail(InvalidVersion(kEcosystem, text, why)); };
  const std::string_view trimmed = StripPythonWhitespace(text);
  if (trimmed.empty()) return invalid("it is empty");
  std::string lower(trimmed);
  for (char& c : lower) c = AsciiLower(c);

  Cursor cursor{.text = lower, .pos = 0};
  Pep440Version version;
  if (cursor.Peek() == 'v') ++cursor.pos;

  const std::size_t number_start = cursor.pos;
  if (const std::string_view epoch = cursor.TakeDigits(); !epoch.empty() && cursor.Peek() == '!') {
    version.epoch = Number(epoch);
    ++cursor.pos;
  } else {
    cursor.pos = number_start;
  }

  const std::string_view first = cursor.TakeDigits();
  if (first.empty()) return invalid("it does not start with a release number such as 1.0");
  version.release.push_back(Number(first));
  while (cursor.Peek() == '.' && IsAsciiDigit(cursor.Peek(1))) {
    ++cursor.pos;
    version.release.push_back(Number(cursor.TakeDigits()));
  }

  static constexpr std::string_view kPreWords[] = {"alpha",   "a",   "beta", "b",
                                                   "preview", "pre", "c",    "rc"};
  static constexpr std::string_view kPostWords[] = {"post", "rev", "r"};
  static constexpr std::string_view kDevWords[] = {"dev"};

  std::size_t save = cursor.pos;
  cursor.TakeSeparator();
  if (const std::string_view phase = cursor.TakeWord(kPreWords); !phase.empty()) {
    cursor.TakeSeparator();
    version.pre = Pep440PreRelease{.phase = PrePhase(phase), .number = Number(cursor.TakeDigits())};
  } else {
    cursor.pos = save;
  }

  save = cursor.pos;
  if (cursor.Peek() == '-' && IsAsciiDigit(cursor.Peek(1))) {
    ++cursor.pos;
    version.post = Number(cursor.TakeDigits());  // the implicit post-release "1.0-1"
  } else {
    cursor.TakeSeparator();
    if (!cursor.TakeWord(kPostWords).empty()) {
      cursor.TakeSeparator();
      version.post = Number(cursor.TakeDigits());
    } else {
      cursor.pos = save;
    }
  }

  save = cursor.pos;
  cursor.TakeSeparator();
  if (!cursor.TakeWord(kDevWords).empty()) {
    cursor.TakeSeparator();
    version.dev = Number(cursor.TakeDigits());
  } else {
    cursor.pos = save;
  }

  if (cursor.Peek() == '+') {
    ++cursor.pos;
    std::string local;
    while (true) {
      const std::size_t start = cursor.pos;
      while (IsAsciiLower(cursor.Peek()) || IsAsciiDigit(cursor.Peek())) ++cursor.pos;
      const std::string_view segment = cursor.text.substr(start, cursor.pos - start);
      if (segment.empty()) return invalid("a part of its local version (after '+') is empty");
      if (!local.empty()) local += '.';
      const bool numeric = segment.find_first_not_of("0123456789") == std::string_view::npos;
      local += numeric ? std::string(StripLeadingZeros(segment)) : std::string(segment);
      if (!IsSeparator(cursor.Peek())) break;
      ++cursor.pos;
    }
    version.local = std::move(local);
  }

  if (!cursor.AtEnd()) {
    return invalid("it is not of the form [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]");
  }
  return version;
}

int ComparePep440(const Pep440Version& a, const Pep440Version& b) {
  if (const int epoch = CompareDigitRuns(a.epoch, b.epoch); epoch != 0) return epoch;
  if (const int release = CompareRelease(a.release, b.release); release != 0) return release;

  // A development release of a final version (1.0.dev1, no pre or post) sorts before its
  // pre-releases; otherwise a missing pre-release sorts after every pre-release.
  auto pre_rank = [](const Pep440Version& v) {
    if (!v.pre && !v.post && v.dev) return -1;
    return v.pre ? 0 : 1;
  };
  const int a_rank = pre_rank(a);
  const int b_rank = pre_rank(b);
  if (a_rank != b_rank) return a_rank < b_rank ? -1 : 1;
  if (a_rank == 0) {
    if (const int pre = ComparePre(*a.pre, *b.pre); pre != 0) return pre;
  }
  auto digits = [](const std::string& x, const std::string& y) { return CompareDigitRuns(x, y); };
  if (const int post = CompareOptional(a.post, b.post, -1, digits); post != 0) return post;
  if (const int dev = CompareOptional(a.dev, b.dev, 1, digits); dev != 0) return dev;
  return CompareOptional(a.local, b.local, -1, [](const std::string& x, const std::string& y) {
    return CompareLocal(x, y);
  });
}

Result<int> ComparePep440(std::string_view a, std::string_view b) {
  Result<Pep440Version> left = ParsePep440(a);
  if (!left) return Fail(std::move(left.error()));
  Result<Pep440Version> right = ParsePep440(b);
  if (!right) return Fail(std::move(right.error()));
  return ComparePep440(*left, *right);
}

std::string BaseVersion(const Pep440Version& version) {
  std::string text;
  if (version.epoch != "0") text += version.epoch + "!";
  for (std::size_t index = 0; index < version.release.size(); ++index) {
    if (index > 0) text += '.';
    text += version.release[index];
  }
  return text;
}

std::string PublicVersion(const Pep440Version& version) {
  std::string text = BaseVersion(version);
  if (version.pre) text += version.pre->phase + version.pre->number;
  if (version.post) text += ".post" + *version.post;
  if (version.dev) text += ".dev" + *version.dev;
  return text;
}

std::string ToString(const Pep440Version& version) {
  std::string text = PublicVersion(version);
  if (version.local) text += "+" + *version.local;
  return text;
}

}  // namespace sg::version::distro
