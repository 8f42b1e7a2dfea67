#include "advisory/source.hpp"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <string>
#include <vector>

#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::ScratchDirectory;

constexpr std::string_view kGoodRecord =
    R"({"id": "TEST-1", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": ["1.0"]}]})";

// Writes a ZIP archive of (name, content) pairs with libzip, deflating each entry.
void WriteZip(const std::filesystem::path& path,
              const std::vector<std::pair<std::string, std::string>>& entries) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, content] : entries) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    ASSERT_NE(source, nullptr);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
    ASSERT_GE(index, 0);
    ASSERT_EQ(
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
}

// Replaces every declared uncompressed size of a one-entry archive by `size` (a lying header).
void ForgeDeclaredSize(std::string& bytes, std::uint32_t size) {
  const auto patch = [&](std::string_view signature, std::size_t offset) {
    for (std::size_t at = bytes.find(signature); at != std::string::npos;
         at = bytes.find(signature, at + 1)) {
      std::memcpy(bytes.data() + at + offset, &size, sizeof size);  // little-endian host
    }
  };
  patch(std::string_view("PK\x03\x04", 4), 22);  // local file header
  patch(std::string_view("PK\x01\x02", 4), 24);  // central directory header
}

TEST(DirectorySource, ADirectoryWithOneInvalidRecordStillLoadsTheOthers) {
  ScratchDirectory directory("dir_one_invalid");
  directory.Write("a/TEST-1.json", kGoodRecord);
  directory.Write("b/TEST-2.yaml",
                  "id: TEST-2\nmodified: \"2024-01-01T00:00:00Z\"\naffected: []\n");
  directory.Write("b/TEST-3.json", R"({"id": "TEST-3", "modified": "2024-01-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "PyPI", "name": "a"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}]}]})");
  directory.Write("b/broken.json", "{\"id\": ");
  directory.Write("notes.txt", "not a record");
  directory.Write(".github/workflows/ci.yml", "name: ci\n");
  Result<std::unique_ptr<RecordSource>> source = OpenOsvDirectory(directory.Path());
  ASSERT_TRUE(source.has_value());
  EXPECT_EQ((*source)->Progress().items_total, 4u);
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->records.size(), 2u);
  EXPECT_EQ(loaded->records[0].id, "TEST-1");
  EXPECT_EQ(loaded->records[1].id, "TEST-2");
  ASSERT_EQ(loaded->rejected.size(), 2u);
  EXPECT_EQ(loaded->rejected[0].origin, "b/TEST-3.json");
  EXPECT_EQ(loaded->rejected[0].error.code, "invalidAdvisory");
  EXPECT_NE(loaded->rejected[0].error.message.find("Advisory TEST-3 (b/TEST-3.json)"),
            std::string::npos);
  EXPECT_EQ(loaded->rejected[1].origin, "b/broken.json");
  EXPECT_EQ(loaded->rejected[1].error.code, "malformedJson");
  EXPECT_EQ((*source)->Progress().items_done, 4u);
}

TEST(DirectorySource, IteratesOneRecordAtATimeWithProgress) {
  ScratchDirectory directory("dir_progress");
  directory.Write("TEST-1.json", kGoodRecord);
  directory.Write("TEST-2.json", kGoodRecord);
  Result<std::unique_ptr<RecordSource>> source = OpenOsvDirectory(directory.Path());
  ASSERT_TRUE(source.has_value());
  RecordSource& records = **source;
  Result<std::optional<SourceItem>> first = records.Next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ((*first)->origin, "TEST-1.json");
  EXPECT_EQ(records.Progress().items_done, 1u);
  EXPECT_EQ(records.Progress().items_total, 2u);
  EXPECT_EQ(records.Progress().bytes_read, kGoodRecord.size());
  ASSERT_TRUE(records.Next()->has_value());
  EXPECT_FALSE(records.Next()->has_value());
}

TEST(DirectorySource, AMissingDirectoryIsNotFound) {
  const Result<std::unique_ptr<RecordSource>> source =
      OpenOsvDirectory("/nonexistent/sg-advisory-test");
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code, "notFound");
}

TEST(DirectorySource, AnOversizedFileIsReportedAndSkipped) {
  ScratchDirectory directory("dir_oversized");
  directory.Write("big.json", std::string(2048, ' ') + std::string(kGoodRecord));
  directory.Write("small.json", kGoodRecord);
  Result<std::unique_ptr<RecordSource>> source =
      OpenOsvDirectory(directory.Path(), OsvReadOptions{.max_record_bytes = 1024});
  ASSERT_TRUE(source.has_value());
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->records.size(), 1u);
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_EQ(loaded->rejected[0].error.code, "recordTooLarge");
}

