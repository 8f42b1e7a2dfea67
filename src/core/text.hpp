#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sg::text {

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

/// Strips ASCII and full-width (U+3000) spaces at both ends.
std::string_view Trim(std::string_view value);

/// ASCII lower-casing; other bytes are kept.
std::string AsciiLower(std::string_view value);

/// Splits on `separator`, trimming each part and dropping empty parts.
std::vector<std::string> SplitList(std::string_view value, char separator = ';');

/// True for a cell that a spreadsheet would treat as a formula (=, +, -, @, and tab/CR prefixes).
bool LooksLikeFormula(std::string_view value);

/// The cell as it must be written into a CSV/XLSX export: formula-like text gets a leading '.
std::string NeutraliseForExport(std::string_view value);

/// One CSV field of an export (RFC 4180): neutralised like NeutraliseForExport, and quoted when
/// it holds a comma, a quote or a line break.
std::string CsvCell(std::string_view value);

/// A record id as it appears in a path: a positive decimal integer, nothing else.
std::optional<std::int64_t> ParsePositiveId(std::string_view text);

/// Number of Unicode code points in valid UTF-8.
std::size_t CodePointCount(std::string_view utf8);

}  // namespace sg::text
