#include "importer/table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "importer/errors.hpp"
#include "importer/limits.hpp"
#include "importer/table_builder.hpp"

namespace sg::importer {
namespace {

constexpr std::string_view kZipSignature = "PK\x03\x04";
constexpr std::string_view kEmptyZipSignature = "PK\x05\x06";
// OLE2 compound file: a legacy .xls, or an .xlsx saved with a password (Office encrypts it
// into this container).
constexpr std::string_view kOleSignature = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

bool IsEmptyRecord(const std::vector<std::string>& record) {
  return std::ranges::all_of(record, [](const std::string& cell) { return cell.empty(); });
}

}  // namespace

Result<Table> MakeTable(Records records) {
  while (!records.empty() && IsEmptyRecord(records.back())) records.pop_back();
  if (records.empty()) return Fail(EmptyFile());

  Table table;
  table.header = std::move(records.front());
  const std::size_t width = table.header.size();
  if ((records.size() * std::max<std::size_t>(width, 1)) > kMaxCells) {
    return Fail(FileTooLarge(fmt::format("The file has more than {} cells.", kMaxCells)));
  }
  table.rows.reserve(records.size() - 1);
  for (std::size_t index = 1; index < records.size(); ++index) {
    std::vector<std::string>& record = records[index];
    if (record.size() > width) {
      const bool extras_empty =
          std::all_of(record.begin() + static_cast<std::ptrdiff_t>(width), record.end(),
                      [](const std::string& cell) { return cell.empty(); });
      if (!extras_empty) return Fail(TooManyColumns(index + 1));
    }
    record.resize(width);
    table.rows.push_back(std::move(record));
  }
  return table;
}

Result<Table> ReadTable(std::string_view bytes) {
  if (bytes.starts_with(kZipSignature) || bytes.starts_with(kEmptyZipSignature)) {
    return ReadXlsx(bytes);
  }
  if (bytes.starts_with(kOleSignature)) {
    return Fail(NotASpreadsheet(
        "it is a legacy .xls file or a password-protected workbook; save it as .xlsx without a "
        "password"));
  }
  return ReadCsv(bytes);
}

}  // namespace sg::importer
