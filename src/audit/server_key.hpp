#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::audit {

/// An Ed25519 public key: what verifies anchors and checkpoints. Written as 64 hex digits.
class PublicKey {
 public:
  static constexpr std::size_t kSize = 32;

  /// Parses 64 hex digits.
  static Result<PublicKey> FromHex(std::string_view hex);
  explicit PublicKey(const std::array<unsigned char, kSize>& bytes) : bytes_(bytes) {}

  std::string Hex() const;
  /// True when `signature_hex` (128 hex digits) is this key's signature of `message`.
  bool Verifies(std::string_view message, std::string_view signature_hex) const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  std::array<unsigned char, kSize> bytes_{};
};

/// The server's Ed25519 signing key (libsodium), which signs anchors and checkpoints of the audit
/// log. Kept in a file of its own, readable by its owner only (0600), as 128 hex digits (the
/// 64-byte libsodium secret key: seed, then public key). Its memory is wiped on destruction.
class ServerKey {
 public:
  static constexpr std::size_t kSecretSize = 64;

  /// Reads the key at `path`, or creates one there (mode 0600, never replacing a file another
  /// process created at the same moment) when none exists.
  static Result<ServerKey> LoadOrCreate(const std::filesystem::path& path);
  /// Reads the key at `path`; refuses a file that its group or others may read.
  static Result<ServerKey> Load(const std::filesystem::path& path);
  /// A fresh key held in memory only (tests).
  static ServerKey Generate();

  ServerKey(ServerKey&& other) noexcept;
  ServerKey& operator=(ServerKey&& other) noexcept;
  ServerKey(const ServerKey&) = delete;
  ServerKey& operator=(const ServerKey&) = delete;
  ~ServerKey();

  const PublicKey& public_key() const { return public_key_; }
  /// The detached Ed25519 signature of `message`, as 128 hex digits.
  std::string Sign(std::string_view message) const;

 private:
  ServerKey(const std::array<unsigned char, kSecretSize>& secret, const PublicKey& public_key);

  std::array<unsigned char, kSecretSize> secret_{};
  PublicKey public_key_;
};

/// The public key in the file at `path`: either a public key (64 hex digits, as printed by the
/// CLI) or the server key file itself (128 hex digits).
Result<PublicKey> LoadPublicKey(const std::filesystem::path& path);

/// Where the server key lives by default: next to a SQLite database (`sqlite:data/sg.db` →
/// `data/sg.db.audit-key`). PostgreSQL has no default: the operator configures a path.
std::optional<std::filesystem::path> DefaultKeyPath(std::string_view db_url);

}  // namespace sg::audit
