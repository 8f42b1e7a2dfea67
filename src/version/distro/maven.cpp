// Maven versions as Maven 3.9 / 4.0 order them: maven-artifact's ComparableVersion (with the
// CombinationItem of MNG-7559/MNG-7644 and the trailing-null rules of ListItem.normalize()).
//
// ComparableVersion builds nested lists: a new sub-list starts at every '-' and at every switch
// between digits and letters, and all further items go into it, so a sub-list is always the
// last element of its parent. The lists therefore form a chain, kept here as a vector of nodes
// (node k + 1 is the last element of node k), which lets parsing, normalising and comparing run
// in loops instead of recursion however deeply a version nests.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "version/distro/common.hpp"
#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

constexpr std::string_view kEcosystem = "Maven";

// The Item types of ComparableVersion. A number's type depends on its length (int up to 9
// digits, long up to 18, BigInteger beyond) and numbers of different types never compare
// equal, as in Maven.
enum class Kind { kInt, kLong, kBigInteger, kString, kCombination, kList };

struct Number {
  Kind kind = Kind::kInt;
  std::string digits;  // leading zeros stripped, except that a run of zeros stays as written
};

struct Item {
  Kind kind = Kind::kInt;
  Number number;          // kInt, kLong, kBigInteger; the digit part of a kCombination
  std::u16string string;  // kString; the string part of a kCombination
};

struct ListNode {
  std::vector<Item> items;
  bool has_child = false;  // the next node is this list's last element
};

using Chain = std::vector<ListNode>;

constexpr std::array<std::u16string_view, 7> kQualifiers = {
    u"alpha", u"beta", u"milestone", u"rc", u"snapshot", u"", u"sp"};
constexpr int kReleaseIndex = 5;  // the index of "" in kQualifiers
constexpr int kUnknownIndex = 7;  // every unknown qualifier, ordered among themselves lexically

// Java's String.toLowerCase(Locale.ENGLISH) for the scripts versions are written in: ASCII,
// Latin-1, Latin Extended-A, Greek and Cyrillic capitals. Capitals of other scripts are kept.
void AppendLowerCase(char32_t code_point, std::u32string& out) {
  char32_t c = code_point;
  if (c >= U'A' && c <= U'Z') {
    c += 0x20;
  } else if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) ||
             (c >= 0x410 && c <= 0x42F)) {
    c += 0x20;
  } else if (c >= 0x400 && c <= 0x40F) {
    c += 0x50;
  } else if (c == 0x130) {
    out.push_back(U'i');  // İ lower-cases to i + COMBINING DOT ABOVE
    c = 0x307;
  } else if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
             (c >= 0x14A && c <= 0x177)) {
    if (c % 2 == 0) ++c;
  } else if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) {
    if (c % 2 == 1) ++c;
  } else if (c == 0x178) {
    c = 0xFF;
  } else if (c == 0x386) {
    c = 0x3AC;
  } else if (c >= 0x388 && c <= 0x38A) {
    c += 0x25;
  } else if (c == 0x38C) {
    c = 0x3CC;
  } else if (c == 0x38E || c == 0x38F) {
    c += 0x3F;
  }
  out.push_back(c);
}

// Decodes UTF-8 as Java would read it (a malformed sequence becomes U+FFFD), lower-cases it and
// re-encodes it as UTF-16, the unit Java compares strings in.
std::u16string LowerCaseUtf16(std::string_view utf8) {
  std::u32string code_points;
  code_points.reserve(utf8.size());
  std::size_t index = 0;
  while (index < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[index]);
    std::size_t length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
      length = 1;
      value = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      value = lead & 0x1F;
      minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      value = lead & 0x0F;
      minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      value = lead & 0x07;
      minimum = 0x10000;
    }
    bool well_formed = length > 0 && index + length <= utf8.size();
    for (std::size_t offset = 1; well_formed && offset < length; ++offset) {
      const auto next = static_cast<unsigned char>(utf8[index + offset]);
      if ((next & 0xC0) != 0x80) {
        well_formed = false;
      } else {
        value = (value << 6) | (next & 0x3F);
      }
    }
    if (well_formed &&
        (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))) {
      well_formed = false;
    }
    if (!well_formed) {
      AppendLowerCase(0xFFFD, code_points);
      ++index;
      continue;
    }
    AppendLowerCase(value, code_points);
    index += length;
  }
  std::u16string utf16;
  utf16.reserve(code_points.size());
  for (char32_t c : code_points) {
    if (c < 0x10000) {
      utf16.push_back(static_cast<char16_t>(c));
    } else {
      c -= 0x10000;
      utf16.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
      utf16.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
    }
  }
  return utf16;
}

