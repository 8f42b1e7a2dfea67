#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sg::importer {

/// Zero-based column of an A1-style cell reference ("C7" -> 2). std::nullopt when the reference
/// is malformed or lies past Excel's last column (XFD).
std::optional<std::size_t> FindColumnIndex(std::string_view reference);

/// A row number as written in <row r="…">, within 1 … 1048576.
std::optional<std::size_t> FindRowNumber(std::string_view text);

/// True when a number format shows a date: a built-in id that Excel defines as a date (14-17,
/// 22, 27-36, 50-58; the pure time formats 18-21 and 45-47 are not dates), or a format code with a
/// year, month, day or era part outside quotes and brackets. `format_code` is the workbook's own
/// definition for `format_id`, when it has one; it takes precedence over the built-in meaning.
bool IsDateFormat(int format_id, std::optional<std::string_view> format_code);

/// True when a custom format code (e.g. "yyyy/mm/dd hh:mm", "[$-404]e/m/d") shows a date.
bool IsDateFormatCode(std::string_view format_code);

/// A number as the table shows it: integers without a decimal point or exponent ("12000000",
/// "100000000000000000000"), other values in their shortest round-trip form ("0.1", "1e-07").
std::string FormatNumber(double value);

/// "YYYY-MM-DD" for a date serial (days since 1899-12-30, or since 1904-01-01 when `date1904`);
/// the time of day is dropped. Excel's fictitious 1900-02-29 (serial 60) is kept as Excel shows
/// it. std::nullopt for serials before the epoch or after 9999-12-31.
std::optional<std::string> SerialToIsoDate(double serial, bool date1904);

/// Decodes the _xHHHH_ escapes that Office Open XML strings use for characters XML cannot hold
/// (e.g. "_x000D_" for a carriage return; "_x005F_" for a literal underscore).
std::string DecodeOoxmlEscapes(std::string_view text);

}  // namespace sg::importer
