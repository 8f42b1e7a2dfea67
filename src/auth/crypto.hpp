#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::auth {

/// Initialises libsodium; call once at start-up before any other function here.
bool InitCrypto();

/// Argon2id hash in libsodium's encoded form (algorithm, parameters and salt included).
Result<std::string> HashPassword(std::string_view password);
/// Constant-time verification of `password` against an encoded hash.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);
/// Verifies against a fixed dummy hash so that an unknown account costs the same time as a
/// wrong password.
void BurnPasswordVerification(std::string_view password);

/// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string RandomToken(std::size_t bytes = 32);
/// Lower-case hex SHA-256 of `value`.
std::string Sha256Hex(std::string_view value);
/// Constant-time equality of two strings of any length.
bool ConstantTimeEquals(std::string_view left, std::string_view right);

/// Password rule of the foundation: 12 to 128 characters and not containing the account's name
/// (the `asvs` profile of password_policy.hpp without the breach list). Returns the field error
/// code (`passwordTooShort`, `passwordTooLong`, `passwordContainsAccountName`) or empty. New
/// code should use CheckPassword with the configured profile.
std::string CheckPasswordRule(std::string_view password, std::string_view email);

}  // namespace sg::auth