TEST(ZipSource, AnOsvArchiveLoadsItsRecordsAndReportsTheBadOne) {
  ScratchDirectory directory("zip_good");
  const std::filesystem::path path = directory.Path() / "all.zip";
  WriteZip(path, {{"TEST-1.json", std::string(kGoodRecord)},
                  {"TEST-2.json", "{\"id\": 1}"},
                  {"README", "not a record"}});
  Result<std::unique_ptr<RecordSource>> source = OpenOsvZip(path);
  ASSERT_TRUE(source.has_value()) << source.error().message;
  EXPECT_EQ((*source)->Progress().items_total, 2u);
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->records.size(), 1u);
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_EQ(loaded->rejected[0].origin, "TEST-2.json");

  Result<std::unique_ptr<RecordSource>> from_memory = OpenOsvZipBytes(ReadBytes(path));
  ASSERT_TRUE(from_memory.has_value());
  EXPECT_EQ(LoadAll(**from_memory)->records.size(), 1u);
}

TEST(ZipSource, AZipBombEntryIsRefusedWithAClearErrorAndTheRestLoads) {
  ScratchDirectory directory("zip_bomb");
  const std::filesystem::path path = directory.Path() / "bomb.zip";
  // 8 MiB of spaces deflate to about 8 KiB: a ratio of about 1000:1.
  WriteZip(path,
           {{"BOMB.json", std::string(8u << 20, ' ')}, {"TEST-1.json", std::string(kGoodRecord)}});
  Result<std::unique_ptr<RecordSource>> source = OpenOsvZip(path);
  ASSERT_TRUE(source.has_value()) << source.error().message;
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->records.size(), 1u);
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_EQ(loaded->rejected[0].origin, "BOMB.json");
  EXPECT_EQ(loaded->rejected[0].error.code, "suspiciousCompression");
  EXPECT_EQ(loaded->rejected[0].error.kind, ErrorKind::kPayloadTooLarge);
  EXPECT_NE(loaded->rejected[0].error.message.find("zip bomb"), std::string::npos);
}

TEST(ZipSource, AnEntryLargerThanOneRecordMayBeIsRefused) {
  ScratchDirectory directory("zip_entry_limit");
  const std::filesystem::path path = directory.Path() / "big.zip";
  WriteZip(path, {{"BIG.json", std::string(4096, ' ')}});
  Result<std::unique_ptr<RecordSource>> source =
      OpenOsvZip(path, ArchiveLimits{.max_entry_bytes = 1024});
  ASSERT_TRUE(source.has_value());
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_EQ(loaded->rejected[0].error.code, "recordTooLarge");
}

TEST(ZipSource, ArchivesPastTheTotalSizeOrEntryCountAreRefusedAtOpening) {
  ScratchDirectory directory("zip_total_limit");
  const std::filesystem::path path = directory.Path() / "many.zip";
  WriteZip(path, {{"A.json", std::string(kGoodRecord)},
                  {"B.json", std::string(kGoodRecord)},
                  {"C.json", std::string(kGoodRecord)}});
  const Result<std::unique_ptr<RecordSource>> too_big =
      OpenOsvZip(path, ArchiveLimits{.max_total_bytes = 2 * kGoodRecord.size()});
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code, "archiveTooLarge");
  const Result<std::unique_ptr<RecordSource>> too_many =
      OpenOsvZip(path, ArchiveLimits{.max_entries = 2});
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, "archiveTooLarge");
  EXPECT_NE(too_many.error().message.find("3 entries"), std::string::npos);
}

TEST(ZipSource, AnEntryInflatingPastItsDeclaredSizeIsRefused) {
  ScratchDirectory directory("zip_lying_header");
  const std::filesystem::path path = directory.Path() / "lying.zip";
  WriteZip(path, {{"LIE.json", std::string(64u << 10, ' ') + std::string(kGoodRecord)}});
  std::string bytes = ReadBytes(path);
  ForgeDeclaredSize(bytes, 100);
  Result<std::unique_ptr<RecordSource>> source = OpenOsvZipBytes(std::move(bytes));
  ASSERT_TRUE(source.has_value()) << source.error().message;
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(loaded->records.empty());
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_EQ(loaded->rejected[0].error.code, "suspiciousCompression");
  EXPECT_NE(loaded->rejected[0].error.message.find("more than the 100 bytes it declares"),
            std::string::npos);
  // Reading stopped one byte past the declared size, not at the real one.
  EXPECT_EQ((*source)->Progress().bytes_read, 101u);
}

TEST(ZipSource, BytesThatAreNotAZipArchiveAreDamaged) {
  const Result<std::unique_ptr<RecordSource>> source = OpenOsvZipBytes("PK\x03\x04 not really");
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code, "damagedArchive");
}

}  // namespace
}  // namespace sg::advisory
