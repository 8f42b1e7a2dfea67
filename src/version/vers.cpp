#include "version/vers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "version/distro/distro.hpp"
#include "version/version.hpp"

namespace sg::version {
namespace {

// ---------------------------------------------------------------------------------------------
// Versioning schemes

/// What orders the versions of a scheme.
enum class Ordering {
  kEcosystem,      // version::Compare for `ecosystem`
  kLexicographic,  // the bytes of the text
  kDatetime,       // the instant an RFC 3339 timestamp names
};

struct SchemeEntry {
  std::string_view name;
  Ordering ordering;
  Ecosystem ecosystem;  // meaningful for kEcosystem only
};

// The vers versioning schemes (the vers types) SupplyGuard orders, with the ecosystem whose rules
// apply. "rpm" uses rpmvercmp, as Red Hat does.
constexpr std::array kSchemes{
    SchemeEntry{"alpine", Ordering::kEcosystem, Ecosystem::kAlpine},
    SchemeEntry{"cargo", Ordering::kEcosystem, Ecosystem::kCratesIo},
    SchemeEntry{"composer", Ordering::kEcosystem, Ecosystem::kPackagist},
    SchemeEntry{"cran", Ordering::kEcosystem, Ecosystem::kCran},
    SchemeEntry{"datetime", Ordering::kDatetime, Ecosystem::kSemVer},
    SchemeEntry{"deb", Ordering::kEcosystem, Ecosystem::kDebian},
    SchemeEntry{"gem", Ordering::kEcosystem, Ecosystem::kRubyGems},
    SchemeEntry{"golang", Ordering::kEcosystem, Ecosystem::kGo},
    SchemeEntry{"hackage", Ordering::kEcosystem, Ecosystem::kHackage},
    SchemeEntry{"lexicographic", Ordering::kLexicographic, Ecosystem::kSemVer},
    SchemeEntry{"maven", Ordering::kEcosystem, Ecosystem::kMaven},
    SchemeEntry{"npm", Ordering::kEcosystem, Ecosystem::kNpm},
    SchemeEntry{"nuget", Ordering::kEcosystem, Ecosystem::kNuGet},
    SchemeEntry{"pub", Ordering::kEcosystem, Ecosystem::kPub},
    SchemeEntry{"pypi", Ordering::kEcosystem, Ecosystem::kPyPI},
    SchemeEntry{"rpm", Ordering::kEcosystem, Ecosystem::kRedHat},
    SchemeEntry{"semver", Ordering::kEcosystem, Ecosystem::kSemVer},
};

const SchemeEntry* FindScheme(std::string_view name) {
  for (const SchemeEntry& entry : kSchemes) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view VersSchemeOf(Ecosystem ecosystem) {
  // Distributions that share an ordering share its scheme.
  if (ecosystem == Ecosystem::kAlmaLinux || ecosystem == Ecosystem::kRockyLinux) {
    ecosystem = Ecosystem::kRedHat;
  }
  if (ecosystem == Ecosystem::kBitnami) ecosystem = Ecosystem::kSemVer;
  for (const SchemeEntry& entry : kSchemes) {
    if (entry.ordering == Ordering::kEcosystem && entry.ecosystem == ecosystem) return entry.name;
  }
  return {};
}

namespace {

/// The operator `clause` starts with, from `operators` (tried in order, so longer ones first),
/// and its comparator; an empty symbol and kEqual when none.
template <std::size_t N>
std::pair<std::string_view, VersComparator> LeadingOperator(
    std::string_view clause,
    const std::array<std::pair<std::string_view, VersComparator>, N>& operators) {
  for (const auto& [candidate, mapped] : operators) {
    if (clause.starts_with(candidate)) return {candidate, mapped};
  }
  return {{}, VersComparator::kEqual};
}

constexpr std::size_t kMaxShown = 100;

/// `text` quoted for a message: control and non-ASCII bytes as \xNN, long text cut short.
std::string Quoted(std::string_view text) {
  std::string shown = "'";
  for (std::size_t index = 0; index < text.size() && index < kMaxShown; ++index) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte < 0x20 || byte >= 0x7f) {
      shown += fmt::format("\\x{:02X}", byte);
    } else {
      shown += static_cast<char>(byte);
    }
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown + "'";
}

Error InvalidRange(std::string_view reason) {
  return Error::BadRequest(fmt::format("Not a canonical vers: {}.", reason), "invalidRange");
}

Error InvalidConstraints(std::string_view reason) {
  return Error::BadRequest(fmt::format("Invalid vers constraints: {}.", reason),
                           "invalidConstraints");
}

Error InvalidVersion(std::string_view scheme, std::string_view version, std::string_view reason) {
  return Error::BadRequest(
      fmt::format("{} is not a valid '{}' version: {}.", Quoted(version), scheme, reason),
      "invalidVersion");
}

Error UnknownScheme(std::string_view scheme) {
  if (scheme == "invalid") {
    return InvalidRange("the reserved vers type 'invalid' is always invalid");
  }
  std::string known;
  for (const SchemeEntry& entry : kSchemes) {
    if (!known.empty()) known += ", ";
    known += entry.name;
  }
  return Error::BadRequest(
      fmt::format("Unknown vers versioning scheme {}; known: {}.", Quoted(scheme), known),
      "unknownVersScheme");
}

Result<const SchemeEntry*> GetScheme(std::string_view name) {
  const SchemeEntry* entry = FindScheme(name);
  if (entry == nullptr) return Fail(UnknownScheme(name));
  return entry;
}

// ---------------------------------------------------------------------------------------------
// The "datetime" scheme: RFC 3339 timestamps ordered by the instant they name.

/// An instant: whole seconds since 1970-01-01T00:00:00Z and the decimal fraction of a second
/// (digits without trailing zeros), so that precision is never lost.
struct Instant {
  std::int64_t seconds = 0;
  std::string fraction;
};

/// Days from 1970-01-01 to the proleptic Gregorian date (the usual era-based civil calendar
/// arithmetic: 400-year eras of 146097 days, years starting in March).
std::int64_t DaysFromCivil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const int shifted_month = month > 2 ? month - 3 : month + 9;
  const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

int DaysInMonth(int year, int month) {
  constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

Result<Instant> ParseDatetime(std::string_view text) {
  const auto invalid = [&](std::string_view reason) {
    return Fail(InvalidVersion("datetime", text, reason));
  };
  constexpr std::string_view kShape =
      "expected an RFC 3339 date-time such as 2024-01-01T00:00:00Z or "
      "2024-01-01T00:00:00.5+02:00";
  std::size_t position = 0;
  // Reads exactly `width` decimal digits.
  const auto number = [&](std::size_t width) -> std::optional<int> {
    if (position + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t index = 0; index < width; ++index) {
      const char digit = text[position + index];
      if (digit < '0' || digit > '9') return std::nullopt;
      value = value * 10 + (digit - '0');
    }
    position += width;
    return value;
  };
  const auto literal = [&](char expected) {
    if (position >= text.size() || text[position] != expected) return false;
    ++position;
    return true;
  };
  const std::optional<int> year = number(4);
  if (!year || !literal('-')) return invalid(kShape);
  const std::optional<int> month = number(2);
  if (!month || !literal('-')) return invalid(kShape);
  const std::optional<int> day = number(2);
  if (!day) return invalid(kShape);
  if (position < text.size() && text[position] == 't') {
    return invalid("the date and time separator must be an upper-case 'T'");
  }
  if (!literal('T')) return invalid(kShape);
  const std::optional<int> hour = number(2);
  if (!hour || !literal(':')) return invalid(kShape);
  const std::optional<int> minute = number(2);
  if (!minute || !literal(':')) return invalid(kShape);
  const std::optional<int> second = number(2);
  if (!second) return invalid(kShape);
  Instant instant;
  if (literal('.')) {
    const std::size_t start = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') ++position;
    if (position == start) return invalid("a '.' must be followed by the fraction's digits");
    instant.fraction = std::string(text.substr(start, position - start));
    while (!instant.fraction.empty() && instant.fraction.back() == '0') instant.fraction.pop_back();
  }
  int offset_seconds = 0;
  if (position < text.size() && text[position] == 'z') {
    return invalid("the UTC designator must be an upper-case 'Z'");
  }
  if (!literal('Z')) {
    if (position >= text.size() || (text[position] != '+' && text[position] != '-')) {
      return invalid("expected 'Z' or an offset such as +02:00 after the time");
    }
    const int sign = text[position] == '+' ? 1 : -1;
    ++position;
    const std::optional<int> offset_hour = number(2);
    if (!offset_hour || !literal(':')) return invalid(kShape);
    const std::optional<int> offset_minute = number(2);
    if (!offset_minute || *offset_hour > 23 || *offset_minute > 59) {
      return invalid("the offset must be +HH:MM or -HH:MM with HH at most 23 and MM at most 59");
    }
    offset_seconds = sign * (*offset_hour * 3600 + *offset_minute * 60);
  }
  if (position != text.size()) return invalid(kShape);
  if (*month < 1 || *month > 12) return invalid("the month must be 01 to 12");
  if (*day < 1 || *day > DaysInMonth(*year, *month)) {
    return invalid("the day does not exist in that month");
  }
  // RFC 3339 allows a leap second (60); it is counted as the next second's instant.
  if (*hour > 23 || *minute > 59 || *second > 60) return invalid("the time of day is out of range");
  instant.seconds = DaysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 +
                    *second - offset_seconds;
  return instant;
}

int CompareInstants(const Instant& a, const Instant& b) {
  if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
  // Fractions without trailing zeros compare as digit strings once padded to one length.
  const std::size_t width = std::max(a.fraction.size(), b.fraction.size());
  std::string left = a.fraction;
  std::string right = b.fraction;
  left.resize(width, '0');
  right.resize(width, '0');
  const int compared = left.compare(right);
  return (compared > 0) - (compared < 0);
}

// ---------------------------------------------------------------------------------------------
// Comparing with a scheme

Result<int> CompareWith(const SchemeEntry& scheme, std::string_view a, std::string_view b) {
  switch (scheme.ordering) {
    case Ordering::kEcosystem:
      return Compare(scheme.ecosystem, a, b);
    case Ordering::kLexicographic: {
      if (a.empty() || b.empty()) {
        return Fail(InvalidVersion(scheme.name, a.empty() ? a : b, "a version is not empty"));
      }
      // std::char_traits<char> compares as unsigned char: plain UTF-8 byte order.
      const int compared = a.compare(b);
      return (compared > 0) - (compared < 0);
    }
    case Ordering::kDatetime: {
      Result<Instant> left = ParseDatetime(a);
      if (!left) return Fail(std::move(left.error()));
      Result<Instant> right = ParseDatetime(b);
      if (!right) return Fail(std::move(right.error()));
      return CompareInstants(*left, *right);
    }
  }
  return Fail(Error::Internal("unhandled vers ordering"));
}

Result<void> ValidateWith(const SchemeEntry& scheme, std::string_view version) {
  Result<int> compared = CompareWith(scheme, version, version);
  if (!compared) return Fail(std::move(compared.error()));
  return {};
}

// ---------------------------------------------------------------------------------------------
// Percent-encoding

constexpr std::string_view kReservedInVersion = "><=!*|%";

/// Whether canonical form percent-encodes this byte of a version: the characters the vers
/// syntax reserves, the space, and anything that is not printable ASCII.
bool MustEncode(unsigned char byte) {
  return byte <= 0x20 || byte >= 0x7f ||
         kReservedInVersion.find(static_cast<char>(byte)) != std::string_view::npos;
}

int HexValue(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  return -1;
}

/// The version `raw` percent-decoded once. With `canonical`, a triplet must use upper-case hex
/// and encode a byte that needs it; otherwise any valid triplet is decoded.
Result<std::string> DecodeVersion(std::string_view raw, bool canonical) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t index = 0; index < raw.size(); ++index) {
    const char character = raw[index];
    if (character == '%') {
      const int high = index + 1 < raw.size() ? HexValue(raw[index + 1]) : -1;
      const int low = index + 2 < raw.size() ? HexValue(raw[index + 2]) : -1;
      if (high < 0 || low < 0) {
        return Fail(InvalidRange(fmt::format(
            "invalid percent-encoding in version {}: '%' must start a triplet such as %25 or %3C",
            Quoted(raw))));
      }
      const std::string_view triplet = raw.substr(index, 3);
      const auto byte = static_cast<unsigned char>(high * 16 + low);
      if (canonical) {
        if (std::any_of(triplet.begin() + 1, triplet.end(),
                        [](char digit) { return digit >= 'a' && digit <= 'f'; })) {
          return Fail(InvalidRange(fmt::format(
              "percent-encoding in version {} is not canonical: '{}' must use upper-case hex "
              "digits",
              Quoted(raw), triplet)));
        }
        if (!MustEncode(byte)) {
          return Fail(InvalidRange(fmt::format(
              "percent-encoding in version {} is not canonical: '{}' encodes '{}', which must be "
              "written unencoded",
              Quoted(raw), triplet, static_cast<char>(byte))));
        }
      }
      decoded += static_cast<char>(byte);
      index += 2;
      continue;
    }
    if (kReservedInVersion.find(character) != std::string_view::npos) {
      return Fail(InvalidRange(
          fmt::format("the character '{}' in version {} must be percent-encoded (%{:02X})",
                      character, Quoted(raw), static_cast<unsigned char>(character))));
    }
    decoded += character;
  }
  return decoded;
}

std::string EncodeVersion(std::string_view version) {
  std::string encoded;
  encoded.reserve(version.size());
  for (const char character : version) {
    const auto byte = static_cast<unsigned char>(character);
    if (MustEncode(byte)) {
      encoded += fmt::format("%{:02X}", byte);
    } else {
      encoded += character;
    }
  }
  return encoded;
}

// ---------------------------------------------------------------------------------------------
// Parsing

bool IsAsciiWhitespace(char character) {
  return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
         character == '\f' || character == '\v';
}

char ToLowerAscii(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ToLowerAscii(x) == ToLowerAscii(y);
         });
}

