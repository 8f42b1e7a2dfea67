#include <fmt/format.h>

#include <algorithm>
#include <expected>

#include "cpe/cpe.hpp"
#include "cpe/value_tokens.hpp"

namespace sg::cpe {
namespace {

// Internal steps report only why the CPE is invalid; the public functions wrap that reason in
// one Error that also quotes the input.
using Reason = std::string;
template <typename T>
using Checked = std::expected<T, Reason>;

std::unexpected<Reason> Reject(Reason reason) { return std::unexpected<Reason>(std::move(reason)); }

constexpr std::size_t kShownLength = 120;
constexpr std::string_view kFormattedStringPrefix = "cpe:2.3:";
constexpr std::string_view kUriPrefix = "cpe:/";
// The URI binding carries part, vendor, product, version, update, edition and language.
constexpr std::size_t kUriComponentCount = 7;

std::string Show(std::string_view text) {
  std::string shown;
  for (const char character : text.substr(0, kShownLength)) {
    shown += detail::IsPrintableAscii(character) || character == ' ' ? character : '?';
  }
  if (text.size() > kShownLength) shown += "…";
  return shown;
}

Error InvalidCpe(std::string_view text, std::string_view reason) {
  return Error::BadRequest(fmt::format("CPE '{}' is invalid: {}", Show(text), reason),
                           "invalidCpe");
}

char AsciiLower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t index = 0; index < prefix.size(); ++index) {
    if (AsciiLower(text[index]) != prefix[index]) return false;
  }
  return true;
}

