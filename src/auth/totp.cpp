#include "auth/totp.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/crypto.hpp"

namespace sg::auth {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kTotpSecretBytes = 20;

/// Value of one Base32 symbol, either case, or -1.
int Base32Value(char symbol) {
  if (symbol >= 'A' && symbol <= 'Z') return symbol - 'A';
  if (symbol >= 'a' && symbol <= 'z') return symbol - 'a';
  if (symbol >= '2' && symbol <= '7') return symbol - '2' + 26;
  return -1;
}

Error InvalidBase32() { return Error::BadRequest("The key is not valid Base32.", "invalidBase32"); }

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

/// RFC 3986 percent-encoding of the UTF-8 bytes of `text`; unreserved characters and those in
/// `keep` stay literal.
std::string PercentEncode(std::string_view text, std::string_view keep = {}) {
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (IsUnreserved(c) || keep.find(c) != std::string_view::npos) {
      encoded.push_back(c);
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return encoded;
}

void CheckSettings(const TotpSettings& settings) {
  if (settings.digits < 6 || settings.digits > 8) {
    throw std::invalid_argument("TOTP digits must be 6, 7 or 8");
  }
  if (settings.period_seconds <= 0) throw std::invalid_argument("TOTP period must be positive");
  if (settings.window_steps < 0) throw std::invalid_argument("TOTP window must not be negative");
}

}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string encoded;
  encoded.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bit_count = 0;
  for (const char byte : bytes) {
    buffer = (buffer << 8) | static_cast<std::uint8_t>(byte);
    bit_count += 8;
    while (bit_count >= 5) {
      encoded.push_back(kBase32Alphabet[(buffer >> (bit_count - 5)) & 0x1F]);
      bit_count -= 5;
    }
  }
  if (bit_count > 0) encoded.push_back(kBase32Alphabet[(buffer << (5 - bit_count)) & 0x1F]);
  return encoded;
}

Result<std::string> Base32Decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bit_count = 0;
  std::size_t symbol_count = 0;
  bool in_padding = false;
  for (const char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      in_padding = true;
      continue;
    }
    const int value = Base32Value(c);
    if (value < 0 || in_padding) return Fail(InvalidBase32());
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bit_count += 5;
    if (bit_count >= 8) {
      decoded.push_back(static_cast<char>((buffer >> (bit_count - 8)) & 0xFF));
      bit_count -= 8;
    }
    buffer &= (1u << bit_count) - 1;
    ++symbol_count;
  }
  // Whole bytes leave 0, 2, 4, 5 or 7 symbols in the last group of eight.
  const std::size_t tail = symbol_count % 8;
  if (tail == 1 || tail == 3 || tail == 6) return Fail(InvalidBase32());
  return decoded;
}

std::string Hotp(std::string_view secret, std::uint64_t counter, int digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("HOTP digits must be 6, 7 or 8");
  std::array<unsigned char, 8> message{};
  for (int index = 7; index >= 0; --index) {
    message[static_cast<std::size_t>(index)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  static constexpr unsigned char kEmptyKey = 0;
  const void* key = secret.empty() ? &kEmptyKey : static_cast<const void*>(secret.data());
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), key, static_cast<int>(secret.size()), message.data(), message.size(),
           mac.data(), &mac_size) == nullptr ||
      mac_size != 20) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  // RFC 4226 §5.3 dynamic truncation.
  const std::size_t offset = mac[19] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int digit = 0; digit < digits; ++digit) modulus *= 10;
  return fmt::format("{:0{}}", binary % modulus, digits);
}

std::int64_t TotpStep(std::int64_t unix_time, std::int64_t period_seconds) {
  if (period_seconds <= 0) throw std::invalid_argument("TOTP period must be positive");
  std::int64_t step = unix_time / period_seconds;
  if (unix_time % period_seconds < 0) --step;  // floor, also before 1970
  return step;
}

std::string TotpCode(std::string_view secret, std::int64_t unix_time,
                     const TotpSettings& settings) {
  CheckSettings(settings);
  const std::int64_t step = TotpStep(unix_time, settings.period_seconds);
  return Hotp(secret, static_cast<std::uint64_t>(step), settings.digits);
}

std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                       std::int64_t unix_time,
                                       std::optional<std::int64_t> last_used_step,
                                       const TotpSettings& settings) {
  CheckSettings(settings);
  if (code.size() != static_cast<std::size_t>(settings.digits)) return std::nullopt;
  for (const char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t current = TotpStep(unix_time, settings.period_seconds);
  std::optional<std::int64_t> matched;
  // Every step of the window is computed and compared, so the time taken does not tell which
  // step (if any) matched.
  for (int offset = -settings.window_steps; offset <= settings.window_steps; ++offset) {
    const std::int64_t step = current + offset;
    if (step < 0) continue;
    const bool equal =
        ConstantTimeEquals(Hotp(secret, static_cast<std::uint64_t>(step), settings.digits), code);
    const bool unused = !last_used_step || step > *last_used_step;
    if (equal && unused && !matched) matched = step;
  }
  return matched;
}

std::string NewTotpSecret() {
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account_email,
                       std::string_view secret_base32, const TotpSettings& settings) {
  CheckSettings(settings);
  std::string label = PercentEncode(account_email, "@");
  if (!issuer.empty()) label = PercentEncode(issuer) + ":" + label;
  std::string uri = "otpauth://totp/" + label + "?secret=" + PercentEncode(secret_base32);
  if (!issuer.empty()) uri += "&issuer=" + PercentEncode(issuer);
  uri +=
      fmt::format("&algorithm=SHA1&digits={}&period={}", settings.digits, settings.period_seconds);
  return uri;
}

}  // namespace sg::auth
