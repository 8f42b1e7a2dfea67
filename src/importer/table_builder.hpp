#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "importer/table.hpp"

namespace sg::importer {

/// Rows of cells as a reader found them; records[0] is the file's row 1.
using Records = std::vector<std::vector<std::string>>;

/// Shapes records into a Table, the same way for CSV and XLSX: drops trailing rows that are
/// wholly empty, drops empty cells past the header's width (a trailing comma, a formatted but
/// empty cell), refuses a row with a value past that width ("tooManyColumns"), pads short rows.
/// No records, or only empty ones, is "emptyFile"; more than kMaxCells cells is "fileTooLarge".
Result<Table> MakeTable(Records records);

}  // namespace sg::importer