int HexValue(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

// A value string in WFN form, checked; the reason names the attribute and the field as written.
Checked<AttributeValue> MakeValue(const std::string& wfn, Attribute attribute,
                                  std::string_view field) {
  if (auto tokens = detail::TokenizeValue(wfn); !tokens) {
    return Reject(fmt::format("the {} '{}' is malformed: {}", AttributeName(attribute), Show(field),
                              tokens.error()));
  }
  auto value = AttributeValue::FromWfnString(wfn);
  if (!value) return Reject(value.error().message);
  return std::move(*value);
}

Checked<void> CheckPart(const AttributeValue& part) {
  if (!part.IsValue()) return {};
  const std::string value = part.Unquoted();
  if (value == "a" || value == "o" || value == "h" || value == "A" || value == "O" ||
      value == "H") {
    return {};
  }
  return Reject(
      fmt::format("the part is '{}'; it must be 'a', 'o' or 'h' (or ANY or NA)", Show(value)));
}

// NISTIR 7695 §6.2.3 unbind_value_fs: '*' is ANY, '-' is NA; otherwise punctuation gets quoted.
Checked<AttributeValue> UnbindFormattedField(std::string_view field, Attribute attribute) {
  if (field == "*") return AttributeValue::Any();
  if (field == "-") return AttributeValue::Na();
  if (field.empty()) {
    return Reject(fmt::format("the {} is empty (ANY is written '*')", AttributeName(attribute)));
  }
  std::string wfn;
  for (std::size_t index = 0; index < field.size(); ++index) {
    const char character = field[index];
    if (character == '\\') {
      if (index + 1 == field.size()) {
        return Reject(fmt::format("the {} ends with a lone '\\'", AttributeName(attribute)));
      }
      wfn += '\\';
      wfn += field[++index];
    } else if (detail::IsPlainCharacter(character) || character == '*' || character == '?') {
      wfn += character;
    } else if (detail::IsPrintableAscii(character)) {
      wfn += '\\';
      wfn += character;
    } else {
      return Reject(fmt::format("the {} holds a space or a character outside printable ASCII",
                                AttributeName(attribute)));
    }
  }
  return MakeValue(wfn, attribute, field);
}

// NISTIR 7695 §6.1.3 decode: '.', '-' and '~' get quoted, %01 is '?', %02 is '*', any other
// percent-encoded printable character is quoted. Like the NIST reference implementation, an
// unencoded '*' or '?' is taken as a wildcard; TokenizeValue then checks its position.
Checked<AttributeValue> DecodeUriComponent(std::string_view component, Attribute attribute) {
  if (component.empty()) return AttributeValue::Any();
  if (component == "-") return AttributeValue::Na();
  std::string wfn;
  for (std::size_t index = 0; index < component.size(); ++index) {
    const char character = AsciiLower(component[index]);
    if (character == '.' || character == '-' || character == '~') {
      wfn += '\\';
      wfn += character;
    } else if (character == '%') {
      const int high = component.size() - index >= 3 ? HexValue(component[index + 1]) : -1;
      const int low = component.size() - index >= 3 ? HexValue(component[index + 2]) : -1;
      if (high < 0 || low < 0) {
        return Reject(fmt::format("the {} has a '%' that is not followed by two hex digits",
                                  AttributeName(attribute)));
      }
      index += 2;
      const char decoded = AsciiLower(static_cast<char>(high * 16 + low));
      if (decoded == 0x01) {
        wfn += '?';
      } else if (decoded == 0x02) {
        wfn += '*';
      } else if (detail::IsPlainCharacter(decoded)) {
        wfn += decoded;
      } else if (detail::IsPrintableAscii(decoded)) {
        wfn += '\\';
        wfn += decoded;
      } else {
        return Reject(fmt::format("the {} holds '%{}{}', which is not a character a CPE allows",
                                  AttributeName(attribute), component[index - 1],
                                  component[index]));
      }
    } else if (detail::IsPlainCharacter(character) || character == '*' || character == '?') {
      wfn += character;
    } else {
      return Reject(fmt::format("the {} holds '{}', which a CPE URI must percent-encode",
                                AttributeName(attribute), Show(std::string_view(&character, 1))));
    }
  }
  return MakeValue(wfn, attribute, component);
}

// NISTIR 7695 §6.1.3.3 unpack: "~edition~sw_edition~target_sw~target_hw~other"; like the NIST
// reference implementation, "other" takes the rest, '~' included.
Checked<void> UnpackEdition(std::string_view packed, Wfn& wfn) {
  constexpr Attribute kPacked[] = {Attribute::kEdition, Attribute::kSwEdition, Attribute::kTargetSw,
                                   Attribute::kTargetHw, Attribute::kOther};
  std::string_view rest = packed.substr(1);
  for (std::size_t field = 0; field < std::size(kPacked); ++field) {
    std::string_view component = rest;
    if (field + 1 < std::size(kPacked)) {
      const std::size_t tilde = rest.find('~');
      if (tilde == std::string_view::npos) {
        return Reject(
            fmt::format("the packed edition '{}' has fewer than five '~'-separated "
                        "fields",
                        Show(packed)));
      }
      component = rest.substr(0, tilde);
      rest = rest.substr(tilde + 1);
    }
    auto value = DecodeUriComponent(component, kPacked[field]);
    if (!value) return std::unexpected(value.error());
    wfn.Get(kPacked[field]) = std::move(*value);
  }
  return {};
}

Checked<Wfn> UnbindFormattedString(std::string_view text) {
  if (!StartsWithIgnoringCase(text, kFormattedStringPrefix)) {
    return Reject("it does not start with 'cpe:2.3:'");
  }
  const std::string_view rest = text.substr(kFormattedStringPrefix.size());
  // Fields are separated by ':' not quoted by '\'.
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t index = 0; index < rest.size(); ++index) {
    if (rest[index] == '\\') {
      ++index;
    } else if (rest[index] == ':') {
      fields.push_back(rest.substr(start, index - start));
      start = index + 1;
      if (fields.size() == kAttributeCount) {
        return Reject("it has more than the 13 fields of a formatted string");
      }
    }
  }
  fields.push_back(rest.substr(start));
  // Trailing fields left out are taken as ANY (SBOM tools write "cpe:2.3:a:nginx:nginx:1.21.1").
  Wfn wfn;
  for (std::size_t field = 0; field < fields.size(); ++field) {
    auto value = UnbindFormattedField(fields[field], kAttributes[field]);
    if (!value) return std::unexpected(value.error());
    wfn.Get(kAttributes[field]) = std::move(*value);
  }
  if (auto part = CheckPart(wfn.part); !part) return std::unexpected(part.error());
  return wfn;
}

Checked<Wfn> UnbindUri(std::string_view text) {
  if (!StartsWithIgnoringCase(text, kUriPrefix)) return Reject("it does not start with 'cpe:/'");
  std::string_view rest = text.substr(kUriPrefix.size());
  Wfn wfn;
  for (std::size_t component = 0; component < kUriComponentCount; ++component) {
    const std::size_t colon = std::min(rest.find(':'), rest.size());
    const std::string_view value_text = rest.substr(0, colon);
    const Attribute attribute = kAttributes[component];
    if (attribute == Attribute::kEdition && value_text.starts_with('~')) {
      if (auto unpacked = UnpackEdition(value_text, wfn); !unpacked) {
        return std::unexpected(unpacked.error());
      }
    } else {
      auto value = DecodeUriComponent(value_text, attribute);
      if (!value) return std::unexpected(value.error());
      wfn.Get(attribute) = std::move(*value);
    }
    if (colon == rest.size()) {
      rest = {};
      break;
    }
    rest = rest.substr(colon + 1);
    if (component + 1 == kUriComponentCount) {
      return Reject("it has more than the 7 components of a CPE URI");
    }
  }
  if (auto part = CheckPart(wfn.part); !part) return std::unexpected(part.error());
  return wfn;
}

