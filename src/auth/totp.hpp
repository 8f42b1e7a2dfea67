#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::auth {

/// RFC 4648 Base32 of `bytes`: upper case, without '=' padding (what authenticator apps show
/// and accept as a manual key).
std::string Base32Encode(std::string_view bytes);

/// Decodes RFC 4648 Base32 as a person may type it: lower case is accepted, spaces are ignored,
/// trailing '=' padding is allowed. Any other character, '=' before the end, or a length that no
/// whole number of bytes encodes is an error (`invalidBase32`). Unused trailing bits are ignored.
Result<std::string> Base32Decode(std::string_view text);

/// RFC 4226 HOTP with HMAC-SHA1: the `digits`-digit code (zero-padded) of `secret` (raw bytes)
/// at `counter`. `digits` must be 6, 7 or 8 (std::invalid_argument otherwise: a bug).
std::string Hotp(std::string_view secret, std::uint64_t counter, int digits = 6);

/// How TOTP is used. The defaults are what authenticator apps assume and what API.md fixes:
/// SHA-1, 6 digits, 30-second steps, one step of clock drift accepted either way.
struct TotpSettings {
  int digits = 6;
  std::int64_t period_seconds = 30;
  /// Steps accepted before and after the current one.
  int window_steps = 1;
};

/// RFC 6238 time step of `unix_time`: floor(unix_time / period).
std::int64_t TotpStep(std::int64_t unix_time, std::int64_t period_seconds = 30);

/// RFC 6238 TOTP code of `secret` (raw bytes) at `unix_time`.
std::string TotpCode(std::string_view secret, std::int64_t unix_time,
                     const TotpSettings& settings = {});

/// Checks a submitted TOTP `code` against every step of the window around `unix_time` and
/// returns the step it matched, but only when that step is later than `last_used_step` (each
/// step's code is accepted at most once: a replayed or older code fails). Store the returned
/// step as the account's new last used step. Codes that are not exactly `settings.digits` ASCII
/// digits fail; the comparison itself takes the same time whichever step matches.
std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                       std::int64_t unix_time,
                                       std::optional<std::int64_t> last_used_step,
                                       const TotpSettings& settings = {});

/// A new TOTP secret: 20 random bytes (160 bits, the HMAC-SHA1 key size RFC 4226 recommends)
/// from the OS CSPRNG. Raw bytes; show it to the user with Base32Encode.
std::string NewTotpSecret();

/// The Key URI that authenticator apps read from the enrolment QR code:
/// `otpauth://totp/Issuer:email?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`. Issuer and
/// account are percent-encoded as UTF-8 (a ':' in either is encoded, so the label stays
/// unambiguous; '@' stays literal in the label).
std::string OtpauthUri(std::string_view issuer, std::string_view account_email,
                       std::string_view secret_base32, const TotpSettings& settings = {});

}  // namespace sg::auth
