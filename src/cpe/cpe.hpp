#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

/// CPE 2.3 names: well-formed names (NISTIR 7695 §5), their formatted-string and URI bindings
/// (§6), name matching (NISTIR 7696 §6) and NVD-style applicability with version bounds. Pure: no
/// I/O. Parse failures are Error::BadRequest with code "invalidCpe" and a message saying what is
/// wrong.
namespace sg::cpe {

/// The longest CPE text, and the longest attribute value, accepted, in bytes.
inline constexpr std::size_t kMaxCpeLength = 2048;

/// The eleven WFN attributes, in formatted-string order.
enum class Attribute {
  kPart,
  kVendor,
  kProduct,
  kVersion,
  kUpdate,
  kEdition,
  kLanguage,
  kSwEdition,
  kTargetSw,
  kTargetHw,
  kOther,
};

inline constexpr std::size_t kAttributeCount = 11;

/// Every attribute, in formatted-string order.
inline constexpr std::array<Attribute, kAttributeCount> kAttributes = {
    Attribute::kPart,     Attribute::kVendor,   Attribute::kProduct,  Attribute::kVersion,
    Attribute::kUpdate,   Attribute::kEdition,  Attribute::kLanguage, Attribute::kSwEdition,
    Attribute::kTargetSw, Attribute::kTargetHw, Attribute::kOther};

/// The attribute's WFN name: "part", "vendor", …, "sw_edition", "target_sw", ….
std::string_view AttributeName(Attribute attribute);

/// One WFN attribute value: the logical value ANY, the logical value NA, or a value string.
class AttributeValue {
 public:
  /// ANY (the default): any value, including none.
  AttributeValue() = default;
  /// ANY, by name.
  static AttributeValue Any() { return {}; }
  /// NA: the attribute has no legitimate value.
  static AttributeValue Na();
  /// A value string in WFN form (NISTIR 7695 §5.3.2): letters, digits and '_' as they are, every
  /// other printable ASCII character quoted with '\', and unquoted wildcards — one '*' or a run
  /// of '?' — only at the start or end. A needless '\' before a letter, digit or '_' is dropped;
  /// a lone '*' gives ANY. An error for an empty, over-long or otherwise malformed string.
  static Result<AttributeValue> FromWfnString(std::string_view quoted);

  /// Which of the three kinds this is.
  bool IsAny() const { return kind_ == Kind::kAny; }
  bool IsNa() const { return kind_ == Kind::kNa; }
  bool IsValue() const { return kind_ == Kind::kValue; }
  /// The value string in WFN form (with its '\' quoting); empty for ANY and NA.
  const std::string& wfn_string() const { return value_; }
  /// True for a value string with an unquoted '*' or '?'.
  bool HasWildcards() const { return has_wildcards_; }
  /// The value string without quoting, e.g. "8.0.6001" for "8\.0\.6001"; wildcards stay as
  /// they are. Empty for ANY and NA.
  std::string Unquoted() const;

  bool operator==(const AttributeValue&) const = default;

 private:
  enum class Kind { kAny, kNa, kValue };
  Kind kind_ = Kind::kAny;
  std::string value_;
  bool has_wildcards_ = false;
};

/// A well-formed CPE name (WFN): eleven attributes, each ANY unless set. `part` is "a"
/// (application), "o" (operating system), "h" (hardware), ANY or NA.
struct Wfn {
  AttributeValue part;
  AttributeValue vendor;
  AttributeValue product;
  AttributeValue version;
  AttributeValue update;
  AttributeValue edition;
  AttributeValue language;
  AttributeValue sw_edition;
  AttributeValue target_sw;
  AttributeValue target_hw;
  AttributeValue other;

  /// The member that holds `attribute` (for code that walks all eleven).
  const AttributeValue& Get(Attribute attribute) const;
  AttributeValue& Get(Attribute attribute);

