#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "version/lang/lang.hpp"

/// node-semver's building blocks, shared by npm_version.cpp and npm_range.cpp. node-semver is
/// defined by its regular expressions (internal/re.js, in their length-bounded "safe" form); the
/// matchers here reproduce what those expressions accept and capture, backtracking included,
/// without a regex engine, so that any input is handled in bounded time and stack.
namespace sg::version::lang::npm {

/// Longest version string node-semver accepts, in UTF-16 code units (constants.js MAX_LENGTH).
constexpr std::size_t kMaxLength = 256;
/// Longest run of identifier characters its bounded expressions match after the first one.
constexpr std::size_t kMaxSafeBuildLength = kMaxLength - 6;
/// Number.MAX_SAFE_INTEGER: the largest major, minor or patch node-semver accepts.
constexpr std::string_view kMaxSafeInteger = "9007199254740991";

/// Byte length of the ECMAScript whitespace or line terminator (what JS `\s` and trim() match)
/// starting at `position`, or 0.
std::size_t JsSpaceAt(std::string_view text, std::size_t position);

/// String.prototype.trim().
std::string_view JsTrim(std::string_view text);

/// Length of `text` in UTF-16 code units, as JS counts `length`.
std::size_t Utf16Length(std::string_view text);

/// What FULLPLAIN (strict) or LOOSEPLAIN (loose) captures when it matches all of `text`.
struct PlainMatch {
  std::string_view major;
  std::string_view minor;
  std::string_view patch;
  std::optional<std::string_view> prerelease;
  std::optional<std::string_view> build;
};
std::optional<PlainMatch> MatchPlain(std::string_view text, bool loose);

/// What XRANGEPLAIN (strict) or XRANGEPLAINLOOSE captures when it matches all of `text`;
/// an absent component is nullopt (JS `undefined`).
struct XRangeMatch {
  std::optional<std::string_view> major;
  std::optional<std::string_view> minor;
  std::optional<std::string_view> patch;
  std::optional<std::string_view> prerelease;
};
std::optional<XRangeMatch> MatchXRangePlain(std::string_view text, bool loose);

/// `new SemVer(text, {loose})`: an "invalidVersion" error where node-semver throws.
Result<NpmVersion> Construct(std::string_view text, bool loose);

/// SemVer.compare: compareMain, then comparePre; build metadata is ignored.
int Compare(const NpmVersion& a, const NpmVersion& b);

}  // namespace sg::version::lang::npm
