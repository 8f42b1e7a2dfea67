#include <gtest/gtest.h>

#include "importer/table.hpp"
#include "importer/test_fixtures.hpp"
#include "importer/xml_parser.hpp"

namespace sg::importer {
namespace {

using testing::ReadFixture;
using Row = std::vector<std::string>;

Table ReadOk(const std::string& fixture) {
  Result<Table> table = ReadXlsx(ReadFixture(fixture));
  EXPECT_TRUE(table.has_value()) << (table ? ""
                                           : table.error().code + ": " + table.error().message);
  return table.value_or(Table{});
}

Error ReadError(std::string_view bytes) {
  Result<Table> table = ReadXlsx(bytes);
  EXPECT_FALSE(table.has_value());
  return table ? Error{} : table.error();
}

// contracts.xlsx is written by openpyxl; see tests/fixtures/import/make_fixtures.py.

TEST(XlsxFromOpenpyxl, HeaderWithChineseNamesIsRow1OfTheFirstSheet) {
  EXPECT_EQ(ReadOk("contracts.xlsx").header,
            (Row{"契約編號", "廠商名稱", "金額", "簽約日期", "有效", "備註", "比率"}));
}

TEST(XlsxFromOpenpyxl, StringsIntegersDatesBooleansAndFormulaLikeTextReadAsShown) {
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.at(0), (Row{"C-001", "中華電信", "12000000", "2024-01-15",
                                                      "TRUE", "=cmd|' /C calc'!A0", "0.1"}));
}

TEST(XlsxFromOpenpyxl, DateTimeGivesItsDateAndTextKeepsItsSpaces) {
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.at(1),
            (Row{"C-002", "凌網科技", "1234.5", "2023-12-31", "FALSE", "  含空白  ", "-3"}));
}

TEST(XlsxFromOpenpyxl, MissingRowIsAnEmptyRowSoRowNumbersStayTrue) {
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.at(2), Row(7, ""));
}

TEST(XlsxFromOpenpyxl, SparseRowPlacesCellsByTheirReference) {
  // D5 has the ROC-era format [$-404]e/m/d; G5 is 1e-7.
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.at(3),
            (Row{"C-003", "", "", "2025-06-30", "", "", "1e-07"}));
}

TEST(XlsxFromOpenpyxl, BuiltInDateFormatIsADateButATimeOfDayStaysANumber) {
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.at(4),
            (Row{"C-004", "", "100000000000000000000", "1999-12-31", "", "", "0.5"}));
}

TEST(XlsxFromOpenpyxl, OnlyTheFirstSheetIsRead) {
  EXPECT_EQ(ReadOk("contracts.xlsx").rows.size(), 5u);
}

TEST(XlsxFromOpenpyxl, Date1904WorkbookGivesTheSameDates) {
  const Table table = ReadOk("contracts_1904.xlsx");
  EXPECT_EQ(table.rows.at(0).at(3), "2024-01-15");
  EXPECT_EQ(table.rows.at(1).at(3), "2023-12-31");
  EXPECT_EQ(table.rows.at(4).at(3), "1999-12-31");
}

// excel_like.xlsx imitates what Excel writes: shared strings, rich text, phonetic runs.

TEST(XlsxLikeExcel, FirstSheetIsFoundThroughTheWorkbookNotByFileName) {
  EXPECT_EQ(ReadOk("excel_like.xlsx").header, (Row{"統一編號", "廠商名稱", "備註"}));
}

TEST(XlsxLikeExcel, SharedRichTextJoinsItsRunsAndLeavesOutPhoneticGuides) {
  // Row 2 has no r= attributes; its formula cell gives the cached value.
  EXPECT_EQ(ReadOk("excel_like.xlsx").rows.at(0), (Row{"22099131", "凌網科技 ", "2"}));
}

TEST(XlsxLikeExcel, InlineStringsFormulaStringsAndErrorsAreText) {
  const Table table = ReadOk("excel_like.xlsx");
  EXPECT_EQ(table.rows.at(1), Row(3, ""));
  EXPECT_EQ(table.rows.at(2), (Row{"inline rich", "ab", "#N/A"}));
}

TEST(XlsxLikeExcel, EscapedCharactersAreDecodedAndTrailingEmptyRowsDropped) {
  const Table table = ReadOk("excel_like.xlsx");
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[3], (Row{"", "", "line one\r\nline two & _x000D_"}));
}

TEST(XlsxPrefixedNamespace, PrefixedElementsReadLikeUnprefixedOnes) {
  const Table table = ReadOk("prefixed_namespace.xlsx");
  EXPECT_EQ(table.header, (Row{"name", "amount"}));
  EXPECT_EQ(table.rows.at(0), (Row{"中華電信", "1500"}));
}

TEST(XlsxRefusal, RandomBytesAreNotASpreadsheet) {
  const Error error = ReadError(ReadFixture("random_bytes.xlsx"));
  EXPECT_EQ(error.kind, ErrorKind::kBadRequest);
  EXPECT_EQ(error.code, "notASpreadsheet");
  EXPECT_FALSE(error.message.empty());
}

TEST(XlsxRefusal, EmptyInputIsNotASpreadsheet) { EXPECT_EQ(ReadError("").code, "notASpreadsheet"); }

TEST(XlsxRefusal, TruncatedWorkbookIsNotASpreadsheet) {
  EXPECT_EQ(ReadError(ReadFixture("truncated.xlsx")).code, "notASpreadsheet");
}

