#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sg::auth {

/// How many one-time recovery codes an MFA enrolment hands out.
inline constexpr std::size_t kRecoveryCodeCount = 10;

/// The recovery codes' alphabet: Crockford's Base32 in lower case (digits and letters without
/// i, l, o and u). 32 symbols, so each of the 10 symbols of a code carries 5 bits: 50 bits.
inline constexpr std::string_view kRecoveryCodeAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

/// `count` new recovery codes, each shaped `xxxx-xxxx-xx` (10 symbols, 50 random bits, from
/// the OS CSPRNG). Show them to the user once; store only HashRecoveryCode of each.
std::vector<std::string> NewRecoveryCodes(std::size_t count = kRecoveryCodeCount);

/// A recovery code as typed, reduced to its 10 symbols so that users may type it loosely:
/// spaces, dashes (ASCII, full-width and typographic) and full-width spaces are dropped,
/// full-width letters and digits become ASCII, letters become lower case, and the letters that
/// look like digits become those digits (o → 0; i, l → 1), as Crockford's Base32 reads them.
/// Anything else is kept, so that it simply fails to match.
std::string NormaliseRecoveryCode(std::string_view typed);

/// Lower-case hex SHA-256 of the normalised code, the form in which codes are stored and looked
/// up. A fast, unsalted hash is enough here, unlike for passwords: a code is 50 random bits, not
/// a human choice, so there is no dictionary to try, a table of all 2^50 codes is out of reach,
/// and online guessing is hopeless (sign-in attempts are limited). Someone who has read the
/// database and brute-forces a hash offline gains nothing the account's TOTP secret, stored
/// beside it, would not already give them.
std::string HashRecoveryCode(std::string_view typed);

}  // namespace sg::auth
