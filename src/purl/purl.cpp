#include "purl/purl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <expected>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/text.hpp"

namespace sg::purl {
namespace {

// Internal steps report only why the purl is invalid; the public functions wrap that reason in
// one Error that also quotes the input.
using Reason = std::string;
template <typename T>
using Checked = std::expected<T, Reason>;

std::unexpected<Reason> Reject(Reason reason) { return std::unexpected<Reason>(std::move(reason)); }

constexpr std::size_t kShownInputLength = 120;

bool IsLetter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

bool IsDigit(char character) { return character >= '0' && character <= '9'; }

bool IsAlphanumeric(char character) { return IsLetter(character) || IsDigit(character); }

// Characters a canonical purl component carries as they are (ECMA-427 5.4: the RFC 3986
// unreserved set, plus ':' which is never encoded).
bool IsKeptUnencoded(char character) {
  return IsAlphanumeric(character) || character == '-' || character == '.' || character == '_' ||
         character == '~' || character == ':';
}

// The input as it may appear in a message: cut short, control characters and broken UTF-8 shown
// as '?'.
std::string ShowInput(std::string_view text) {
  std::string shown;
  for (const char character : text.substr(0, kShownInputLength)) {
    const auto byte = static_cast<unsigned char>(character);
    shown += (byte < 0x20 || byte == 0x7F) ? '?' : character;
  }
  if (!text::IsValidUtf8(shown)) {
    for (char& character : shown) {
      if (static_cast<unsigned char>(character) >= 0x80) character = '?';
    }
  }
  if (text.size() > kShownInputLength) shown += "…";
  return shown;
}

Error InvalidText(std::string_view text, std::string_view reason) {
  return Error::BadRequest(fmt::format("purl '{}' is invalid: {}", ShowInput(text), reason),
                           "invalidPurl");
}

Error InvalidComponents(const PackageUrl& components, std::string_view reason) {
  return Error::BadRequest(
      fmt::format("purl components (type '{}', name '{}') are invalid: {}",
                  ShowInput(components.type), ShowInput(components.name), reason),
      "invalidPurl");
}

std::string_view Article(std::string_view label) {
  if (label == "npm" || label == "RPM" || label == "MLflow") return "an";
  const char first = label.empty() ? 'x' : label.front();
  return std::string_view("AEIOUaeiou").find(first) == std::string_view::npos ? "a" : "an";
}

std::string APurlOf(const TypeDefinition& definition) {
  return fmt::format("{} {} purl", Article(definition.label), definition.label);
}

int HexValue(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

Checked<std::string> PercentDecode(std::string_view encoded, std::string_view component) {
  if (encoded.find('%') == std::string_view::npos) return std::string(encoded);
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t index = 0; index < encoded.size(); ++index) {
    if (encoded[index] != '%') {
      decoded += encoded[index];
      continue;
    }
    const int high = encoded.size() - index >= 3 ? HexValue(encoded[index + 1]) : -1;
    const int low = encoded.size() - index >= 3 ? HexValue(encoded[index + 2]) : -1;
    if (high < 0 || low < 0) {
      return Reject(
          fmt::format("the {} has a '%' that is not followed by two hex digits", component));
    }
    decoded += static_cast<char>(high * 16 + low);
    index += 2;
  }
  return decoded;
}

std::string PercentEncode(std::string_view decoded, bool keep_slashes) {
  constexpr std::string_view kHexDigits = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(decoded.size());
  for (const char character : decoded) {
    if (IsKeptUnencoded(character) || (keep_slashes && character == '/')) {
      encoded += character;
    } else {
      const auto byte = static_cast<unsigned char>(character);
      encoded += '%';
      encoded += kHexDigits[byte >> 4];
      encoded += kHexDigits[byte & 0x0F];
    }
  }
  return encoded;
}

// True when NormalizeSegments would return `path` unchanged: no empty segment (no leading,
// trailing or doubled '/'), no '%' to decode, and (when they are dropped) no '.' or '..' segment.
bool IsNormalPath(std::string_view path, bool decode, bool drop_dot_segments) {
  // One pass: each segment must be non-empty (no leading, trailing or doubled '/'), free of '%'
  // when decoding, and neither "." nor ".." when those are dropped.
  std::size_t segment_start = 0;
  for (std::size_t position = 0; position <= path.size(); ++position) {
    if (position < path.size()) {
      const char character = path[position];
      if (character == '%' && decode) return false;
      if (character != '/') continue;
    } else if (path.empty()) {
      return true;
    }
    const std::size_t length = position - segment_start;
    if (length == 0) return false;
    if (drop_dot_segments && path[segment_start] == '.' &&
        (length == 1 || (length == 2 && path[segment_start + 1] == '.'))) {
      return false;
    }
    segment_start = position + 1;
  }
  return true;
}

// Splits on '/', drops empty segments (and, for a subpath, '.' and '..'), percent-decodes each
// when `decode`; a decoded segment may not hold a '/'.
Checked<std::string> NormalizeSegments(std::string_view path, std::string_view component,
                                       bool decode, bool drop_dot_segments) {
  if (IsNormalPath(path, decode, drop_dot_segments)) return std::string(path);
  std::string joined;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view raw = path.substr(start, end - start);
    start = end + 1;
    std::string segment(raw);
    if (decode) {
      auto decoded = PercentDecode(raw, component);
      if (!decoded) return std::unexpected(decoded.error());
      segment = std::move(*decoded);
      if (segment.find('/') != std::string::npos) {
        return Reject(fmt::format("a {} segment holds an encoded '/'", component));
      }
    }
    if (segment.empty()) continue;
    if (drop_dot_segments && (segment == "." || segment == "..")) continue;
    if (!joined.empty()) joined += '/';
    joined += segment;
  }
  return joined;
}

// `prefix` is lower-case.
bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t index = 0; index < prefix.size(); ++index) {
    char character = text[index];
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
    if (character != prefix[index]) return false;
  }
  return true;
}

