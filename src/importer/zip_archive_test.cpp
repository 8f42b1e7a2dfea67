#include "importer/zip_archive.hpp"

#include <gtest/gtest.h>

#include "importer/test_fixtures.hpp"

namespace sg::importer {
namespace {

using testing::ReadFixture;

constexpr std::string_view kSheet = "xl/worksheets/sheet1.xml";

TEST(ZipArchive, PartsAreReadFromMemoryAndNamesIgnoreCase) {
  const std::string bytes = ReadFixture("contracts.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes);
  ASSERT_TRUE(archive.has_value());
  EXPECT_TRUE(archive->HasEntry("XL/Workbook.xml"));
  Result<std::string> sheet = archive->GetEntry(kSheet);
  ASSERT_TRUE(sheet.has_value());
  EXPECT_TRUE(sheet->starts_with("<worksheet"));
}

TEST(ZipArchive, MissingPartIsNotASpreadsheet) {
  const std::string bytes = ReadFixture("contracts.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes);
  ASSERT_TRUE(archive.has_value());
  EXPECT_FALSE(archive->HasEntry("xl/sharedStrings.xml"));
  EXPECT_EQ(archive->GetEntry("xl/sharedStrings.xml").error().code, "notASpreadsheet");
}

TEST(ZipArchive, PartLargerThanTheEntryLimitIsRefused) {
  const std::string bytes = ReadFixture("contracts.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes, ZipLimits{.max_entry_bytes = 100});
  ASSERT_TRUE(archive.has_value());
  EXPECT_EQ(archive->GetEntry(kSheet).error().code, "fileTooLarge");
}

TEST(ZipArchive, PartsTogetherLargerThanTheTotalLimitAreRefused) {
  const std::string bytes = ReadFixture("contracts.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes, ZipLimits{.max_total_bytes = 3000});
  ASSERT_TRUE(archive.has_value());
  ASSERT_TRUE(archive->GetEntry("xl/workbook.xml").has_value());
  ASSERT_TRUE(archive->GetEntry("xl/workbook.xml").has_value());
  EXPECT_EQ(archive->GetEntry(kSheet).error().code, "fileTooLarge");
}

TEST(ZipArchive, PartCompressedMoreThanTheRatioLimitIsRefused) {
  const std::string bytes = ReadFixture("compression_bomb.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes);
  ASSERT_TRUE(archive.has_value());
  const Error error = archive->GetEntry(kSheet).error();
  EXPECT_EQ(error.code, "fileTooLarge");
  EXPECT_NE(error.message.find("zip bomb"), std::string::npos) << error.message;
}

TEST(ZipArchive, SmallPartsMayCompressWellWithoutBeingRefused) {
  const std::string bytes = ReadFixture("compression_bomb.xlsx");
  Result<ZipArchive> archive = ZipArchive::Open(bytes, ZipLimits{.ratio_exempt_bytes = 64u << 20});
  ASSERT_TRUE(archive.has_value());
  EXPECT_TRUE(archive->GetEntry(kSheet).has_value());
}

TEST(ZipArchive, BytesThatAreNotAZipAreNotASpreadsheet) {
  EXPECT_EQ(ZipArchive::Open("PK\x03\x04 not really").error().code, "notASpreadsheet");
}

}  // namespace
}  // namespace sg::importer
