#include "version/lang/common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg::version::lang::internal {

bool IsAllDigits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return IsDigit(c); });
}

bool IsIdentifier(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return IsIdentifierChar(c); });
}

std::string_view StripLeadingZeros(std::string_view digits) {
  std::size_t first = 0;
  while (first + 1 < digits.size() && digits[first] == '0') ++first;
  return digits.substr(first);
}

int CompareDigits(std::string_view a, std::string_view b) {
  a = StripLeadingZeros(a);
  b = StripLeadingZeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return CompareBytes(a, b);
}

bool DigitsAtMost(std::string_view digits, std::string_view limit) {
  return CompareDigits(digits, limit) <= 0;
}

int CompareBytes(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string Printable(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string shown;
  for (const char c : text.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    shown.push_back(byte < 0x20 || byte >= 0x7f ? '?' : c);
  }
  if (text.size() > kMaxShown) shown += "...";
  return shown;
}

Error InvalidVersion(std::string_view ecosystem, std::string_view version,
                     std::string_view reason) {
  return Error::BadRequest(
      fmt::format("'{}' is not a {} version: {}", Printable(version), ecosystem, reason),
      "invalidVersion");
}

}  // namespace sg::version::lang::internal
