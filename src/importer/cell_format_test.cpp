#include "importer/cell_format.hpp"

#include <gtest/gtest.h>

namespace sg::importer {
namespace {

TEST(CellReference, LettersGiveTheZeroBasedColumn) {
  EXPECT_EQ(FindColumnIndex("A1"), 0u);
  EXPECT_EQ(FindColumnIndex("C7"), 2u);
  EXPECT_EQ(FindColumnIndex("Z1"), 25u);
  EXPECT_EQ(FindColumnIndex("AA10"), 26u);
  EXPECT_EQ(FindColumnIndex("XFD1048576"), 16383u);
}

TEST(CellReference, MalformedOrOutOfRangeReferencesAreRejected) {
  for (const char* reference : {"", "A", "1A", "A0", "a1", "XFE1", "AAAA1", "A1048577", "A1x"}) {
    EXPECT_EQ(FindColumnIndex(reference), std::nullopt) << reference;
  }
}

TEST(DateFormat, BuiltInDateIdsAreDatesAndTimeIdsAreNot) {
  for (int id : {14, 15, 16, 17, 22, 27, 31, 36, 50, 58}) EXPECT_TRUE(IsDateFormat(id, {})) << id;
  for (int id : {0, 1, 2, 10, 18, 21, 45, 46, 47, 49, 59}) EXPECT_FALSE(IsDateFormat(id, {})) << id;
}

TEST(DateFormat, WorkbookDefinitionOverridesTheBuiltInMeaning) {
  EXPECT_FALSE(IsDateFormat(14, "0.00"));
  EXPECT_TRUE(IsDateFormat(164, "yyyy-mm-dd"));
}

TEST(DateFormat, CodesWithYearMonthDayOrEraAreDates) {
  for (const char* code : {"yyyy-mm-dd", "yyyy/mm/dd hh:mm", "[$-404]e/m/d",
                           "yyyy\"年\"m\"月\"d\"日\"", "mmm", "d-mmm-yy", "[Red]dd/mm/yyyy;@"}) {
    EXPECT_TRUE(IsDateFormatCode(code)) << code;
  }
}

TEST(DateFormat, TimesNumbersAndQuotedLettersAreNotDates) {
  for (const char* code : {"hh:mm", "[h]:mm:ss", "mm:ss.0", "h:mm AM/PM", "General", "0.00E+00",
                           "#,##0", "0.0 \"days\"", "[$NT$-404]#,##0", "\\d0", "@", "0;[Red]-0"}) {
    EXPECT_FALSE(IsDateFormatCode(code)) << code;
  }
}

TEST(NumberText, IntegersHaveNoDecimalPointOrExponent) {
  EXPECT_EQ(FormatNumber(12000000), "12000000");
  EXPECT_EQ(FormatNumber(-3), "-3");
  EXPECT_EQ(FormatNumber(1e20), "100000000000000000000");
  EXPECT_EQ(FormatNumber(-0.0), "0");
}

TEST(NumberText, FractionsUseTheShortestRoundTripForm) {
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(1234.5), "1234.5");
  EXPECT_EQ(FormatNumber(1e-7), "1e-07");
}

TEST(DateSerial, Serials1900CountFromExcelsEpoch) {
  EXPECT_EQ(SerialToIsoDate(1, false), "1900-01-01");
  EXPECT_EQ(SerialToIsoDate(59, false), "1900-02-28");
  EXPECT_EQ(SerialToIsoDate(60, false), "1900-02-29");  // as Excel shows it
  EXPECT_EQ(SerialToIsoDate(61, false), "1900-03-01");
  EXPECT_EQ(SerialToIsoDate(45306, false), "2024-01-15");
  EXPECT_EQ(SerialToIsoDate(45306.75, false), "2024-01-15");
  EXPECT_EQ(SerialToIsoDate(2958465, false), "9999-12-31");
}

TEST(DateSerial, ValueAFractionShortOfMidnightIsTheNextDay) {
  EXPECT_EQ(SerialToIsoDate(45291.9999999999, false), "2024-01-01");
}

TEST(DateSerial, Serials1904CountFrom1904) {
  EXPECT_EQ(SerialToIsoDate(0, true), "1904-01-01");
  EXPECT_EQ(SerialToIsoDate(45306 - 1462, true), "2024-01-15");
}

TEST(DateSerial, SerialsOutsideTheCalendarAreNotDates) {
  EXPECT_EQ(SerialToIsoDate(0.5, false), std::nullopt);
  EXPECT_EQ(SerialToIsoDate(-1, true), std::nullopt);
  EXPECT_EQ(SerialToIsoDate(2958466, false), std::nullopt);
}

TEST(OoxmlEscapes, EscapedCharactersAreDecoded) {
  EXPECT_EQ(DecodeOoxmlEscapes("a_x000D_b"), "a\rb");
  EXPECT_EQ(DecodeOoxmlEscapes("_x005F_x000D_"), "_x000D_");
  EXPECT_EQ(DecodeOoxmlEscapes("_xD83D__xDE00_"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(DecodeOoxmlEscapes("_x4E2D_"), "中");
}

TEST(OoxmlEscapes, TextThatMerelyLooksLikeAnEscapeIsKept) {
  for (const char* text : {"_x12G4_", "_xD83D_", "_x000", "file_x.txt", "_x0000_"}) {
    EXPECT_EQ(DecodeOoxmlEscapes(text), text);
  }
}

}  // namespace
}  // namespace sg::importer