  bool operator==(const Wfn&) const = default;
};

/// Unbinds a CPE 2.3 formatted string ("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*", NISTIR
/// 7695 §6.2.3): 13 fields separated by ':' not quoted with '\', '*' is ANY, '-' is NA. Trailing
/// fields left out are taken as ANY, as some SBOM tools write "cpe:2.3:a:nginx:nginx:1.21.1".
Result<Wfn> ParseFormattedString(std::string_view text);

/// Unbinds a CPE 2.2 URI ("cpe:/a:vendor:product:1.0", NISTIR 7695 §6.1.3), including a packed
/// edition ("~edition~sw_edition~target_sw~target_hw~other"). Values are lower-cased.
Result<Wfn> ParseUri(std::string_view text);

/// ParseFormattedString for "cpe:2.3:…" text, ParseUri for "cpe:/…" text.
Result<Wfn> ParseCpe(std::string_view text);

/// Binds to a CPE 2.3 formatted string (NISTIR 7695 §6.2.2).
std::string ToFormattedString(const Wfn& wfn);

/// Binds to a CPE 2.2 URI (NISTIR 7695 §6.1.2), packing the extended attributes into the edition
/// when any of them is not ANY.
std::string ToUri(const Wfn& wfn);

/// How a source attribute value relates to a target one (NISTIR 7696 Table 6-2), as sets of
/// the names they denote. kUndefined when the target holds wildcards.
enum class Relation { kDisjoint, kSubset, kSuperset, kEqual, kUndefined };

/// NISTIR 7696 Table 6-2: compares `source` with `target`, ignoring ASCII case. A '*' matches any
/// run of characters; each '?' at the start or end matches at most one character (the NIST
/// reference implementation's reading).
Relation CompareAttributes(const AttributeValue& source, const AttributeValue& target);

/// The relation of every attribute, in kAttributes order (NISTIR 7696 §6.2).
std::array<Relation, kAttributeCount> CompareNames(const Wfn& source, const Wfn& target);

/// True when some attribute is kDisjoint: no name matches both (NISTIR 7696 Table 6-4).
bool IsDisjoint(const Wfn& source, const Wfn& target);
/// True when every attribute is kEqual.
bool IsEqual(const Wfn& source, const Wfn& target);
/// True when every attribute is kSubset or kEqual: `source` names no more than `target`.
bool IsSubset(const Wfn& source, const Wfn& target);
/// True when every attribute is kSuperset or kEqual: `source` names all that `target` names.
bool IsSuperset(const Wfn& source, const Wfn& target);

/// A CPE match criterion as NVD publishes it in a CVE's configurations (`cpeMatch`): a name
/// plus optional bounds on the version of the names it applies to. The bounds are plain version
/// strings (not WFN-quoted).
struct MatchCriterion {
  Wfn criteria;
  std::optional<std::string> version_start_including;
  std::optional<std::string> version_start_excluding;
  std::optional<std::string> version_end_including;
  std::optional<std::string> version_end_excluding;
};

/// Whether `criterion` applies to the concrete CPE `target` (a component's CPE). The policy:
/// - attribute by attribute (CompareAttributes), a kDisjoint relation never applies; kSuperset,
///   kEqual and kSubset do (a target attribute left ANY is taken as possibly matching);
///   kUndefined applies only when the source is ANY or both carry the same pattern;
/// - a target whose product is ANY or NA is too vague to match anything;
/// - a vendor and product related in opposite directions (one kSubset, the other kSuperset) do
///   not apply: that pairs unrelated products (DependencyTrack issue 3178);
/// - with any version bound, the target version must be a value without wildcards and satisfy
///   every bound under CompareVersions.
bool IsApplicable(const MatchCriterion& criterion, const Wfn& target);

/// Orders two version strings the way NVD-style matchers do when no ecosystem is known (NVD's
/// version bounds carry none): -1, 0 or 1. Each string is split into runs of digits and runs of
/// letters (every other character separates; a leading 'v' before a digit is ignored) and the
/// runs compare position by position, a missing run counting as 0. At one position:
///   pre-release words (dev < alpha < beta < milestone < rc = cr = pre = preview < snapshot)
///   < 0 = release words (final, ga, release)
///   < other letter runs, compared ignoring case (OpenSSL-style "1.1.1k", "sp1")
///   < positive numbers, by value (any length).
/// So "1.0" = "1.0.0", "2.0-rc1" < "2.0" < "2.0a" < "2.0.1", "1.1.1k" < "1.1.1l" < "1.1.2",
/// "10.0" > "9.9". Single letters are taken as patch suffixes, not as PEP 440 "a"/"b"
/// pre-releases: NVD's ranges for OpenSSL-style versions outnumber those.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace sg::cpe
