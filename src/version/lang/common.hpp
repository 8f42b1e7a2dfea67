#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// Helpers shared by the orderings in this folder; not part of the module's interface.
namespace sg::version::lang::internal {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiLetter(c); }
/// [0-9A-Za-z-], the characters of a SemVer prerelease or build identifier.
constexpr bool IsIdentifierChar(char c) { return IsAsciiAlnum(c) || c == '-'; }
constexpr char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

/// True for a non-empty run of ASCII digits.
bool IsAllDigits(std::string_view text);

/// True for a non-empty run of identifier characters.
bool IsIdentifier(std::string_view text);

/// `digits` without leading zeros ("0" stays "0"; "" stays "").
std::string_view StripLeadingZeros(std::string_view digits);

/// Orders two digit strings by value (-1, 0, 1), whatever their length or leading zeros.
int CompareDigits(std::string_view a, std::string_view b);

/// True when the number `digits` spells is at most `limit` (both digit strings).
bool DigitsAtMost(std::string_view digits, std::string_view limit);

/// -1, 0 or 1 for a three-way result of any sign.
constexpr int Sign(int value) { return (value > 0) - (value < 0); }

/// Byte-wise three-way comparison (-1, 0, 1).
int CompareBytes(std::string_view a, std::string_view b);

/// Splits on every `separator`, keeping empty parts ("a..b" gives "a", "", "b").
std::vector<std::string_view> Split(std::string_view text, char separator);

/// The "invalidVersion" error: "'<version>' is not a <ecosystem> version: <reason>". Long or
/// unprintable input is shortened and escaped so the message stays safe to show.
Error InvalidVersion(std::string_view ecosystem, std::string_view version, std::string_view reason);

/// The version as it may appear inside a message: at most 80 bytes, anything but printable
/// ASCII as '?'.
std::string Printable(std::string_view text);

}  // namespace sg::version::lang::internal
