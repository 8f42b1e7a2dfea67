#include "importer/errors.hpp"

#include <fmt/format.h>

namespace sg::importer {

Error NotASpreadsheet(std::string reason, std::string detail) {
  Error error = Error::BadRequest(
      fmt::format("The file is not a readable Excel workbook (.xlsx): {}", reason),
      "notASpreadsheet");
  error.detail = std::move(detail);
  return error;
}

Error FileTooLarge(std::string message) {
  return {ErrorKind::kPayloadTooLarge, "fileTooLarge", std::move(message), {}, {}};
}

Error UnsupportedEncoding(std::string detail) {
  Error error = Error::BadRequest(
      "The file is neither UTF-8 nor Big5 text. Save it as CSV UTF-8 and upload it again.",
      "unsupportedEncoding");
  error.detail = std::move(detail);
  return error;
}

Error EmptyFile() { return Error::BadRequest("The file has no rows.", "emptyFile"); }

Error TooManyColumns(std::size_t row_number) {
  return Error::BadRequest(
      fmt::format("Row {} has more columns than the header row (row 1).", row_number),
      "tooManyColumns");
}

}  // namespace sg::importer
