#include "core/text.hpp"

#include <charconv>
#include <cstdint>

namespace sg::text {

bool IsValidUtf8(std::string_view bytes) {
  std::size_t index = 0;
  const std::size_t size = bytes.size();
  while (index < size) {
    const auto lead = static_cast<std::uint8_t>(bytes[index]);
    if (lead < 0x80) {
      ++index;
      continue;
    }
    int continuation = 0;
    std::uint32_t code_point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
      code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    for (int offset = 1; offset <= continuation; ++offset) {
      if (index + offset >= size) return false;
      const auto byte = static_cast<std::uint8_t>(bytes[index + offset]);
      if ((byte & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if ((continuation == 2 && code_point < 0x800) || (continuation == 3 && code_point < 0x10000) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) {
      return false;
    }
    index += continuation + 1;
  }
  return true;
}

std::string_view Trim(std::string_view value) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  bool changed = true;
  while (changed && !value.empty()) {
    changed = false;
    const char front = value.front();
    if (front == ' ' || front == '\t' || front == '\r' || front == '\n') {
      value.remove_prefix(1);
      changed = true;
    } else if (value.starts_with(kIdeographicSpace)) {
      value.remove_prefix(kIdeographicSpace.size());
      changed = true;
    }
    if (value.empty()) break;
    const char back = value.back();
    if (back == ' ' || back == '\t' || back == '\r' || back == '\n') {
      value.remove_suffix(1);
      changed = true;
    } else if (value.ends_with(kIdeographicSpace)) {
      value.remove_suffix(kIdeographicSpace.size());
      changed = true;
    }
  }
  return value;
}

std::string AsciiLower(std::string_view value) {
  std::string lowered(value);
  for (char& character : lowered) {
    if (character >= 'A' && character <= 'Z') character = static_cast<char>(character - 'A' + 'a');
  }
  return lowered;
}

std::vector<std::string> SplitList(std::string_view value, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(separator, start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view part = Trim(value.substr(start, end - start));
    if (!part.empty()) parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

bool LooksLikeFormula(std::string_view value) {
  if (value.empty()) return false;
  const char first = value.front();
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
         first == '\r';
}

std::string NeutraliseForExport(std::string_view value) {
  if (!LooksLikeFormula(value)) return std::string(value);
  std::string neutral = "'";
  neutral.append(value);
  return neutral;
}

std::string CsvCell(std::string_view value) {
  const std::string neutral = NeutraliseForExport(value);
  if (neutral.find_first_of(",\"\r\n") == std::string::npos) return neutral;
  std::string quoted = "\"";
  for (const char character : neutral) {
    if (character == '"') quoted.push_back('"');
    quoted.push_back(character);
  }
  quoted.push_back('"');
  return quoted;
}

std::optional<std::int64_t> ParsePositiveId(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::size_t CodePointCount(std::string_view utf8) {
  std::size_t count = 0;
  for (const char byte : utf8) {
    if ((static_cast<std::uint8_t>(byte) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace sg::text