bool IsDigit16(char16_t c) { return c >= u'0' && c <= u'9'; }

Number MakeNumber(std::u16string_view digits) {
  std::string ascii(digits.begin(), digits.end());
  // Maven 3.9/4.0 strip leading zeros but leave an all-zero run as written.
  if (!IsAllZeros(ascii)) ascii.erase(0, ascii.find_first_not_of('0'));
  Kind kind = Kind::kBigInteger;
  if (ascii.size() <= 9) {
    kind = Kind::kInt;
  } else if (ascii.size() <= 18) {
    kind = Kind::kLong;
  }
  return Number{.kind = kind, .digits = std::move(ascii)};
}

// StringItem's constructor: a lone a, b or m before a number means alpha, beta, milestone;
// "cr" is an alias of "rc".
std::u16string Qualifier(std::u16string_view value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value[0] == u'a') return u"alpha";
    if (value[0] == u'b') return u"beta";
    if (value[0] == u'm') return u"milestone";
  }
  if (value == u"cr") return u"rc";
  return std::u16string(value);
}

// parseItem(): a combination (letters followed by digits, '-' between them dropped), a number
// or a string.
Item ParseItem(bool is_combination, bool is_digit, std::u16string_view text) {
  if (is_combination) {
    std::u16string joined;
    for (char16_t c : text) {
      if (c != u'-') joined.push_back(c);
    }
    std::size_t split = 0;
    while (split < joined.size() && !IsDigit16(joined[split])) ++split;
    const std::u16string_view view(joined);
    return Item{.kind = Kind::kCombination,
                .number = MakeNumber(view.substr(split)),
                .string = Qualifier(view.substr(0, split), true)};
  }
  if (is_digit) {
    Number number = MakeNumber(text);
    return Item{.kind = number.kind, .number = std::move(number), .string = {}};
  }
  return Item{.kind = Kind::kString, .number = {}, .string = Qualifier(text, false)};
}

Item Zero() { return Item{.kind = Kind::kInt, .number = {Kind::kInt, "0"}, .string = {}}; }

bool IsNull(const Item& item) {
  switch (item.kind) {
    case Kind::kInt:
    case Kind::kLong:
    case Kind::kBigInteger:
      return IsAllZeros(item.number.digits);
    case Kind::kString:
      return item.string.empty();
    default:
      return false;
  }
}

// The kind of the first element of node `index`, which is never empty when this is asked.
Kind FirstKind(const Chain& chain, std::size_t index) {
  const ListNode& node = chain[index];
  return node.items.empty() ? Kind::kList : node.items.front().kind;
}

bool IsEmpty(const ListNode& node) { return node.items.empty() && !node.has_child; }