std::string ConstraintText(const VersConstraint& constraint) {
  return std::string(Symbol(constraint.comparator)) + constraint.version;
}

bool IsLesser(VersComparator comparator) {
  return comparator == VersComparator::kLess || comparator == VersComparator::kLessOrEqual;
}

bool IsGreater(VersComparator comparator) {
  return comparator == VersComparator::kGreater || comparator == VersComparator::kGreaterOrEqual;
}

/// The spec's rules on contiguous comparators of a sorted, de-duplicated list.
Result<void> CheckComparatorSequence(const std::vector<VersConstraint>& constraints) {
  // Ignoring "!=": an equality is followed only by an equality, ">" or ">=".
  const VersConstraint* previous = nullptr;
  for (const VersConstraint& constraint : constraints) {
    if (constraint.comparator == VersComparator::kNotEqual) continue;
    if (previous != nullptr && previous->comparator == VersComparator::kEqual &&
        IsLesser(constraint.comparator)) {
      return Fail(InvalidConstraints(fmt::format(
          "'{}' cannot follow the equality '{}' (ignoring '!=', an equality is followed only by "
          "an equality, '>' or '>=')",
          ConstraintText(constraint), ConstraintText(*previous))));
    }
    previous = &constraint;
  }
  // Ignoring "!=" and equalities: lesser and greater comparators alternate.
  previous = nullptr;
  for (const VersConstraint& constraint : constraints) {
    if (!IsLesser(constraint.comparator) && !IsGreater(constraint.comparator)) continue;
    if (previous != nullptr && IsLesser(previous->comparator) == IsLesser(constraint.comparator)) {
      return Fail(InvalidConstraints(fmt::format(
          "'{}' cannot follow '{}' (ignoring '!=' and equalities, '<'/'<=' and '>'/'>=' must "
          "alternate)",
          ConstraintText(constraint), ConstraintText(*previous))));
    }
    previous = &constraint;
  }
  return {};
}

