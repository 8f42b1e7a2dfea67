#include "auth/recovery_codes.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "auth/crypto.hpp"

namespace sg::auth {
namespace {

constexpr std::size_t kSymbolsPerCode = 10;
static_assert(kRecoveryCodeAlphabet.size() == 32, "one random byte's low 5 bits pick a symbol");

/// True when `text[index]` starts a well-formed three-byte UTF-8 sequence (U+0800–U+FFFF, where
/// every character NormaliseRecoveryCode maps or drops lives).
bool StartsThreeByteSequence(std::string_view text, std::size_t index) {
  const auto byte = [&](std::size_t offset) {
    return static_cast<unsigned char>(text[index + offset]);
  };
  return index + 2 < text.size() && (byte(0) & 0xF0) == 0xE0 && (byte(1) & 0xC0) == 0x80 &&
         (byte(2) & 0xC0) == 0x80;
}

char32_t DecodeThreeBytes(std::string_view text, std::size_t index) {
  return (static_cast<char32_t>(static_cast<unsigned char>(text[index]) & 0x0F) << 12) |
         (static_cast<char32_t>(static_cast<unsigned char>(text[index + 1]) & 0x3F) << 6) |
         static_cast<char32_t>(static_cast<unsigned char>(text[index + 2]) & 0x3F);
}

/// Characters a user may put between the symbols: spaces and dashes of any width.
bool IsSeparator(char32_t code_point) {
  return code_point == ' ' || code_point == '\t' || code_point == '\r' || code_point == '\n' ||
         code_point == '-' || code_point == 0x3000 ||       // ideographic space
         (code_point >= 0x2010 && code_point <= 0x2015) ||  // hyphens and dashes
         code_point == 0x2212;                              // minus sign
}

/// An ASCII character as Crockford's Base32 reads it.
char ReadAsCrockford(char c) {
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (c == 'o') return '0';
  if (c == 'i' || c == 'l') return '1';
  return c;
}

std::string NewRecoveryCode() {
  std::array<unsigned char, kSymbolsPerCode> random{};
  randombytes_buf(random.data(), random.size());
  std::string code;
  code.reserve(kSymbolsPerCode + 2);
  for (std::size_t index = 0; index < random.size(); ++index) {
    if (index == 4 || index == 8) code.push_back('-');
    code.push_back(kRecoveryCodeAlphabet[random[index] & 0x1F]);
  }
  sodium_memzero(random.data(), random.size());
  return code;
}

}  // namespace

std::vector<std::string> NewRecoveryCodes(std::size_t count) {
  std::vector<std::string> codes;
  codes.reserve(count);
  while (codes.size() < count) {
    // A repeat is vanishingly unlikely (2^-50 per pair) but would leave the user one code short.
    std::string code = NewRecoveryCode();
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  return codes;
}

std::string NormaliseRecoveryCode(std::string_view typed) {
  std::string normalised;
  normalised.reserve(typed.size());
  std::size_t index = 0;
  while (index < typed.size()) {
    char32_t code_point = static_cast<unsigned char>(typed[index]);
    std::size_t length = 1;
    if (StartsThreeByteSequence(typed, index)) {
      code_point = DecodeThreeBytes(typed, index);
      length = 3;
    }
    // Full-width forms of ASCII (U+FF01–U+FF5E), as a CJK input method types them.
    if (code_point >= 0xFF01 && code_point <= 0xFF5E) code_point -= 0xFEE0;
    if (!IsSeparator(code_point)) {
      if (code_point < 0x80) {
        normalised.push_back(ReadAsCrockford(static_cast<char>(code_point)));
      } else {
        normalised.append(typed.substr(index, length));
      }
    }
    index += length;
  }
  return normalised;
}

std::string HashRecoveryCode(std::string_view typed) {
  return Sha256Hex(NormaliseRecoveryCode(typed));
}

}  // namespace sg::auth