// Appends the qualifiers of `text` to `qualifiers` (cleared by the caller, its capacity reused).
Checked<void> SplitQualifiers(std::string_view text,
                              std::vector<std::pair<std::string, std::string>>& qualifiers) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('&', start), text.size());
    const std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      return Reject(fmt::format("the qualifier '{}' has no '=' and value", ShowInput(pair)));
    }
    // Keys are never percent-encoded; a '%' in one is caught by the key check in Normalize.
    const std::string_view key = pair.substr(0, equals);
    const std::string_view encoded = pair.substr(equals + 1);
    if (encoded.find('%') == std::string_view::npos) {
      qualifiers.emplace_back(std::string(key), std::string(encoded));
      continue;
    }
    auto value = PercentDecode(encoded, fmt::format("value of qualifier '{}'", ShowInput(key)));
    if (!value) return std::unexpected(value.error());
    qualifiers.emplace_back(std::string(key), std::move(*value));
  }
  return {};
}

// ECMA-427's parsing steps, up to decoded but not yet normalised components. The subpath starts
// at the first '#' and the qualifiers at the first '?' (as a URL parser reads them).
// Fills `purl`, whose earlier contents are dropped (their storage reused).
Checked<void> SplitComponents(std::string_view text, PackageUrl& purl) {
  purl.type.clear();
  purl.package_namespace.clear();
  purl.name.clear();
  purl.version.clear();
  purl.qualifiers.clear();
  purl.subpath.clear();
  std::string_view remainder = text;
  if (const std::size_t hash = remainder.find('#'); hash != std::string_view::npos) {
    auto subpath = NormalizeSegments(remainder.substr(hash + 1), "subpath", true, true);
    if (!subpath) return std::unexpected(subpath.error());
    purl.subpath = std::move(*subpath);
    remainder = remainder.substr(0, hash);
  }
  if (const std::size_t question = remainder.find('?'); question != std::string_view::npos) {
    if (auto split = SplitQualifiers(remainder.substr(question + 1), purl.qualifiers); !split) {
      return std::unexpected(split.error());
    }
    remainder = remainder.substr(0, question);
  }
  if (!StartsWithIgnoringCase(remainder, "pkg:")) return Reject("it does not start with 'pkg:'");
  remainder.remove_prefix(4);
  while (!remainder.empty() && remainder.front() == '/') remainder.remove_prefix(1);
  while (!remainder.empty() && remainder.back() == '/') remainder.remove_suffix(1);

  const std::size_t type_end = std::min(remainder.find('/'), remainder.size());
  purl.type.assign(remainder.substr(0, type_end));
  remainder = type_end == remainder.size() ? std::string_view() : remainder.substr(type_end + 1);

  // The version follows the last '@', unless that '@' begins a segment other than the last (an
  // unencoded npm scope, as in "pkg:npm/@babel/core").
  const std::size_t at = remainder.rfind('@');
  const bool begins_inner_segment = at != std::string_view::npos &&
                                    (at == 0 || remainder[at - 1] == '/') &&
                                    remainder.find('/', at) != std::string_view::npos;
  // Without a '%' nothing needs decoding: the components are the text's pieces.
  const bool plain = remainder.find('%') == std::string_view::npos;
  if (at != std::string_view::npos && !begins_inner_segment) {
    if (plain) {
      purl.version.assign(remainder.substr(at + 1));
    } else {
      auto version = PercentDecode(remainder.substr(at + 1), "version");
      if (!version) return std::unexpected(version.error());
      purl.version = std::move(*version);
    }
    remainder = remainder.substr(0, at);
  }
  const std::size_t last_slash = remainder.rfind('/');
  std::string_view last_segment = remainder;
  if (last_slash != std::string_view::npos) {
    const std::string_view path = remainder.substr(0, last_slash);
    if (plain && IsNormalPath(path, false, false)) {
      purl.package_namespace.assign(path);
    } else {
      auto package_namespace = NormalizeSegments(path, "namespace", true, false);
      if (!package_namespace) return std::unexpected(package_namespace.error());
      purl.package_namespace = std::move(*package_namespace);
    }
    last_segment = remainder.substr(last_slash + 1);
  }
  if (plain) {
    purl.name.assign(last_segment);
    return {};
  }
  auto name = PercentDecode(last_segment, "name");
  if (!name) return std::unexpected(name.error());
  purl.name = std::move(*name);
  return {};
}