// ListItem.normalize() for every list, innermost first: drops null items (0, "", empty lists)
// at the end of a list, and null items that a string, or a sub-list starting with a string or
// a combination, follows.
void Normalize(Chain& chain) {
  for (std::size_t index = chain.size(); index-- > 0;) {
    ListNode& node = chain[index];
    if (node.has_child && IsEmpty(chain[index + 1])) {
      node.has_child = false;
      chain.resize(index + 1);
    }
    std::vector<Item> kept_reversed;
    kept_reversed.reserve(node.items.size());
    for (std::size_t position = node.items.size(); position-- > 0;) {
      Item& item = node.items[position];
      bool remove = false;
      if (IsNull(item)) {
        if (kept_reversed.empty() && !node.has_child) {
          remove = true;
        } else if (!kept_reversed.empty()) {
          remove = kept_reversed.back().kind == Kind::kString;
        } else {
          const Kind first = FirstKind(chain, index + 1);
          remove = first == Kind::kCombination || first == Kind::kString;
        }
      }
      if (!remove) kept_reversed.push_back(std::move(item));
    }
    node.items.assign(std::make_move_iterator(kept_reversed.rbegin()),
                      std::make_move_iterator(kept_reversed.rend()));
  }
}

// ComparableVersion.parseVersion(), on the lower-cased UTF-16 text.
Chain Parse(std::string_view version_text) {
  const std::u16string version = LowerCaseUtf16(version_text);
  const std::u16string_view view(version);
  Chain chain(1);
  auto start_sub_list = [&chain] {
    chain.back().has_child = true;
    chain.emplace_back();
  };
  auto current = [&chain]() -> ListNode& { return chain.back(); };
  bool is_digit = false;
  bool is_combination = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < view.size(); ++i) {
    const char16_t c = view[i];
    if (c == u'.') {
      if (i == start) {
        current().items.push_back(Zero());
      } else {
        current().items.push_back(
            ParseItem(is_combination, is_digit, view.substr(start, i - start)));
      }
      is_combination = false;
      start = i + 1;
    } else if (c == u'-') {
      if (i == start) {
        current().items.push_back(Zero());
      } else {
        // "X-1" is read as "X1". (Maven asks Character.isDigit here; only ASCII digits count
        // in this port, as everywhere else in Maven 4's parser.)
        if (!is_digit && i + 1 != view.size() && IsDigit16(view[i + 1])) {
          is_combination = true;
          continue;
        }
        current().items.push_back(
            ParseItem(is_combination, is_digit, view.substr(start, i - start)));
      }
      start = i + 1;
      if (!IsEmpty(current())) start_sub_list();
      is_combination = false;
    } else if (IsDigit16(c)) {
      if (!is_digit && i > start) {
        is_combination = true;
        if (!IsEmpty(current())) start_sub_list();
      }
      is_digit = true;
    } else {
      if (is_digit && i > start) {
        current().items.push_back(ParseItem(is_combination, true, view.substr(start, i - start)));
        start = i;
        start_sub_list();
        is_combination = false;
      }
      is_digit = false;
    }
  }
  if (view.size() > start) {
    // "1.0.0.X1" < "1.0.0-X2": a trailing ".X" is read as "-X".
    if (!is_digit && !IsEmpty(current())) start_sub_list();
    current().items.push_back(ParseItem(is_combination, is_digit, view.substr(start)));
  }
  Normalize(chain);
  return chain;
}

int CompareNumbers(const Number& a, const Number& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  return CompareDigitRuns(a.digits, b.digits);
}

int QualifierIndex(const std::u16string& qualifier) {
  if (qualifier == u"ga" || qualifier == u"final" || qualifier == u"release") return kReleaseIndex;
  for (std::size_t index = 0; index < kQualifiers.size(); ++index) {
    if (kQualifiers[index] == qualifier) return static_cast<int>(index);
  }
  return kUnknownIndex;
}

// comparableQualifier(a).compareTo(comparableQualifier(b)).
int CompareQualifiers(const std::u16string& a, const std::u16string& b) {
  const int a_index = QualifierIndex(a);
  const int b_index = QualifierIndex(b);
  if (a_index != b_index) return a_index < b_index ? -1 : 1;
  if (a_index != kUnknownIndex) return 0;
  return Sign(a.compare(b));
}

bool IsNumber(Kind kind) {
  return kind == Kind::kInt || kind == Kind::kLong || kind == Kind::kBigInteger;
}

