#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sg::auth {

/// The password policy's two profiles, chosen by `serve --password-profile` (API.md, "Sessions
/// and accounts"). Their figures:
///
/// | rule                   | `tw-high` (default)              | `asvs`                   |
/// | ---------------------- | -------------------------------- | ------------------------ |
/// | length (code points)   | 12–128                           | 12–128                   |
/// | character classes      | 3 of upper, lower, digit, symbol | none                     |
/// | account name           | refused                          | refused                  |
/// | leaked / common list   | refused                          | refused                  |
/// | maximum age            | 90 days                          | none                     |
/// | history (not reused)   | the last 3                       | none                     |
/// | MFA                    | required for everyone            | optional unless enrolled |
///
/// `tw-high` follows the government's baseline (附表十 4-2-4: minimum complexity and a maximum
/// age; 4-2-5: not one of the last three passwords) and adds MFA for everyone; `asvs` follows
/// OWASP ASVS 5.0 V6.2, which forbids composition rules and periodic rotation (they push users
/// to predictable passwords) and relies on length and the breach list instead. Both count
/// lengths in Unicode code points, not bytes, and allow every character, spaces included.
enum class PasswordProfile { kTwHigh, kAsvs };

/// `tw-high` or `asvs`; anything else is absent.
std::optional<PasswordProfile> ParsePasswordProfile(std::string_view text);
/// The configuration name of `profile` (`tw-high`, `asvs`).
std::string_view PasswordProfileName(PasswordProfile profile);

/// The figures of one profile (see PasswordProfile). CheckPassword applies the length,
/// composition, account-name and breach rules; the caller applies `max_age` (against the date
/// the password was set), `history_depth` (against the stored hashes of earlier passwords, code
/// `reused`) and `mfa_required`.
struct PasswordPolicy {
  PasswordProfile profile = PasswordProfile::kTwHigh;
  /// Code points.
  std::size_t min_length = 12;
  /// Code points; bounds the work of hashing an attacker's input.
  std::size_t max_length = 128;
  /// How many of the four classes (ASCII upper case, lower case, digits, and symbols: every
  /// other character, non-ASCII ones included) must appear; 0 for no composition rule.
  int requires_character_classes = 3;
  /// Age after which the password must be changed; absent for no expiry.
  std::optional<std::chrono::days> max_age = std::chrono::days{90};
  /// How many of the latest passwords, the current one included, may not be set again (附表十
  /// 4-2-5: 前三次使用過之密碼); 0 for none.
  int history_depth = 3;
  /// Whether every account must enrol MFA before it may do anything else.
  bool mfa_required = true;
};

/// The figures of `profile`.
PasswordPolicy PolicyFor(PasswordProfile profile);

/// Known leaked and common passwords (弱密碼清單), compared case-insensitively (ASCII letters;
/// other characters as they are). Fill it once at start-up, then share it read-only.
class BreachedPasswords {
 public:
  /// Adds the passwords of a UTF-8 file with one password per line (an optional BOM, CRLF line
  /// ends, empty lines and lines starting with '#' are skipped). Returns how many passwords the
  /// file held; an unreadable or non-UTF-8 file is an error naming the file (and the line).
  Result<std::size_t> LoadFile(const std::filesystem::path& path);
  /// Adds the list built into the binary (BuiltInBreachedPasswords); returns its size.
  std::size_t AddBuiltIn();
  /// Adds one password.
  void Add(std::string_view password);

  /// True when `password`, lower-cased, is on the list.
  bool Contains(std::string_view password) const;
  /// Distinct entries held.
  std::size_t size() const { return entries_.size(); }

 private:
  /// Adds lower-cased `more`, keeping `entries_` sorted and free of repeats.
  void Merge(std::vector<std::string> more);

  std::vector<std::string> entries_;  // lower-cased, sorted, unique
};

/// The built-in list, one lower-cased password per line: generated at build time by
/// scripts/password-list.mjs from the npm package @zxcvbn-ts/language-common and embedded by
/// src/auth/embed.cmake.
std::string_view BuiltInBreachedPasswords();

/// The rules of `policy` that concern the password itself, in this order; returns the API's
/// field error codes (empty when the password is acceptable): `tooShort`, `tooLong`,
/// `needsCharacterClasses`, `containsAccountName` (the whole e-mail, or its local part when
/// that has at least 3 characters, in any case), `breached`.
std::vector<std::string> CheckPassword(const PasswordPolicy& policy, std::string_view password,
                                       std::string_view account_email,
                                       const BreachedPasswords& breached);

}  // namespace sg::auth