/// Every version valid in the scheme; in order, each once; comparators in a valid sequence.
Result<void> CheckConstraints(const SchemeEntry& scheme,
                              const std::vector<VersConstraint>& constraints) {
  if (constraints.empty()) return Fail(InvalidConstraints("a range has at least one constraint"));
  const bool has_any = std::any_of(constraints.begin(), constraints.end(), [](const auto& item) {
    return item.comparator == VersComparator::kAny;
  });
  if (has_any) {
    if (constraints.size() != 1 || !constraints.front().version.empty()) {
      return Fail(InvalidConstraints("'*' must be alone, without a version or other constraints"));
    }
    return {};
  }
  for (const VersConstraint& constraint : constraints) {
    if (constraint.version.empty()) {
      return Fail(InvalidConstraints(
          fmt::format("the constraint '{}' has no version", Symbol(constraint.comparator))));
    }
    Result<void> valid = ValidateWith(scheme, constraint.version);
    if (!valid) return valid;
  }
  for (std::size_t index = 1; index < constraints.size(); ++index) {
    const VersConstraint& before = constraints[index - 1];
    const VersConstraint& after = constraints[index];
    const int compared = CompareWith(scheme, before.version, after.version).value();
    if (compared == 0) {
      return Fail(InvalidConstraints(fmt::format(
          "each version may occur only once, but '{}' and '{}' name the same '{}' version",
          ConstraintText(before), ConstraintText(after), scheme.name)));
    }
    if (compared > 0) {
      return Fail(InvalidConstraints(
          fmt::format("constraints are not sorted by version: '{}' must come before '{}'",
                      ConstraintText(after), ConstraintText(before))));
    }
  }
  return CheckComparatorSequence(constraints);
}