// True for text CheckText accepts without a closer look: printable ASCII only.
bool IsPrintableAscii(std::string_view value) {
  std::size_t position = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: as signed bytes, printable ASCII is 0x20–0x7E (0x80 and up are negative).
  const __m128i below = _mm_set1_epi8(0x1F);
  const __m128i above = _mm_set1_epi8(0x7F);
  for (; position + 16 <= value.size(); position += 16) {
    const __m128i block =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + position));
    const __m128i printable =
        _mm_and_si128(_mm_cmpgt_epi8(block, below), _mm_cmplt_epi8(block, above));
    if (_mm_movemask_epi8(printable) != 0xFFFF) return false;
  }
#endif
  for (; position < value.size(); ++position) {
    const auto byte = static_cast<unsigned char>(value[position]);
    if (byte < 0x20 || byte >= 0x7F) return false;
  }
  return true;
}

Checked<void> CheckText(std::string_view value, std::string_view component) {
  if (IsPrintableAscii(value)) return {};
  if (!text::IsValidUtf8(value)) return Reject(fmt::format("the {} is not valid UTF-8", component));
  for (const char character : value) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte < 0x20 || byte == 0x7F) {
      return Reject(fmt::format("the {} holds a control character", component));
    }
  }
  return {};
}

Checked<void> CheckType(std::string_view type) {
  if (type.empty()) return Reject("it has no type");
  if (!IsLetter(type.front())) {
    return Reject(fmt::format("the type '{}' does not start with a letter", ShowInput(type)));
  }
  for (const char character : type) {
    if (!IsAlphanumeric(character) && character != '.' && character != '-') {
      return Reject(
          fmt::format("the type '{}' holds '{}'; a type has only letters, digits, '.' "
                      "and '-'",
                      ShowInput(type), ShowInput(std::string_view(&character, 1))));
    }
  }
  return {};
}

Checked<void> CheckQualifierKey(std::string_view key) {
  const bool well_formed =
      !key.empty() && IsLetter(key.front()) && std::ranges::all_of(key, [](char character) {
        return IsAlphanumeric(character) || character == '.' || character == '-' ||
               character == '_';
      });
  if (!well_formed) {
    return Reject(
        fmt::format("the qualifier key '{}' is not a letter followed by letters, digits, "
                    "'.', '-' or '_'",
                    ShowInput(key)));
  }
  return {};
}

// Replaces each character of a Pub name outside [a-z0-9_] by '_' (a multi-byte UTF-8 character
// counts once), as the pub definition's normalisation rule says.
std::string NormalizePubName(std::string_view name) {
  std::string normalized;
  for (std::size_t index = 0; index < name.size(); ++index) {
    const char character = name[index];
    if ((character >= 'a' && character <= 'z') || IsDigit(character) || character == '_') {
      normalized += character;
      continue;
    }
    normalized += '_';
    while (index + 1 < name.size() &&
           (static_cast<unsigned char>(name[index + 1]) & 0xC0) == 0x80) {
      ++index;
    }
  }
  return normalized;
}

bool IsChromeExtensionId(std::string_view name) {
  return name.size() == 32 && std::ranges::all_of(name, [](char character) {
           return character >= 'a' && character <= 'p';
         });
}

// ^\d+(\.\d+){0,3}$
bool IsChromeExtensionVersion(std::string_view version) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= version.size()) {
    const std::size_t end = std::min(version.find('.', start), version.size());
    const std::string_view part = version.substr(start, end - start);
    if (part.empty() || !std::ranges::all_of(part, IsDigit)) return false;
    ++parts;
    start = end + 1;
  }
  return parts <= 4;
}

