#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

// Internal to the cpe module: the characters of a WFN value string.
namespace sg::cpe::detail {

/// One logical character of a WFN value string: `quoted` when it was written with a '\' before
/// it. An unquoted '*' or '?' is a wildcard.
struct ValueToken {
  char character;
  bool quoted;

  bool IsWildcard() const { return !quoted && (character == '*' || character == '?'); }
};

/// True for a letter, digit or '_', the characters a WFN value carries unquoted.
inline bool IsPlainCharacter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') || character == '_';
}

/// True for printable ASCII other than space (what a quoted character may be).
inline bool IsPrintableAscii(char character) { return character > 0x20 && character < 0x7F; }

/// Splits a WFN value string into its logical characters and checks NISTIR 7695 §5.3.2's
/// grammar (quoting, wildcard positions). The error is a reason, without the value.
std::expected<std::vector<ValueToken>, std::string> TokenizeValue(std::string_view quoted);

/// The WFN string of `tokens`: quoted characters with their '\', the others as they are.
std::string JoinTokens(const std::vector<ValueToken>& tokens);

}  // namespace sg::cpe::detail