/// ParseVers (`canonical`) and NormalizeVers (not `canonical`).
Result<VersRange> Parse(std::string_view text, bool canonical) {
  for (const char character : text) {
    if (IsAsciiWhitespace(character)) {
      return Fail(
          InvalidRange("whitespace is not permitted (a space in a version is written %20)"));
    }
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte >= 0x7f) {
      return Fail(InvalidRange(
          "only printable ASCII is permitted (other bytes in a version are percent-encoded)"));
    }
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Fail(InvalidRange("it must start with the URI scheme 'vers:'"));
  }
  const std::string_view uri_scheme = text.substr(0, colon);
  if (uri_scheme != "vers" && (canonical || !EqualsIgnoringCase(uri_scheme, "vers"))) {
    return Fail(InvalidRange(
        fmt::format("the URI scheme must be 'vers' in lower case, not {}", Quoted(uri_scheme))));
  }
  const std::string_view specifier = text.substr(colon + 1);
  const std::size_t slash = specifier.find('/');
  if (slash == std::string_view::npos) {
    return Fail(InvalidRange("a '/' must separate the versioning scheme from the constraints"));
  }
  VersRange range;
  const std::string_view type = specifier.substr(0, slash);
  if (type.empty()) return Fail(InvalidRange("the versioning scheme is empty"));
  if (type.find('%') != std::string_view::npos) {
    return Fail(InvalidRange("the versioning scheme must not be percent-encoded"));
  }
  const bool letter_first =
      (type.front() >= 'a' && type.front() <= 'z') || (type.front() >= 'A' && type.front() <= 'Z');
  for (const char character : type) {
    const char lower = ToLowerAscii(character);
    const bool allowed = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ||
                         lower == '.' || lower == '-';
    if (!allowed || !letter_first) {
      return Fail(InvalidRange(fmt::format(
          "the versioning scheme {} must start with a letter and hold only letters, digits, '.' "
          "and '-'",
          Quoted(type))));
    }
    if (canonical && lower != character) {
      return Fail(InvalidRange(
          fmt::format("the versioning scheme {} must be in lower case", Quoted(type))));
    }
    range.scheme += lower;
  }

  const std::string_view constraints = specifier.substr(slash + 1);
  if (constraints.empty()) return Fail(InvalidRange("the constraints are empty"));
  if (constraints.front() == '|') return Fail(InvalidRange("a leading pipe is not permitted"));
  if (constraints.back() == '|') return Fail(InvalidRange("a trailing pipe is not permitted"));
  if (constraints.find("||") != std::string_view::npos) {
    return Fail(InvalidRange("consecutive pipes are not permitted"));
  }

  std::size_t start = 0;
  while (start <= constraints.size()) {
    std::size_t end = constraints.find('|', start);
    if (end == std::string_view::npos) end = constraints.size();
    std::string_view item = constraints.substr(start, end - start);
    start = end + 1;

    VersConstraint constraint;
    if (item.starts_with('*')) {
      if (item != "*" || constraints != "*") {
        return Fail(InvalidRange("'*' must be alone, without a version or other constraints"));
      }
      constraint.comparator = VersComparator::kAny;
      range.constraints.push_back(std::move(constraint));
      continue;
    }
    constexpr std::array<std::pair<std::string_view, VersComparator>, 5> kPrefixes{{
        {">=", VersComparator::kGreaterOrEqual},
        {"<=", VersComparator::kLessOrEqual},
        {"!=", VersComparator::kNotEqual},
        {"<", VersComparator::kLess},
        {">", VersComparator::kGreater},
    }};
    std::size_t prefix_length = 0;
    for (const auto& [prefix, comparator] : kPrefixes) {
      if (item.starts_with(prefix)) {
        constraint.comparator = comparator;
        prefix_length = prefix.size();
        break;
      }
    }
    if (prefix_length == 0 && item.starts_with('=')) {
      if (canonical) {
        return Fail(InvalidRange(fmt::format(
            "equality is written as a bare version, so {} must not start with '='", Quoted(item))));
      }
      prefix_length = 1;
    }
    const std::string_view raw_version = item.substr(prefix_length);
    if (raw_version.empty()) {
      return Fail(InvalidRange(fmt::format("the constraint {} has no version", Quoted(item))));
    }
    Result<std::string> version = DecodeVersion(raw_version, canonical);
    if (!version) return Fail(std::move(version.error()));
    constraint.version = std::move(*version);
    range.constraints.push_back(std::move(constraint));
  }

  Result<const SchemeEntry*> scheme = GetScheme(range.scheme);
  if (!scheme) return Fail(std::move(scheme.error()));
  if (!canonical && range.constraints.front().comparator != VersComparator::kAny) {
    for (const VersConstraint& constraint : range.constraints) {
      Result<void> valid = ValidateWith(**scheme, constraint.version);
      if (!valid) return Fail(std::move(valid.error()));
    }
    std::stable_sort(range.constraints.begin(), range.constraints.end(),
                     [&](const VersConstraint& a, const VersConstraint& b) {
                       return CompareWith(**scheme, a.version, b.version).value() < 0;
                     });
  }
  Result<void> valid = CheckConstraints(**scheme, range.constraints);
  if (!valid) return Fail(std::move(valid.error()));
  return range;
}