void LowerInPlace(std::string& value) {
  for (char& character : value) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
}

std::string AsciiUpper(std::string_view value) {
  std::string upper(value);
  for (char& character : upper) {
    if (character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
  }
  return upper;
}

// The rules of registered types that the table in type_definitions.cpp cannot express.
Checked<void> ApplyTypeRules(const TypeDefinition& definition, PackageUrl& purl) {
  const std::string_view type = definition.type;
  if (type == "pypi") {
    std::ranges::replace(purl.name, '_', '-');
  } else if (type == "pub") {
    purl.name = NormalizePubName(purl.name);
  } else if (type == "cpan") {
    if (purl.name.find("::") != std::string::npos) {
      return Reject(
          fmt::format("a CPAN purl names a distribution ('URI-PackageURL'), not a "
                      "module ('{}')",
                      ShowInput(purl.name)));
    }
    purl.package_namespace = AsciiUpper(purl.package_namespace);
  } else if (type == "chrome-extension") {
    if (!IsChromeExtensionId(purl.name)) {
      return Reject(fmt::format("a Chrome extension id is 32 letters 'a' to 'p', not '{}'",
                                ShowInput(purl.name)));
    }
    if (!purl.version.empty() && !IsChromeExtensionVersion(purl.version)) {
      return Reject(
          fmt::format("a Chrome extension version is one to four dot-separated numbers, "
                      "not '{}'",
                      ShowInput(purl.version)));
    }
  } else if (type == "mlflow") {
    // Databricks model names are case-insensitive (lower-cased); Azure ML's are not.
    const auto repository = FindQualifier(purl, "repository_url");
    if (repository &&
        text::AsciiLower(*repository).find("azuredatabricks.net") != std::string::npos) {
      purl.name = text::AsciiLower(purl.name);
    }
  }
  return {};
}

// `printable`: every component is known to be printable ASCII already (taken undecoded from
// printable text), so CheckText has nothing to find.
Checked<void> Normalize(PackageUrl& purl, bool printable) {
  const std::size_t total_size = purl.type.size() + purl.package_namespace.size() +
                                 purl.name.size() + purl.version.size() + purl.subpath.size();
  std::size_t qualifiers_size = 0;
  for (const auto& [key, value] : purl.qualifiers) qualifiers_size += key.size() + value.size();
  if (total_size + qualifiers_size > kMaxPurlLength) {
    return Reject(fmt::format("it is longer than {} bytes", kMaxPurlLength));
  }

  LowerInPlace(purl.type);
  if (auto checked = CheckType(purl.type); !checked) return std::unexpected(checked.error());

  if (!printable) {
    for (const auto& [value, component] :
         {std::pair<const std::string&, std::string_view>{purl.package_namespace, "namespace"},
          {purl.name, "name"},
          {purl.version, "version"},
          {purl.subpath, "subpath"}}) {
      if (auto checked = CheckText(value, component); !checked) {
        return std::unexpected(checked.error());
      }
    }
  }
  if (!IsNormalPath(purl.package_namespace, false, false)) {
    purl.package_namespace = *NormalizeSegments(purl.package_namespace, "namespace", false, false);
  }
  if (!IsNormalPath(purl.subpath, false, true)) {
    purl.subpath = *NormalizeSegments(purl.subpath, "subpath", false, true);
  }

  if (!purl.qualifiers.empty()) {
    // In place: keys checked and lower-cased, empty values dropped, sorted by key.
    auto& qualifiers = purl.qualifiers;
    std::size_t kept = 0;
    for (std::size_t index = 0; index < qualifiers.size(); ++index) {
      auto& [key, value] = qualifiers[index];
      if (auto checked = CheckQualifierKey(key); !checked) return std::unexpected(checked.error());
      if (!IsPrintableAscii(value)) {
        if (auto checked = CheckText(value, fmt::format("value of qualifier '{}'", key));
            !checked) {
          return std::unexpected(checked.error());
        }
      }
      if (value.empty()) continue;
      LowerInPlace(key);
      if (kept != index) std::swap(qualifiers[kept], qualifiers[index]);
      ++kept;
    }
    qualifiers.resize(kept);
    std::ranges::stable_sort(qualifiers, {}, &std::pair<std::string, std::string>::first);
    const auto repeated = std::ranges::adjacent_find(
        qualifiers, {}, [](const auto& qualifier) { return std::string_view(qualifier.first); });
    if (repeated != qualifiers.end()) {
      return Reject(fmt::format("the qualifier '{}' appears more than once", repeated->first));
    }
  }

  if (purl.name.empty()) return Reject("it has no name");

  const auto definition = FindTypeDefinition(purl.type);
  if (!definition) return {};

  if (purl.type == "git") {
    // A git purl's namespace is the host; the rest of the path is the repository, in the name.
    const std::size_t host_end = purl.package_namespace.find('/');
    if (host_end != std::string::npos) {
      purl.name = purl.package_namespace.substr(host_end + 1) + "/" + purl.name;
      purl.package_namespace.resize(host_end);
    }
    purl.name = *NormalizeSegments(purl.name, "name", false, false);
  }
  if (definition->namespace_requirement == Requirement::kRequired &&
      purl.package_namespace.empty()) {
    if (definition->namespace_native_name.empty()) {
      return Reject(fmt::format("{} needs a namespace", APurlOf(*definition)));
    }
    return Reject(fmt::format("{} needs a namespace (the {})", APurlOf(*definition),
                              definition->namespace_native_name));
  }
  if (definition->namespace_requirement == Requirement::kProhibited &&
      !purl.package_namespace.empty()) {
    return Reject(fmt::format("{} has no namespace, but '{}' was given", APurlOf(*definition),
                              ShowInput(purl.package_namespace)));
  }
  if (!definition->namespace_case_sensitive) LowerInPlace(purl.package_namespace);
  if (!definition->name_case_sensitive) LowerInPlace(purl.name);
  if (!definition->version_case_sensitive) LowerInPlace(purl.version);
  if (!definition->subpath_case_sensitive) LowerInPlace(purl.subpath);
  if (!definition->required_qualifier.empty() &&
      !FindQualifier(purl, definition->required_qualifier)) {
    return Reject(fmt::format("{} needs the '{}' qualifier", APurlOf(*definition),
                              definition->required_qualifier));
  }
  if (auto applied = ApplyTypeRules(*definition, purl); !applied) {
    return std::unexpected(applied.error());
  }
  if (purl.name.empty()) return Reject("it has no name");
  return {};
}

}  // namespace

