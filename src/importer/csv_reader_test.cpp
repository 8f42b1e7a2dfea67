#include <gtest/gtest.h>

#include "importer/table.hpp"
#include "importer/test_fixtures.hpp"

namespace sg::importer {
namespace {

using testing::ReadFixture;
using Row = std::vector<std::string>;

Table ReadOk(std::string_view bytes) {
  Result<Table> table = ReadCsv(bytes);
  EXPECT_TRUE(table.has_value()) << (table ? ""
                                           : table.error().code + ": " + table.error().message);
  return table.value_or(Table{});
}

Error ReadError(std::string_view bytes) {
  Result<Table> table = ReadCsv(bytes);
  EXPECT_FALSE(table.has_value());
  return table ? Error{} : table.error();
}

TEST(CsvEncoding, Big5FileWrittenByPythonIsDecodedToUtf8) {
  const Table table = ReadOk(ReadFixture("vendors_big5.csv"));
  EXPECT_EQ(table.header, (Row{"統一編號", "廠商名稱", "地址"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (Row{"96979933", "中華電信", "臺北市中正區信義路一段21-3號"}));
  EXPECT_EQ(table.rows[1], (Row{"22099131", "凌網科技", "臺北市內湖區"}));
}

TEST(CsvEncoding, Big5BytesInlineAreDecoded) {
  const Table table = ReadOk("\xA4\xA4\xB5\xD8\xB9\x71\xAB\x48\n");  // 中華電信 in Big5
  EXPECT_EQ(table.header, Row{"中華電信"});
}

TEST(CsvEncoding, Utf8ByteOrderMarkIsStripped) {
  const Table table = ReadOk(ReadFixture("vendors_utf8_bom.csv"));
  EXPECT_EQ(table.header.front(), "統一編號");
  EXPECT_EQ(table.rows.at(1).at(1), "凌網科技");
}

TEST(CsvEncoding, Utf8WithoutByteOrderMarkIsKeptAsItIs) {
  EXPECT_EQ(ReadOk("名稱\n凌網科技\n").rows.at(0), Row{"凌網科技"});
}

TEST(CsvEncoding, Utf16FileIsRefusedAsUnsupportedEncoding) {
  const Error error = ReadError(ReadFixture("vendors_utf16.csv"));
  EXPECT_EQ(error.kind, ErrorKind::kBadRequest);
  EXPECT_EQ(error.code, "unsupportedEncoding");
  EXPECT_NE(error.message.find("neither UTF-8 nor Big5"), std::string::npos);
}

TEST(CsvEncoding, Utf16WithoutByteOrderMarkIsRefusedForItsNulBytes) {
  using namespace std::string_view_literals;
  EXPECT_EQ(ReadError("a\0,\0b\0\n\0"sv).code, "unsupportedEncoding");
}

TEST(CsvEncoding, Latin1FileIsRefusedAsUnsupportedEncoding) {
  EXPECT_EQ(ReadError(ReadFixture("vendors_latin1.csv")).code, "unsupportedEncoding");
}

TEST(CsvEncoding, Big5CutOffInTheMiddleOfACharacterIsRefused) {
  EXPECT_EQ(ReadError("\xA4\xA4\xB5").code, "unsupportedEncoding");
}

TEST(CsvParsing, QuotedFieldsKeepNewlinesCommasAndDoubledQuotes) {
  const Table table = ReadOk(ReadFixture("quoted_fields.csv"));
  EXPECT_EQ(table.header, (Row{"name", "note", "amount"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (Row{"中華電信", "line one\nline two", "1,000"}));
  EXPECT_EQ(table.rows[1], (Row{"say \"hi\"", "", "=1+1"}));
}

TEST(CsvParsing, CrlfLfAndLoneCrAllEndARecord) {
  const Table table = ReadOk("h1,h2\r\na,b\nc,d\re,f");
  EXPECT_EQ(table.rows, (std::vector<Row>{{"a", "b"}, {"c", "d"}, {"e", "f"}}));
}

TEST(CsvParsing, QuotedCrlfIsKeptInsideTheField) {
  EXPECT_EQ(ReadOk("h\r\n\"x\r\ny\"\r\n").rows.at(0), Row{"x\r\ny"});
}

TEST(CsvParsing, FinalLineBreakDoesNotAddARow) {
  EXPECT_EQ(ReadOk("h\n1\n").rows.size(), 1u);
  EXPECT_EQ(ReadOk("h\n1").rows.size(), 1u);
}

TEST(CsvParsing, UnterminatedQuoteIsAnErrorNamingTheRowWhereItOpened) {
  const Error error = ReadError("a,b\n1,2\n\"open,3\n4,5\n");
  EXPECT_EQ(error.kind, ErrorKind::kBadRequest);
  EXPECT_EQ(error.code, "unterminatedQuote");
  EXPECT_NE(error.message.find("Row 3"), std::string::npos) << error.message;
}

TEST(CsvParsing, RowNumbersCountRecordsNotLinesAfterAQuotedNewline) {
  const Error error = ReadError("a\n\"x\ny\"\n\"open\n");
  EXPECT_NE(error.message.find("Row 3"), std::string::npos) << error.message;
}

TEST(CsvParsing, QuoteInsideAnUnquotedFieldIsKeptLiterally) {
  EXPECT_EQ(ReadOk("h1,h2\n5\" disk,\"a\"b\n").rows.at(0), (Row{"5\" disk", "ab"}));
}

TEST(CsvShape, ShortRowsArePaddedToTheHeaderWidth) {
  EXPECT_EQ(ReadOk("a,b,c\n1\n").rows.at(0), (Row{"1", "", ""}));
}

TEST(CsvShape, RowWithAValuePastTheHeaderIsRefusedWithItsRowNumber) {
  const Error error = ReadError("a,b\n1,2\n1,2,3\n");
  EXPECT_EQ(error.kind, ErrorKind::kBadRequest);
  EXPECT_EQ(error.code, "tooManyColumns");
  EXPECT_NE(error.message.find("Row 3"), std::string::npos) << error.message;
}

TEST(CsvShape, EmptyCellsPastTheHeaderAreDropped) {
  EXPECT_EQ(ReadOk("a,b\n1,2,,\n").rows.at(0), (Row{"1", "2"}));
}

TEST(CsvShape, WhollyEmptyRowsAreKeptSoRowNumbersStayTrue) {
  const Table table = ReadOk("a,b\n\n1,2\n\n\n");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (Row{"", ""}));
  EXPECT_EQ(table.rows[1], (Row{"1", "2"}));
}

TEST(CsvShape, NothingIsTrimmed) {
  const Table table = ReadOk(" a ,\tb\n 1 ,\xE3\x80\x80\n");
  EXPECT_EQ(table.header, (Row{" a ", "\tb"}));
  EXPECT_EQ(table.rows.at(0), (Row{" 1 ", "\xE3\x80\x80"}));
}

TEST(CsvShape, DuplicateAndEmptyHeaderNamesAreReturnedAsTheyAre) {
  EXPECT_EQ(ReadOk("a,,a\n").header, (Row{"a", "", "a"}));
}

TEST(CsvShape, EmptyFileIsRefused) {
  EXPECT_EQ(ReadError("").code, "emptyFile");
  EXPECT_EQ(ReadError("\xEF\xBB\xBF").code, "emptyFile");
  EXPECT_EQ(ReadError("\r\n\r\n").code, "emptyFile");
}

TEST(ReadTable, BytesWithoutAZipSignatureAreReadAsCsv) {
  Result<Table> table = ReadTable(ReadFixture("vendors_big5.csv"));
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->rows.at(0).at(1), "中華電信");
}

}  // namespace
}  // namespace sg::importer