TEST(XlsxRefusal, ZipWithoutAWorkbookIsNotASpreadsheet) {
  const Error error = ReadError(ReadFixture("not_a_workbook.zip"));
  EXPECT_EQ(error.code, "notASpreadsheet");
  EXPECT_NE(error.message.find("no workbook"), std::string::npos) << error.message;
}

TEST(XlsxRefusal, MalformedSheetXmlIsNotASpreadsheet) {
  const Error error = ReadError(ReadFixture("malformed_sheet.xlsx"));
  EXPECT_EQ(error.code, "notASpreadsheet");
  EXPECT_NE(error.message.find("xl/worksheets/sheet1.xml"), std::string::npos) << error.message;
}

TEST(XlsxRefusal, RowNestedInsideACellIsNotASpreadsheet) {
  // Regression: the nested row's end used to leave the enclosing cell without a row to go to.
  EXPECT_EQ(ReadError(ReadFixture("nested_row.xlsx")).code, "notASpreadsheet");
}

TEST(XlsxRefusal, DoctypeWithEntityExpansionInTheSheetIsRefused) {
  const Error error = ReadError(ReadFixture("doctype_billion_laughs.xlsx"));
  EXPECT_EQ(error.kind, ErrorKind::kBadRequest);
  EXPECT_EQ(error.code, "notASpreadsheet");
  EXPECT_NE(error.message.find("DOCTYPE"), std::string::npos) << error.message;
}

TEST(XlsxRefusal, ExternalEntityInSharedStringsIsRefused) {
  const Error error = ReadError(ReadFixture("external_entity.xlsx"));
  EXPECT_EQ(error.code, "notASpreadsheet");
  EXPECT_NE(error.message.find("DOCTYPE"), std::string::npos) << error.message;
}

TEST(XlsxRefusal, CompressionBombIsRefusedAsTooLarge) {
  const Error error = ReadError(ReadFixture("compression_bomb.xlsx"));
  EXPECT_EQ(error.code, "fileTooLarge");
  EXPECT_EQ(error.kind, ErrorKind::kPayloadTooLarge);
}

TEST(ReadTable, ZipSignatureMeansXlsx) {
  Result<Table> table = ReadTable(ReadFixture("contracts.xlsx"));
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->rows.at(0).at(1), "中華電信");
  EXPECT_EQ(ReadTable(ReadFixture("truncated.xlsx")).error().code, "notASpreadsheet");
}

TEST(ReadTable, LegacyOrEncryptedOfficeFileIsNotASpreadsheet) {
  const std::string ole_header = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(504, '\0');
  EXPECT_EQ(ReadTable(ole_header).error().code, "notASpreadsheet");
}

struct CountingHandler final : XmlHandler {
  int elements = 0;
  void StartElement(std::string_view, const XmlAttributes&) override { ++elements; }
  void EndElement(std::string_view) override {}
  void CharacterData(std::string_view) override {}
};

TEST(XmlParser, AnyDoctypeIsRefusedEvenWithoutEntities) {
  CountingHandler handler;
  Result<void> parsed = ParseXml("<!DOCTYPE x><x/>", "part.xml", handler);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, "notASpreadsheet");
  EXPECT_EQ(handler.elements, 0);
}

TEST(XmlParser, AttributesAreFoundByLocalName) {
  struct Handler final : XmlHandler {
    std::string id;
    void StartElement(std::string_view, const XmlAttributes& attributes) override {
      id = std::string(attributes.Find("id").value_or(""));
    }
    void EndElement(std::string_view) override {}
    void CharacterData(std::string_view) override {}
  } handler;
  ASSERT_TRUE(ParseXml(R"(<s xmlns:r="urn:r" sheetId="9" r:id="rId2"/>)", "p", handler));
  EXPECT_EQ(handler.id, "rId2");
}

}  // namespace
}  // namespace sg::importer

namespace sg::importer {
namespace {

// contracts_libreoffice.xlsx was written by LibreOffice Calc 7.4 (Debian 12) from
// contracts_libreoffice.source.csv with `soffice --headless --infilter="CSV:44,34,76,1"
// --convert-to xlsx`: LibreOffice typed the dates as date cells, the amounts as numbers, and
// kept the formula ="=1+1" with its cached text.
TEST(XlsxFromLibreOffice, DatesNumbersTextAndCachedFormulaTextReadAsShown) {
  const Table table =
      ReadXlsx(testing::ReadFixture("contracts_libreoffice.xlsx")).value_or(Table{});
  ASSERT_EQ(table.header.size(), 12u);
  EXPECT_EQ(table.header[0], "contract_id");
  ASSERT_EQ(table.rows.size(), 2u);
  // LibreOffice typed the 統一編號 04595252 as a number: the reader reports what the sheet
  // holds (4595252); the import restores the leading zero (registry::NormaliseSpreadsheetCell).
  EXPECT_EQ(table.rows[0],
            (std::vector<std::string>{"C-LO-1", "A0101", "4595252", "資通系統維運案",
                                      "system_maintenance", "12000000", "2026-01-01", "2026-12-31",
                                      "S1;S2", "是", "否", "22099131"}));
  EXPECT_EQ(table.rows[1][3], "=1+1");
  EXPECT_EQ(table.rows[1][5], "800000");
  EXPECT_EQ(table.rows[1][6], "2025-03-15");
}

}  // namespace
}  // namespace sg::importer
