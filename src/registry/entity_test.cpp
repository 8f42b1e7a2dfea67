#include "registry/entity.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sg::registry {
namespace {

namespace json = boost::json;

const FieldDef& Field(EntityKind kind, std::string_view name) {
  return *Definition(kind).Find(name);
}

TEST(Headers, AcceptEnglishAndChineseNames) {
  const auto& contracts = Definition(EntityKind::kContract);
  EXPECT_EQ(CanonicalHeader(contracts, "金額"), "amount");
  EXPECT_EQ(CanonicalHeader(contracts, " Amount "), "amount");
  EXPECT_EQ(CanonicalHeader(contracts, "統一編號"), "vendor_tax_id");
  EXPECT_EQ(CanonicalHeader(contracts, "price"), std::nullopt);
}

TEST(FieldText, AmountRejectsNegativeAndNonNumbers) {
  const auto& amount = Field(EntityKind::kContract, "amount");
  EXPECT_EQ(ParseFieldText(amount, "-5").error(), "mustNotBeNegative");
  EXPECT_EQ(ParseFieldText(amount, "abc").error(), "notANumber");
  EXPECT_EQ(ParseFieldText(amount, "").error(), "required");
  EXPECT_EQ(ParseFieldText(amount, "1,200,000")->as_int64(), 1200000);
  EXPECT_EQ(ParseFieldText(amount, "12000000.0")->as_int64(), 12000000);
}

TEST(FieldText, ReferenceListsSplitOnSemicolonsAndDropDuplicates) {
  const auto& systems = Field(EntityKind::kContract, "system_ids");
  const auto parsed = ParseFieldText(systems, "S1; S2;S1;");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, json::parse(R"(["S1","S2"])"));
  const auto& subcontractors = Field(EntityKind::kContract, "subcontractor_tax_ids");
  EXPECT_EQ(ParseFieldText(subcontractors, "22099131;12345678").error(), "invalidTaxId");
}

TEST(FieldText, CertificationsCarryOptionalExpiry) {
  const auto& field = Field(EntityKind::kVendor, "certifications");
  const auto parsed = ParseFieldText(field, "ISO 27001:2027-05-01;CMMI");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, json::parse(R"([{"name":"ISO 27001","expires_on":"2027-05-01"},
                                     {"name":"CMMI","expires_on":null}])"));
  EXPECT_EQ(ParseFieldText(field, "ISO 27001:someday").error(), "invalidDate");
}

TEST(FieldText, FormulaLikeTextIsKeptAsText) {
  const auto& name = Field(EntityKind::kVendor, "name");
  EXPECT_EQ(ParseFieldText(name, "=cmd|' /C calc'!A0")->as_string(), "=cmd|' /C calc'!A0");
}

TEST(SpreadsheetCells, TaxIdsTypedAsNumbersGetTheirLeadingZerosBack) {
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kVendor, "tax_id"), "4595252"), "04595252");
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kContract, "vendor_tax_id"), " 4595252 "),
            "04595252");
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kContract, "subcontractor_tax_ids"),
                                     "4595252; 22099131"),
            "04595252;22099131");
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kVendor, "tax_id"), "45952A2"), "45952A2");
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kContract, "amount"), "0012"), "0012");
  EXPECT_EQ(NormaliseSpreadsheetCell(Field(EntityKind::kAgency, "code"), "0100"), "0100");
}

TEST(FieldJson, RejectsWrongTypes) {
  EXPECT_EQ(ParseFieldJson(Field(EntityKind::kContract, "amount"), json::value("12")).error(),
            "wrongType");
  EXPECT_EQ(ParseFieldJson(Field(EntityKind::kContract, "amount"), json::value(1.5)).error(),
            "notAnInteger");
  EXPECT_EQ(ParseFieldJson(Field(EntityKind::kSystem, "core"), json::value("true")).error(),
            "wrongType");
  EXPECT_EQ(ParseFieldJson(Field(EntityKind::kSystem, "legal"), json::value("高"))->as_string(),
            "high");
}

TEST(Record, ContractEndingBeforeItStartsIsRefused) {
  FieldValues contract;
  contract["start_date"] = "2026-05-01";
  contract["end_date"] = "2026-04-30";
  const auto errors = CheckRecord(Definition(EntityKind::kContract), contract);
  ASSERT_TRUE(errors.contains("end_date"));
  EXPECT_EQ(errors.at("end_date").front(), "endBeforeStart");
}

TEST(Record, SystemGetsTheHighestRatingAsItsProtectionLevel) {
  FieldValues system;
  system["confidentiality"] = "normal";
  system["integrity"] = "medium";
  system["availability"] = "normal";
  system["legal"] = "normal";
  EXPECT_TRUE(CheckRecord(Definition(EntityKind::kSystem), system).empty());
  EXPECT_EQ(system["protection_level"], "medium");
}

}  // namespace
}  // namespace sg::registry
