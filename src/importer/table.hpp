#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sg::importer {

/// A rectangular sheet of text cells read from a CSV or XLSX file. `header` is the first row;
/// `rows[i]` is the file's row i + 2 (row numbers count the header as row 1). Short rows are
/// padded with empty strings to the header's width; wholly empty rows are kept (as all-empty) so
/// row numbers stay true.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

/// Reads CSV (RFC 4180: quoted fields, doubled quotes, embedded newlines; comma separated).
/// Encoding: UTF-8 with or without BOM; otherwise Big5 (CP950) when the bytes decode cleanly,
/// converted to UTF-8; otherwise an error with code "unsupportedEncoding".
/// Other error codes (all ErrorKind::kBadRequest): "emptyFile"; "unterminatedQuote" and
/// "tooManyColumns", whose message names the row. Cells are not trimmed.
Result<Table> ReadCsv(std::string_view bytes);

/// Reads the first worksheet of an XLSX workbook (Office Open XML) with libzip and expat.
/// Error code "notASpreadsheet" when the bytes are not a readable XLSX (or a part declares a
/// DOCTYPE); "fileTooLarge" (ErrorKind::kPayloadTooLarge) past the limits in importer/limits.hpp.
/// Cells read as Excel shows them: numbers without trailing ".0", date-formatted numbers as
/// YYYY-MM-DD, booleans as TRUE/FALSE, formulas as their cached result.
Result<Table> ReadXlsx(std::string_view bytes);

/// Picks the reader from the content: a ZIP signature means XLSX, anything else CSV.
Result<Table> ReadTable(std::string_view bytes);

}  // namespace sg::importer
