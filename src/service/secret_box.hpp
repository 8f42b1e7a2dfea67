#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::service {

/// Seals small secrets (TOTP keys) at rest with the server's data key: XSalsa20-Poly1305
/// (libsodium crypto_secretbox), a random nonce per value, stored as base64. A database dump
/// without the key file does not reveal the secrets.
class SecretBox {
 public:
  /// Loads the 32-byte key from `path`, creating it (mode 0600, folder 0700) when missing.
  static Result<SecretBox> LoadOrCreate(const std::filesystem::path& path);
  /// A box with a fresh random key (tests).
  static SecretBox Ephemeral();

  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace sg::service