// Item.compareTo(null) for a scalar item.
int CompareScalarWithNull(const Item& item) {
  if (IsNumber(item.kind)) return IsAllZeros(item.number.digits) ? 0 : 1;
  // A string, or the string part of a combination, against the release qualifier "".
  const int index = QualifierIndex(item.string);
  return index == kReleaseIndex ? 0 : (index < kReleaseIndex ? -1 : 1);
}

// Item.compareTo(Item) for two scalar items.
int CompareScalars(const Item& a, const Item& b) {
  if (IsNumber(a.kind)) return IsNumber(b.kind) ? CompareNumbers(a.number, b.number) : 1;
  if (IsNumber(b.kind)) return -1;
  const int strings = CompareQualifiers(a.string, b.string);
  if (a.kind == Kind::kString && b.kind == Kind::kString) return strings;
  if (a.kind == Kind::kString) return strings == 0 ? -1 : strings;  // X < X1
  if (b.kind == Kind::kString) return strings == 0 ? 1 : strings;   // X1 > X
  return strings == 0 ? CompareNumbers(a.number, b.number) : strings;
}

// ListItem.compareTo(null) for node `index` and its descendants: the first element that does
// not compare equal to null decides.
int CompareListWithNull(const Chain& chain, std::size_t index) {
  for (; index < chain.size(); ++index) {
    for (const Item& item : chain[index].items) {
      if (const int compared = CompareScalarWithNull(item); compared != 0) return compared;
    }
    if (!chain[index].has_child) break;
  }
  return 0;
}

// A list against a scalar: lists sort before numbers and after strings and combinations.
int CompareListWithScalar(const Item& scalar) { return IsNumber(scalar.kind) ? -1 : 1; }

int CompareChains(const Chain& a, const Chain& b) {
  std::size_t a_index = 0;
  std::size_t b_index = 0;
  while (true) {
    const ListNode& left = a[a_index];
    const ListNode& right = b[b_index];
    const std::size_t left_size = left.items.size() + (left.has_child ? 1 : 0);
    const std::size_t right_size = right.items.size() + (right.has_child ? 1 : 0);
    const std::size_t size = std::max(left_size, right_size);
    bool descend = false;
    for (std::size_t position = 0; position < size; ++position) {
      const bool left_present = position < left_size;
      const bool right_present = position < right_size;
      const bool left_list = left_present && position == left.items.size();
      const bool right_list = right_present && position == right.items.size();
      int result = 0;
      if (left_list && right_list) {
        descend = true;  // both sub-lists are the last elements: compare them next
        break;
      }
      if (!left_present) {
        result = right_list ? -CompareListWithNull(b, b_index + 1)
                            : -CompareScalarWithNull(right.items[position]);
      } else if (!right_present) {
        result = left_list ? CompareListWithNull(a, a_index + 1)
                           : CompareScalarWithNull(left.items[position]);
      } else if (left_list) {
        result = CompareListWithScalar(right.items[position]);
      } else if (right_list) {
        result = -CompareListWithScalar(left.items[position]);
      } else {
        result = CompareScalars(left.items[position], right.items[position]);
      }
      if (result != 0) return result;
    }
    if (!descend) return 0;
    ++a_index;
    ++b_index;
  }
}

bool IsBlankText(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && (c < '\t' || c > '\r')) return false;
  }
  return true;
}

Result<Chain> ParseMaven(std::string_view text) {
  if (text.empty()) return Fail(InvalidVersion(kEcosystem, text, "it is empty"));
  if (IsBlankText(text)) return Fail(InvalidVersion(kEcosystem, text, "it is only white space"));
  return Parse(text);
}

}  // namespace

Result<int> CompareMaven(std::string_view a, std::string_view b) {
  Result<Chain> left = ParseMaven(a);
  if (!left) return Fail(std::move(left.error()));
  Result<Chain> right = ParseMaven(b);
  if (!right) return Fail(std::move(right.error()));
  return CompareChains(*left, *right);
}

}  // namespace sg::version::distro
