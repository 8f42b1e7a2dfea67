#include "importer/cell_format.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "importer/limits.hpp"

namespace sg::importer {
namespace {

constexpr int kLastSerial1900 = 2'958'465;  // 9999-12-31
constexpr int kEpochOffset1904 = 1'462;     // days between the two date systems
constexpr double kMillisecondsPerDay = 86'400'000.0;

char AsciiLowerChar(char character) {
  return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a')
                                                : character;
}

std::optional<unsigned> HexValue(std::string_view digits) {
  unsigned value = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

void AppendUtf8(std::string& output, std::uint32_t code_point) {
  if (code_point < 0x80) {
    output += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    output += static_cast<char>(0xC0 | (code_point >> 6));
    output += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    output += static_cast<char>(0xE0 | (code_point >> 12));
    output += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    output += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    output += static_cast<char>(0xF0 | (code_point >> 18));
    output += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    output += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    output += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// The UTF-16 code unit of an escape "_xHHHH_" at the start of `text`.
std::optional<unsigned> EscapeAt(std::string_view text) {
  constexpr std::size_t kEscapeLength = 7;
  if (text.size() < kEscapeLength || !text.starts_with("_x") || text[6] != '_') {
    return std::nullopt;
  }
  return HexValue(text.substr(2, 4));
}

}  // namespace

std::optional<std::size_t> FindColumnIndex(std::string_view reference) {
  std::size_t column = 0;
  std::size_t letters = 0;
  while (letters < reference.size()) {
    const char letter = reference[letters];
    if (letter < 'A' || letter > 'Z') break;
    column = column * 26 + static_cast<std::size_t>(letter - 'A' + 1);
    if (++letters > 3) return std::nullopt;
  }
  if (letters == 0 || column > kMaxSheetColumns) return std::nullopt;
  if (!FindRowNumber(reference.substr(letters))) return std::nullopt;
  return column - 1;
}

std::optional<std::size_t> FindRowNumber(std::string_view text) {
  std::size_t row = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), row);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (row < 1 || row > kMaxSheetRows) return std::nullopt;
  return row;
}

bool IsDateFormat(int format_id, std::optional<std::string_view> format_code) {
  if (format_code) return IsDateFormatCode(*format_code);
  return (format_id >= 14 && format_id <= 17) || format_id == 22 ||
         (format_id >= 27 && format_id <= 36) || (format_id >= 50 && format_id <= 58);
}

bool IsDateFormatCode(std::string_view format_code) {
  // Keep only the letters that are format tokens: the first section, without quoted text,
  // escaped characters, [colour]/[$-locale]/[h] brackets, and _x / *x spacing and fill.
  std::string tokens;
  for (std::size_t index = 0; index < format_code.size(); ++index) {
    const char character = format_code[index];
    if (character == ';') break;
    if (character == '"') {
      const std::size_t close = format_code.find('"', index + 1);
      if (close == std::string_view::npos) break;
      index = close;
    } else if (character == '[') {
      const std::size_t close = format_code.find(']', index + 1);
      if (close == std::string_view::npos) break;
      index = close;
    } else if (character == '\\' || character == '_' || character == '*') {
      ++index;
    } else {
      tokens += AsciiLowerChar(character);
    }
  }
  for (std::string_view word : {"general", "am/pm", "a/p"}) {
    for (std::size_t at = tokens.find(word); at != std::string::npos; at = tokens.find(word)) {
      tokens.erase(at, word.size());
    }
  }
  bool has_day_or_year = false;
  bool has_month_or_minute = false;
  bool has_time = false;
  for (std::size_t index = 0; index < tokens.size(); ++index) {
    switch (tokens[index]) {
      case 'y':
      case 'd':
        has_day_or_year = true;
        break;
      case 'e':  // era year (民國 in zh-TW), unless it is a scientific exponent "E+00"
        if (index + 1 >= tokens.size() || (tokens[index + 1] != '+' && tokens[index + 1] != '-')) {
          has_day_or_year = true;
        }
        break;
      case 'm':
        has_month_or_minute = true;
        break;
      case 'h':
      case 's':
        has_time = true;
        break;
      default:
        break;
    }
  }
  // "m" alone is a month ("mmm"); next to hours or seconds it is minutes.
  return has_day_or_year || (has_month_or_minute && !has_time);
}

std::string FormatNumber(double value) {
  if (value == 0) return "0";  // also turns -0 into 0
  char buffer[64];
  const bool integral = std::isfinite(value) && std::trunc(value) == value;
  const std::to_chars_result result =
      (integral && std::fabs(value) < 1e21)
          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
          : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::optional<std::string> SerialToIsoDate(double serial, bool date1904) {
  using namespace std::chrono;
  if (!std::isfinite(serial)) return std::nullopt;
  // Round to the millisecond first: 45291.99999999999 is midnight of the next day.
  const double rounded = std::round(serial * kMillisecondsPerDay) / kMillisecondsPerDay;
  const double whole_days = std::floor(rounded);
  const int last_serial = date1904 ? kLastSerial1900 - kEpochOffset1904 : kLastSerial1900;
  if (whole_days < (date1904 ? 0 : 1) || whole_days > last_serial) return std::nullopt;
  const int day_count = static_cast<int>(whole_days);

  sys_days date;
  if (date1904) {
    date = sys_days{1904y / January / 1} + days{day_count};
  } else if (day_count == 60) {
    return "1900-02-29";  // Lotus 1-2-3's leap-year bug, kept by Excel
  } else if (day_count < 60) {
    date = sys_days{1899y / December / 31} + days{day_count};
  } else {
    date = sys_days{1899y / December / 30} + days{day_count};
  }
  const year_month_day calendar{date};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(calendar.year()),
                     static_cast<unsigned>(calendar.month()),
                     static_cast<unsigned>(calendar.day()));
}

std::string DecodeOoxmlEscapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string output;
  output.reserve(text.size());
  std::size_t index = 0;
  while (index < text.size()) {
    const std::optional<unsigned> unit = EscapeAt(text.substr(index));
    if (!unit) {
      output += text[index++];
      continue;
    }
    std::uint32_t code_point = *unit;
    std::size_t consumed = 7;
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      const std::optional<unsigned> low = EscapeAt(text.substr(index + consumed));
      if (!low || *low < 0xDC00 || *low > 0xDFFF) {  // an unpaired surrogate stays as text
        output += text[index++];
        continue;
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
      consumed += 7;
    } else if ((code_point >= 0xDC00 && code_point <= 0xDFFF) || code_point == 0) {
      output += text[index++];
      continue;
    }
    AppendUtf8(output, code_point);
    index += consumed;
  }
  return output;
}

}  // namespace sg::importer
