#pragma once

#include <cstddef>
#include <string>

#include "core/error.hpp"

namespace sg::importer {

/// "notASpreadsheet": the bytes are not a readable XLSX workbook. `reason` is shown to the user;
/// `detail` (library diagnostics) is only logged.
Error NotASpreadsheet(std::string reason, std::string detail = {});

/// "fileTooLarge": the file (or what it expands to) is past one of the limits in limits.hpp.
Error FileTooLarge(std::string message);

/// "unsupportedEncoding": a CSV file that is neither UTF-8 nor Big5.
Error UnsupportedEncoding(std::string detail = {});

/// "emptyFile": no rows at all.
Error EmptyFile();

/// "tooManyColumns": row `row_number` (the header is row 1) has values past the header's width.
Error TooManyColumns(std::size_t row_number);

}  // namespace sg::importer
