#include "domain/rules.hpp"

#include <gtest/gtest.h>

namespace sg::domain {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

TEST(TaxId, AcceptsNumbersWhoseWeightedSumIsDivisibleByFive) {
  EXPECT_TRUE(IsValidTaxId("04595252"));  // sum 35: valid only under the 2023 rule
  EXPECT_TRUE(IsValidTaxId("22099131"));
  EXPECT_TRUE(IsValidTaxId("53212539"));
  EXPECT_TRUE(IsValidTaxId("96979933"));
}

TEST(TaxId, SeventhDigitSevenCountsAsZeroOrOne) {
  EXPECT_TRUE(IsValidTaxId("10458575"));  // 28 → 10 counted as 1
  EXPECT_TRUE(IsValidTaxId("10458574"));  // 28 → 10 counted as 0
  EXPECT_FALSE(IsValidTaxId("10458572"));
}

TEST(TaxId, RejectsWrongChecksumLengthAndNonDigits) {
  EXPECT_FALSE(IsValidTaxId("12345678"));
  EXPECT_FALSE(IsValidTaxId("0459525"));
  EXPECT_FALSE(IsValidTaxId("045952521"));
  EXPECT_FALSE(IsValidTaxId("0459525A"));
  EXPECT_FALSE(IsValidTaxId(""));
  EXPECT_FALSE(IsValidTaxId("０４５９５２５２"));  // full-width digits
}

TEST(ProtectionLevel, IsTheHighestOfTheFourRatings) {
  EXPECT_EQ(DeriveProtectionLevel(Level::kNormal, Level::kNormal, Level::kNormal, Level::kNormal),
            Level::kNormal);
  EXPECT_EQ(DeriveProtectionLevel(Level::kNormal, Level::kMedium, Level::kNormal, Level::kNormal),
            Level::kMedium);
  EXPECT_EQ(DeriveProtectionLevel(Level::kNormal, Level::kMedium, Level::kNormal, Level::kHigh),
            Level::kHigh);
}

TEST(ProtectionLevel, ParsesEnglishAndChineseLabels) {
  EXPECT_EQ(ParseLevel("普"), Level::kNormal);
  EXPECT_EQ(ParseLevel(" 中 "), Level::kMedium);
  EXPECT_EQ(ParseLevel("HIGH"), Level::kHigh);
  EXPECT_EQ(ParseLevel("低"), std::nullopt);
  EXPECT_EQ(ToString(Level::kMedium), "medium");
}

TEST(Enumerations, ParseServiceTypesRolesKindsAndLevels) {
  EXPECT_EQ(ParseServiceType("system_maintenance"), ServiceType::kSystemMaintenance);
  EXPECT_EQ(ParseServiceType("系統開發"), ServiceType::kSystemDevelopment);
  EXPECT_EQ(ParseServiceType("hosting"), std::nullopt);
  EXPECT_EQ(ParseRole("agency_ciso"), Role::kAgencyCiso);
  EXPECT_EQ(ParseAgencyKind("ci_provider"), AgencyKind::kCiProvider);
  EXPECT_EQ(ParseResponsibilityLevel("b"), ResponsibilityLevel::kB);
  EXPECT_EQ(ToString(ResponsibilityLevel::kB), "B");
  EXPECT_EQ(ParseResponsibilityLevel("F"), std::nullopt);
}

TEST(YesNo, AcceptsSpreadsheetSpellings) {
  for (const char* yes : {"是", "Y", "y", "yes", "TRUE", "true", "1"}) {
    EXPECT_EQ(ParseYesNo(yes), true) << yes;
  }
  for (const char* no : {"否", "N", "no", "False", "0"}) EXPECT_EQ(ParseYesNo(no), false) << no;
  EXPECT_EQ(ParseYesNo("maybe"), std::nullopt);
  EXPECT_EQ(ParseYesNo(""), std::nullopt);
}

TEST(Dates, ParsesIsoAndRocForms) {
  const year_month_day expected{year(2026), month(11), day(21)};
  EXPECT_EQ(ParseDate("2026-11-21"), expected);
  EXPECT_EQ(ParseDate("2026/11/21"), expected);
  EXPECT_EQ(ParseDate("115/11/21"), expected);
  EXPECT_EQ(ParseDate("115-11-21"), expected);
  EXPECT_EQ(ParseDate("民國115年11月21日"), expected);
  EXPECT_EQ(ParseDate("99/1/5"), (year_month_day{year(2010), month(1), day(5)}));
}

TEST(Dates, RejectsImpossibleAndMalformedDates) {
  EXPECT_EQ(ParseDate("2026-02-30"), std::nullopt);
  EXPECT_EQ(ParseDate("115/13/01"), std::nullopt);
  EXPECT_EQ(ParseDate("2026-11"), std::nullopt);
  EXPECT_EQ(ParseDate("2026-11-21-1"), std::nullopt);
  EXPECT_EQ(ParseDate("yesterday"), std::nullopt);
  EXPECT_EQ(ParseDate(""), std::nullopt);
  EXPECT_EQ(ParseDate("2026-1a-01"), std::nullopt);
}

TEST(Dates, FormatsIsoAndRoc) {
  const year_month_day date{year(2026), month(3), day(4)};
  EXPECT_EQ(ToIsoDate(date), "2026-03-04");
  EXPECT_EQ(ToRocDate(date), "115/03/04");
}

}  // namespace
}  // namespace sg::domain
