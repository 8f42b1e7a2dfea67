#include <fmt/format.h>

#include "importer/errors.hpp"
#include "importer/limits.hpp"
#include "importer/table.hpp"
#include "importer/table_builder.hpp"
#include "importer/text_decoding.hpp"

namespace sg::importer {
namespace {

enum class FieldState {
  kStart,      // nothing of the field read yet
  kUnquoted,   // inside a field that did not start with a quote
  kQuoted,     // inside quotes
  kAfterQuote  // the closing quote was read; a comma or line break should follow
};

/// Splits RFC 4180 text into records. Lenient where the RFC is silent about mistakes that do not
/// lose data: a quote inside an unquoted field, or text after a closing quote, is kept literally.
/// Line breaks are CRLF, LF or a lone CR; a final line break does not start a record.
Result<Records> ParseRecords(std::string_view text) {
  Records records;
  std::vector<std::string> record;
  std::string field;
  FieldState state = FieldState::kStart;
  std::size_t quote_row_number = 0;
  std::size_t cell_count = 0;

  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    ++cell_count;
    state = FieldState::kStart;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(record));
    record.clear();
  };

  for (std::size_t index = 0; index < text.size(); ++index) {
    const char character = text[index];
    if (state == FieldState::kQuoted) {
      if (character != '"') {
        field += character;
      } else if (index + 1 < text.size() && text[index + 1] == '"') {
        field += '"';
        ++index;
      } else {
        state = FieldState::kAfterQuote;
      }
      continue;
    }
    if (character == '"' && state == FieldState::kStart) {
      state = FieldState::kQuoted;
      quote_row_number = records.size() + 1;
    } else if (character == ',') {
      end_field();
    } else if (character == '\n' || character == '\r') {
      if (character == '\r' && index + 1 < text.size() && text[index + 1] == '\n') ++index;
      end_record();
    } else {
      field += character;
      state = FieldState::kUnquoted;
    }
    if (cell_count > kMaxCells) {
      return Fail(FileTooLarge(fmt::format("The file has more than {} cells.", kMaxCells)));
    }
  }
  if (state == FieldState::kQuoted) {
    return Fail(Error::BadRequest(
        fmt::format("Row {} has a quoted field whose closing quote is missing.", quote_row_number),
        "unterminatedQuote"));
  }
  if (state != FieldState::kStart || !record.empty()) end_record();
  return records;
}

}  // namespace

Result<Table> ReadCsv(std::string_view bytes) {
  Result<std::string> text = DecodeToUtf8(bytes);
  if (!text) return Fail(std::move(text.error()));
  Result<Records> records = ParseRecords(*text);
  if (!records) return Fail(std::move(records.error()));
  return MakeTable(std::move(*records));
}

}  // namespace sg::importer