Result<PackageUrl> ParsePurl(std::string_view text) {
  // Built where it is returned: one object whatever the outcome.
  Result<PackageUrl> result;
  if (auto parsed = ParsePurlInto(text, *result); !parsed) result = Fail(std::move(parsed.error()));
  return result;
}

Result<void> ParsePurlInto(std::string_view text, PackageUrl& out) {
  if (text.size() > kMaxPurlLength) {
    return Fail(InvalidText(text, fmt::format("it is longer than {} bytes", kMaxPurlLength)));
  }
  if (auto split = SplitComponents(text, out); !split) {
    return Fail(InvalidText(text, split.error()));
  }
  const bool printable = IsPrintableAscii(text) && text.find('%') == std::string_view::npos;
  if (auto normalized = Normalize(out, printable); !normalized) {
    return Fail(InvalidText(text, normalized.error()));
  }
  return {};
}

Result<PackageUrl> NormalizePurl(PackageUrl components) {
  const PackageUrl original = components;
  if (auto normalized = Normalize(components, /*printable=*/false); !normalized) {
    return Fail(InvalidComponents(original, normalized.error()));
  }
  return components;
}

std::string ToCanonicalString(const PackageUrl& purl) {
  std::string canonical = "pkg:";
  canonical += purl.type;
  canonical += '/';
  if (!purl.package_namespace.empty()) {
    canonical += PercentEncode(purl.package_namespace, true);
    canonical += '/';
  }
  canonical += PercentEncode(purl.name, purl.type == "git");
  if (!purl.version.empty()) {
    canonical += '@';
    canonical += PercentEncode(purl.version, false);
  }
  char separator = '?';
  for (const auto& [key, value] : purl.qualifiers) {
    if (value.empty()) continue;
    canonical += separator;
    canonical += key;
    canonical += '=';
    canonical += PercentEncode(value, false);
    separator = '&';
  }
  if (!purl.subpath.empty()) {
    canonical += '#';
    canonical += PercentEncode(purl.subpath, true);
  }
  return canonical;
}

Result<std::string> BuildPurl(PackageUrl components) {
  auto normalized = NormalizePurl(std::move(components));
  if (!normalized) return Fail(std::move(normalized.error()));
  return ToCanonicalString(*normalized);
}

std::optional<std::string_view> FindQualifier(const PackageUrl& purl, std::string_view key) {
  for (const auto& [qualifier_key, value] : purl.qualifiers) {
    if (qualifier_key == key) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace sg::purl
