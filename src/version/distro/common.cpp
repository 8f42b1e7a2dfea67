#include "version/distro/common.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace sg::version::distro {

namespace {

// The length of the Python white-space character `text` starts with, or 0.
std::size_t LeadingSpaceLength(std::string_view text) {
  if (text.empty()) return 0;
  const auto byte = static_cast<unsigned char>(text[0]);
  if (byte == ' ' || (byte >= '\t' && byte <= '\r') || (byte >= 0x1C && byte <= 0x1F)) return 1;
  if (text.starts_with("\u0085") || text.starts_with("\u00A0")) return 2;
  if (text.starts_with("\u1680") || text.starts_with("\u2028") || text.starts_with("\u2029") ||
      text.starts_with("\u202F") || text.starts_with("\u205F") || text.starts_with("\u3000")) {
    return 3;
  }
  // U+2000..U+200A: E2 80 80..8A.
  if (text.size() >= 3 && byte == 0xE2 && static_cast<unsigned char>(text[1]) == 0x80 &&
      static_cast<unsigned char>(text[2]) <= 0x8A) {
    return 3;
  }
  return 0;
}

// The length of the Python white-space character `text` ends with, or 0.
std::size_t TrailingSpaceLength(std::string_view text) {
  for (std::size_t length = 1; length <= 3 && length <= text.size(); ++length) {
    if (LeadingSpaceLength(text.substr(text.size() - length)) == length) return length;
  }
  return 0;
}

}  // namespace

std::string_view StripPythonWhitespace(std::string_view text) {
  while (const std::size_t length = LeadingSpaceLength(text)) text.remove_prefix(length);
  while (const std::size_t length = TrailingSpaceLength(text)) text.remove_suffix(length);
  return text;
}

bool ContainsPythonWhitespace(std::string_view text) {
  for (std::size_t index = 0; index < text.size(); ++index) {
    if (LeadingSpaceLength(text.substr(index)) > 0) return true;
  }
  return false;
}

std::string_view StripLeadingZeros(std::string_view digits) {
  std::size_t first = 0;
  while (first + 1 < digits.size() && digits[first] == '0') ++first;
  return digits.substr(first);
}

int CompareDigitRuns(std::string_view a, std::string_view b) {
  a = StripLeadingZeros(a);
  b = StripLeadingZeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return Sign(a.compare(b));
}

std::string IncrementDigits(std::string_view digits) {
  std::string result(StripLeadingZeros(digits));
  if (result.empty()) return "1";
  for (std::size_t index = result.size(); index-- > 0;) {
    if (result[index] != '9') {
      ++result[index];
      return result;
    }
    result[index] = '0';
  }
  return "1" + result;
}

bool IsAllZeros(std::string_view digits) {
  return digits.find_first_not_of('0') == std::string_view::npos;
}

std::string QuoteForMessage(std::string_view text) {
  constexpr std::size_t kMaxBytes = 64;
  bool shortened = false;
  if (text.size() > kMaxBytes) {
    std::size_t cut = kMaxBytes;
    // Back up to the start of a UTF-8 sequence so the quote stays well-formed.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    shortened = true;
  }
  const bool utf8 = text::IsValidUtf8(text);
  std::string quoted;
  quoted.reserve(text.size() + 8);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || (byte >= 0x80 && !utf8)) {
      quoted += fmt::format("\\x{:02X}", byte);
    } else {
      quoted += c;
    }
  }
  if (shortened) quoted += "…";
  return quoted;
}

Error InvalidVersion(std::string_view ecosystem, std::string_view version, std::string_view why) {
  return Error::BadRequest(fmt::format("\"{}\" is not a valid {} version: {}.",
                                       QuoteForMessage(version), ecosystem, why),
                           "invalidVersion");
}

}  // namespace sg::version::distro