bool IsLoneHyphen(const std::vector<detail::ValueToken>& tokens) {
  return tokens.size() == 1 && tokens[0].character == '-';
}

// NISTIR 7695 §6.2.2 bind_value_for_fs. A value that is just a hyphen keeps its '\', so that it
// is not read back as NA.
std::string BindFormattedValue(const AttributeValue& value) {
  if (value.IsAny()) return "*";
  if (value.IsNa()) return "-";
  const auto tokens = detail::TokenizeValue(value.wfn_string());
  if (!tokens) return "*";
  if (IsLoneHyphen(*tokens)) return "\\-";
  std::string bound;
  for (const detail::ValueToken& token : *tokens) {
    const char character = token.character;
    if (token.quoted && character != '.' && character != '-' && character != '_') bound += '\\';
    bound += character;
  }
  return bound;
}

// NISTIR 7695 §6.1.2 transform_for_uri. A value that is just a hyphen is percent-encoded, so that
// it is not read back as NA.
std::string BindUriValue(const AttributeValue& value) {
  if (value.IsAny()) return "";
  if (value.IsNa()) return "-";
  const auto tokens = detail::TokenizeValue(value.wfn_string());
  if (!tokens) return "";
  if (IsLoneHyphen(*tokens)) return "%2d";
  std::string bound;
  for (const detail::ValueToken& token : *tokens) {
    const char character = token.character;
    if (!token.quoted && character == '?') {
      bound += "%01";
    } else if (!token.quoted && character == '*') {
      bound += "%02";
    } else if (!token.quoted || character == '-' || character == '.') {
      bound += character;
    } else {
      bound += fmt::format("%{:02x}", static_cast<unsigned char>(character));
    }
  }
  return bound;
}

}  // namespace

Result<Wfn> ParseFormattedString(std::string_view text) {
  if (text.size() > kMaxCpeLength) {
    return Fail(InvalidCpe(text, fmt::format("it is longer than {} bytes", kMaxCpeLength)));
  }
  auto wfn = UnbindFormattedString(text);
  if (!wfn) return Fail(InvalidCpe(text, wfn.error()));
  return std::move(*wfn);
}

Result<Wfn> ParseUri(std::string_view text) {
  if (text.size() > kMaxCpeLength) {
    return Fail(InvalidCpe(text, fmt::format("it is longer than {} bytes", kMaxCpeLength)));
  }
  auto wfn = UnbindUri(text);
  if (!wfn) return Fail(InvalidCpe(text, wfn.error()));
  return std::move(*wfn);
}

Result<Wfn> ParseCpe(std::string_view text) {
  if (StartsWithIgnoringCase(text, kFormattedStringPrefix)) return ParseFormattedString(text);
  if (StartsWithIgnoringCase(text, kUriPrefix)) return ParseUri(text);
  return Fail(InvalidCpe(text, "it starts with neither 'cpe:2.3:' nor 'cpe:/'"));
}

std::string ToFormattedString(const Wfn& wfn) {
  std::string bound = "cpe:2.3";
  for (const Attribute attribute : kAttributes) {
    bound += ':';
    bound += BindFormattedValue(wfn.Get(attribute));
  }
  return bound;
}

std::string ToUri(const Wfn& wfn) {
  std::string bound = "cpe:/";
  for (std::size_t component = 0; component < kUriComponentCount; ++component) {
    const Attribute attribute = kAttributes[component];
    if (component > 0) bound += ':';
    if (attribute != Attribute::kEdition) {
      bound += BindUriValue(wfn.Get(attribute));
      continue;
    }
    if (wfn.sw_edition.IsAny() && wfn.target_sw.IsAny() && wfn.target_hw.IsAny() &&
        wfn.other.IsAny()) {
      bound += BindUriValue(wfn.edition);
    } else {
      for (const Attribute packed :
           {Attribute::kEdition, Attribute::kSwEdition, Attribute::kTargetSw, Attribute::kTargetHw,
            Attribute::kOther}) {
        bound += '~';
        bound += BindUriValue(wfn.Get(packed));
      }
    }
  }
  while (bound.ends_with(':')) bound.pop_back();
  return bound;
}

}  // namespace sg::cpe
