#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

// Helpers shared by the orderings in this folder; not part of the module's public API.
namespace sg::version::distro {

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAsciiAlpha(char c) { return IsAsciiLower(c) || IsAsciiUpper(c); }
inline bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }
inline char AsciiLower(char c) { return IsAsciiUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

/// -1, 0 or 1 with the sign of `value`.
inline int Sign(long long value) { return (value > 0) - (value < 0); }

/// `text` without the white space Python's str.strip() and the regex class \s remove at both
/// ends: ASCII white space, U+001C..U+001F and the Unicode spaces and separators (in UTF-8).
std::string_view StripPythonWhitespace(std::string_view text);

/// Whether `text` holds any of the white space StripPythonWhitespace removes.
bool ContainsPythonWhitespace(std::string_view text);

/// `digits` without its leading zeros; "0" stays "0" and "" stays "".
std::string_view StripLeadingZeros(std::string_view digits);

/// Orders two runs of ASCII digits by their value, however long they are: leading zeros are
/// ignored, then the longer run is the larger, then the runs compare lexically. -1, 0 or 1.
int CompareDigitRuns(std::string_view a, std::string_view b);

/// The decimal digit string one greater than `digits` (which has no sign): "129" -> "130".
std::string IncrementDigits(std::string_view digits);

/// True when every byte of `digits` is '0' (also for "").
bool IsAllZeros(std::string_view digits);

/// The error every Compare* returns for a version that its ecosystem rejects: kind BadRequest,
/// code "invalidVersion", and a message that quotes the version (shortened and with control
/// bytes escaped, so it is safe to show) and says `why`.
Error InvalidVersion(std::string_view ecosystem, std::string_view version, std::string_view why);

/// `text` as a message may quote it: at most 64 bytes (cut on a UTF-8 boundary, "…" added) and
/// with control bytes, and every non-ASCII byte when `text` is not UTF-8, written as \xNN.
std::string QuoteForMessage(std::string_view text);

}  // namespace sg::version::distro