// ---------------------------------------------------------------------------------------------
// From native ranges: each native clause becomes one comparator and version, and the clauses of
// one range are intersected.

/// The intersection of `clauses` (each a comparator and a version; kAny matches everything) as
/// a valid range: a lower bound, the exclusions inside it and an upper bound, or one version.
Result<VersRange> Intersect(std::string_view scheme_name,
                            const std::vector<VersConstraint>& clauses, std::string_view native) {
  Result<const SchemeEntry*> found = GetScheme(scheme_name);
  if (!found) return Fail(std::move(found.error()));
  const SchemeEntry& scheme = **found;
  for (const VersConstraint& clause : clauses) {
    if (clause.comparator == VersComparator::kAny) continue;
    Result<void> valid = ValidateWith(scheme, clause.version);
    if (!valid) return Fail(std::move(valid.error()));
  }
  // Every version below is valid, so comparisons cannot fail.
  const auto compare = [&](const std::string& a, const std::string& b) {
    return CompareWith(scheme, a, b).value();
  };
  const auto empty = [&] {
    return Fail(
        InvalidConstraints(fmt::format("the native range {} contains no version", Quoted(native))));
  };
  std::optional<VersConstraint> lower;
  std::optional<VersConstraint> upper;
  std::optional<std::string> equal;
  std::vector<std::string> excluded;
  for (const VersConstraint& clause : clauses) {
    switch (clause.comparator) {
      case VersComparator::kAny:
        break;
      case VersComparator::kEqual:
        if (equal && compare(*equal, clause.version) != 0) return empty();
        equal = clause.version;
        break;
      case VersComparator::kNotEqual:
        excluded.push_back(clause.version);
        break;
      case VersComparator::kGreater:
      case VersComparator::kGreaterOrEqual: {
        const int compared = lower ? compare(clause.version, lower->version) : 1;
        if (compared > 0 || (compared == 0 && clause.comparator == VersComparator::kGreater)) {
          lower = clause;
        }
        break;
      }
      case VersComparator::kLess:
      case VersComparator::kLessOrEqual: {
        const int compared = upper ? compare(clause.version, upper->version) : -1;
        if (compared < 0 || (compared == 0 && clause.comparator == VersComparator::kLess)) {
          upper = clause;
        }
        break;
      }
    }
  }
  const auto above_lower = [&](const std::string& version) {
    if (!lower) return true;
    const int compared = compare(version, lower->version);
    return compared > 0 || (compared == 0 && lower->comparator == VersComparator::kGreaterOrEqual);
  };
  const auto below_upper = [&](const std::string& version) {
    if (!upper) return true;
    const int compared = compare(version, upper->version);
    return compared < 0 || (compared == 0 && upper->comparator == VersComparator::kLessOrEqual);
  };
  const auto is_excluded = [&](const std::string& version) {
    return std::any_of(excluded.begin(), excluded.end(),
                       [&](const std::string& item) { return compare(item, version) == 0; });
  };

  VersRange range{std::string(scheme.name), {}};
  if (equal) {
    if (!above_lower(*equal) || !below_upper(*equal) || is_excluded(*equal)) return empty();
    range.constraints.push_back({VersComparator::kEqual, *equal});
    return range;
  }
  if (lower && upper) {
    const int compared = compare(lower->version, upper->version);
    if (compared > 0) return empty();
    if (compared == 0) {
      if (!above_lower(upper->version) || !below_upper(lower->version) ||
          is_excluded(lower->version)) {
        return empty();
      }
      range.constraints.push_back({VersComparator::kEqual, lower->version});
      return range;
    }
  }
  std::vector<VersConstraint> inside;
  for (const std::string& version : excluded) {
    if (lower && compare(version, lower->version) == 0) {
      lower->comparator = VersComparator::kGreater;
    } else if (upper && compare(version, upper->version) == 0) {
      upper->comparator = VersComparator::kLess;
    } else if (above_lower(version) && below_upper(version) &&
               std::none_of(inside.begin(), inside.end(), [&](const VersConstraint& item) {
                 return compare(item.version, version) == 0;
               })) {
      inside.push_back({VersComparator::kNotEqual, version});
    }
  }
  if (lower) range.constraints.push_back(*lower);
  range.constraints.insert(range.constraints.end(), inside.begin(), inside.end());
  if (upper) range.constraints.push_back(*upper);
  if (range.constraints.empty()) range.constraints.push_back({VersComparator::kAny, ""});
  std::stable_sort(range.constraints.begin(), range.constraints.end(),
                   [&](const VersConstraint& a, const VersConstraint& b) {
                     return a.comparator != VersComparator::kAny &&
                            b.comparator != VersComparator::kAny &&
                            compare(a.version, b.version) < 0;
                   });
  Result<void> valid = CheckConstraints(scheme, range.constraints);
  if (!valid) return Fail(std::move(valid.error()));
  return range;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> SplitOn(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

/// A decimal digit string plus one, without leading zeros ("09" -> "10", "99" -> "100").
std::string Increment(std::string_view digits) {
  std::string number(digits);
  const std::size_t first = number.find_first_not_of('0');
  number = first == std::string::npos ? "0" : number.substr(first);
  for (std::size_t index = number.size(); index-- > 0;) {
    if (number[index] != '9') {
      ++number[index];
      return number;
    }
    number[index] = '0';
  }
  return "1" + number;
}

Error NotExpressible(std::string_view native, std::string_view clause, std::string_view reason) {
  return Error::BadRequest(fmt::format("The clause {} of the native range {} has no vers "
                                       "equivalent: {}.",
                                       Quoted(clause), Quoted(native), reason),
                           "invalidRange");
}

/// "1!2.3" from a PEP 440 epoch and release numbers.
std::string Pep440Release(const distro::Pep440Version& version,
                          const std::vector<std::string>& release) {
  std::string text = version.epoch == "0" ? "" : version.epoch + "!";
  for (std::size_t index = 0; index < release.size(); ++index) {
    if (index > 0) text += '.';
    text += release[index];
  }
  return text;
}

/// The first version after every version that starts with `prefix` (release numbers of a
/// PEP 440 version): the prefix with its last number bumped, as a ".dev0" release, which sorts
/// before every other release of that number.
std::string Pep440PrefixEnd(const distro::Pep440Version& version, std::vector<std::string> prefix) {
  prefix.back() = Increment(prefix.back());
  return Pep440Release(version, prefix) + ".dev0";
}

Result<VersRange> PypiFromNative(std::string_view native) {
  std::vector<VersConstraint> clauses;
  for (const std::string_view part : SplitOn(native, ',')) {
    const std::string_view clause = Trim(part);
    if (clause.empty()) continue;  // packaging allows empty clauses
    Result<void> valid = distro::ValidatePep440Specifier(clause);
    if (!valid) return Fail(std::move(valid.error()));
    constexpr std::array<std::pair<std::string_view, VersComparator>, 7> kOperators{{
        {"~=", VersComparator::kGreaterOrEqual},
        {"==", VersComparator::kEqual},
        {"!=", VersComparator::kNotEqual},
        {"<=", VersComparator::kLessOrEqual},
        {">=", VersComparator::kGreaterOrEqual},
        {"<", VersComparator::kLess},
        {">", VersComparator::kGreater},
    }};
    if (clause.starts_with("===")) {
      return Fail(NotExpressible(native, clause, "arbitrary string equality has no ordering"));
    }
    const auto [symbol, comparator] = LeadingOperator(clause, kOperators);
    const std::string_view version = Trim(clause.substr(symbol.size()));
    if (version.ends_with(".*")) {
      const std::string_view prefix_text = version.substr(0, version.size() - 2);
      if (symbol == "!=") {
        return Fail(NotExpressible(native, clause,
                                   "excluding a whole prefix splits the range in two; vers "
                                   "'!=' excludes one version"));
      }
      Result<distro::Pep440Version> prefix = distro::ParsePep440(prefix_text);
      if (!prefix) return Fail(std::move(prefix.error()));
      // "==1.4.*": from the first 1.4 release (1.4.dev0) up to the first 1.5 release.
      clauses.push_back(
          {VersComparator::kGreaterOrEqual, Pep440Release(*prefix, prefix->release) + ".dev0"});
      clauses.push_back({VersComparator::kLess, Pep440PrefixEnd(*prefix, prefix->release)});
      continue;
    }
    clauses.push_back({comparator, std::string(version)});
    if (symbol == "~=") {
      // "~=1.4.5" is ">=1.4.5, ==1.4.*".
      Result<distro::Pep440Version> parsed = distro::ParsePep440(version);
      if (!parsed) return Fail(std::move(parsed.error()));
      std::vector<std::string> prefix = parsed->release;
      prefix.pop_back();
      clauses.push_back({VersComparator::kLess, Pep440PrefixEnd(*parsed, prefix)});
    }
  }
  return Intersect("pypi", clauses, native);
}

/// Gem::Version#bump: the release segments without the pre-release part, the last one dropped
/// (unless it is the only one) and the new last one incremented: "2.0.8" -> "2.1", "1" -> "2".
std::string GemBump(std::string_view version) {
  std::vector<std::string> numbers;
  std::size_t index = 0;
  while (index < version.size()) {
    const char character = version[index];
    if (character >= '0' && character <= '9') {
      const std::size_t start = index;
      while (index < version.size() && version[index] >= '0' && version[index] <= '9') ++index;
      numbers.emplace_back(version.substr(start, index - start));
    } else if ((character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')) {
      break;  // the first letter starts the pre-release part, which bump drops whole
    } else {
      ++index;
    }
  }
  if (numbers.empty()) return "1";
  if (numbers.size() > 1) numbers.pop_back();
  numbers.back() = Increment(numbers.back());
  std::string bumped;
  for (const std::string& number : numbers) {
    if (!bumped.empty()) bumped += '.';
    bumped += number;
  }
  return bumped;
}

Result<VersRange> GemFromNative(std::string_view native) {
  std::vector<VersConstraint> clauses;
  for (const std::string_view part : SplitOn(native, ',')) {
    const std::string_view clause = Trim(part);
    if (clause.empty()) {
      return Fail(Error::BadRequest(
          fmt::format("The RubyGems requirement {} has an empty clause.", Quoted(native)),
          "invalidRange"));
    }
    constexpr std::array<std::pair<std::string_view, VersComparator>, 7> kOperators{{
        {"~>", VersComparator::kGreaterOrEqual},
        {">=", VersComparator::kGreaterOrEqual},
        {"<=", VersComparator::kLessOrEqual},
        {"!=", VersComparator::kNotEqual},
        {">", VersComparator::kGreater},
        {"<", VersComparator::kLess},
        {"=", VersComparator::kEqual},
    }};
    const auto [symbol, comparator] = LeadingOperator(clause, kOperators);
    const std::string_view version = Trim(clause.substr(symbol.size()));
    clauses.push_back({comparator, std::string(version)});
    if (symbol == "~>") clauses.push_back({VersComparator::kLess, GemBump(version)});
  }
  return Intersect("gem", clauses, native);
}

Result<VersRange> NugetFromNative(std::string_view native) {
  const std::string_view range = Trim(native);
  const auto invalid = [&](std::string_view reason) {
    return Fail(Error::BadRequest(
        fmt::format("{} is not a NuGet version range: {}.", Quoted(native), reason),
        "invalidRange"));
  };
  if (range.empty()) return invalid("it is empty");
  if (range.find('*') != std::string_view::npos) {
    return invalid(
        "floating versions ('*') resolve to one version at restore time and have no "
        "vers equivalent");
  }
  std::vector<VersConstraint> clauses;
  if (range.front() != '[' && range.front() != '(') {
    // A bare version is NuGet's minimum version, inclusive.
    clauses.push_back({VersComparator::kGreaterOrEqual, std::string(range)});
    return Intersect("nuget", clauses, native);
  }
  if (range.back() != ']' && range.back() != ')') {
    return invalid("an interval ends with ']' or ')'");
  }
  const bool min_inclusive = range.front() == '[';
  const bool max_inclusive = range.back() == ']';
  const std::string_view inner = range.substr(1, range.size() - 2);
  const std::vector<std::string_view> bounds = SplitOn(inner, ',');
  if (bounds.size() == 1) {
    if (!min_inclusive || !max_inclusive || Trim(inner).empty()) {
      return invalid("a single version in brackets is written [1.0]");
    }
    clauses.push_back({VersComparator::kEqual, std::string(Trim(inner))});
    return Intersect("nuget", clauses, native);
  }
  if (bounds.size() != 2) return invalid("an interval has one ',' between its bounds");
  const std::string_view minimum = Trim(bounds[0]);
  const std::string_view maximum = Trim(bounds[1]);
  if (minimum.empty() && maximum.empty()) return invalid("an interval needs at least one bound");
  if (!minimum.empty()) {
    clauses.push_back({min_inclusive ? VersComparator::kGreaterOrEqual : VersComparator::kGreater,
                       std::string(minimum)});
  }
  if (!maximum.empty()) {
    clauses.push_back({max_inclusive ? VersComparator::kLessOrEqual : VersComparator::kLess,
                       std::string(maximum)});
  }
  return Intersect("nuget", clauses, native);
}

}  // namespace

std::string_view Symbol(VersComparator comparator) {
  switch (comparator) {
    case VersComparator::kEqual:
      return "";
    case VersComparator::kNotEqual:
      return "!=";
    case VersComparator::kLess:
      return "<";
    case VersComparator::kLessOrEqual:
      return "<=";
    case VersComparator::kGreater:
      return ">";
    case VersComparator::kGreaterOrEqual:
      return ">=";
    case VersComparator::kAny:
      return "*";
  }
  return "";
}

Result<VersRange> ParseVers(std::string_view text) { return Parse(text, true); }

Result<VersRange> NormalizeVers(std::string_view text) { return Parse(text, false); }

std::string ToString(const VersRange& range) {
  std::string text = "vers:" + range.scheme + "/";
  for (std::size_t index = 0; index < range.constraints.size(); ++index) {
    const VersConstraint& constraint = range.constraints[index];
    if (index > 0) text += '|';
    text += Symbol(constraint.comparator);
    text += EncodeVersion(constraint.version);
  }
  return text;
}

Result<void> ValidateVers(const VersRange& range) {
  Result<const SchemeEntry*> scheme = GetScheme(range.scheme);
  if (!scheme) return Fail(std::move(scheme.error()));
  return CheckConstraints(**scheme, range.constraints);
}

Result<bool> Contains(const VersRange& range, std::string_view version) {
  Result<const SchemeEntry*> found = GetScheme(range.scheme);
  if (!found) return Fail(std::move(found.error()));
  const SchemeEntry& scheme = **found;
  const std::vector<VersConstraint>& constraints = range.constraints;
  if (constraints.size() == 1 && constraints.front().comparator == VersComparator::kAny) {
    return true;
  }
  Result<void> valid = ValidateWith(scheme, version);
  if (!valid) return Fail(std::move(valid.error()));
  std::vector<int> order;  // compare(version, constraint version) per constraint
  order.reserve(constraints.size());
  for (const VersConstraint& constraint : constraints) {
    Result<int> compared = CompareWith(scheme, version, constraint.version);
    if (!compared) return Fail(std::move(compared.error()));
    order.push_back(*compared);
  }
  // Equal to a version that the constraint includes: in; to an excluded one: out.
  for (std::size_t index = 0; index < constraints.size(); ++index) {
    const VersComparator comparator = constraints[index].comparator;
    if (order[index] == 0 &&
        (comparator == VersComparator::kEqual || comparator == VersComparator::kLessOrEqual ||
         comparator == VersComparator::kGreaterOrEqual)) {
      return true;
    }
  }
  for (std::size_t index = 0; index < constraints.size(); ++index) {
    if (order[index] == 0 && constraints[index].comparator == VersComparator::kNotEqual) {
      return false;
    }
  }
  // The bounds ("<", "<=", ">", ">="), in version order, with the version's position to each.
  std::vector<std::pair<VersComparator, int>> bounds;
  bool has_equality = false;
  for (std::size_t index = 0; index < constraints.size(); ++index) {
    const VersComparator comparator = constraints[index].comparator;
    if (IsLesser(comparator) || IsGreater(comparator)) {
      bounds.emplace_back(comparator, order[index]);
    } else if (comparator == VersComparator::kEqual) {
      has_equality = true;
    }
  }
  // The spec's pairwise walk needs two bounds. With none, a range of "!=" only is every version
  // but those (which the spec's simplification keeps as a meaningful range), and a range with
  // equalities is just those versions. With one, the version is in when it is on its open side.
  if (bounds.empty()) return !has_equality;
  if (bounds.size() == 1) {
    const auto [comparator, compared] = bounds.front();
    return IsLesser(comparator) ? compared < 0 : compared > 0;
  }
  for (std::size_t index = 0; index + 1 < bounds.size(); ++index) {
    const auto [current, current_order] = bounds[index];
    const auto [next, next_order] = bounds[index + 1];
    if (index == 0 && IsLesser(current) && current_order < 0) return true;
    if (index + 2 == bounds.size() && IsGreater(next) && next_order > 0) return true;
    if (IsGreater(current) && IsLesser(next) && current_order > 0 && next_order < 0) return true;
  }
  return false;
}

Result<int> CompareVersVersions(std::string_view scheme, std::string_view a, std::string_view b) {
  Result<const SchemeEntry*> found = GetScheme(scheme);
  if (!found) return Fail(std::move(found.error()));
  return CompareWith(**found, a, b);
}

Result<VersRange> VersFromNative(std::string_view scheme, std::string_view native_range) {
  if (scheme == "pypi") return PypiFromNative(native_range);
  if (scheme == "gem") return GemFromNative(native_range);
  if (scheme == "nuget") return NugetFromNative(native_range);
  if (FindScheme(scheme) == nullptr) return Fail(UnknownScheme(scheme));
  return Fail(Error::BadRequest(
      fmt::format("Converting a native '{}' range to vers is not supported; supported: pypi, "
                  "gem, nuget.",
                  scheme),
      "unsupportedNativeRange"));
}

}  // namespace sg::version
