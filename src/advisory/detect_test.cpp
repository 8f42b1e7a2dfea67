#include "advisory/detect.hpp"

#include <gtest/gtest.h>
#include <zip.h>
#include <zlib.h>

#include <string>

#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::SbomData;

std::string ZipOf(const std::string& name, const std::string& content) {
  testing::ScratchDirectory directory("detect_zip");
  const std::filesystem::path path = directory.Path() / "a.zip";
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
  zip_file_add(archive, name.c_str(), source, 0);
  zip_close(archive);
  return ReadBytes(path);
}

TEST(FormatDetection, EachReferenceFileIsRecognisedByItsContent) {
  EXPECT_EQ(DetectAdvisoryFormat(
                ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GO-2024-2963.json"))),
            AdvisoryFormat::kOsvRecord);
  EXPECT_EQ(DetectAdvisoryFormat(
                ReadBytes(SbomData("osv-r-advisory-database/vulns/readxl/RSEC-2023-1.yaml"))),
            AdvisoryFormat::kOsvYaml);
  EXPECT_EQ(DetectAdvisoryFormat(
                ReadBytes(SbomData("dependency-track-nvd-samples/src/test/resources/cve.json"))),
            AdvisoryFormat::kNvdFeed);
  EXPECT_EQ(
      DetectAdvisoryFormat(R"({"resultsPerPage": 0, "format": "NVD_CVE", "vulnerabilities": []})"),
      AdvisoryFormat::kNvdFeed);
  EXPECT_EQ(DetectAdvisoryFormat(ReadBytes(SbomData("kev/known_exploited_vulnerabilities.json"))),
            AdvisoryFormat::kKevCatalogue);
  EXPECT_EQ(DetectAdvisoryFormat(ReadBytes(SbomData("epss/epss_scores-sample.csv"))),
            AdvisoryFormat::kEpssCsv);
}

TEST(FormatDetection, AZipOfRecordsIsAnOsvArchiveButAWorkbookIsNot) {
  EXPECT_EQ(DetectAdvisoryFormat(ZipOf("GO-2024-1.json", "{}")), AdvisoryFormat::kOsvZip);
  EXPECT_EQ(DetectAdvisoryFormat(ZipOf("[Content_Types].xml", "<Types/>")),
            AdvisoryFormat::kUnknown);
}

TEST(FormatDetection, AGzippedEpssFileIsRecognised) {
  const std::string plain = ReadBytes(SbomData("epss/epss_scores-sample.csv"));
  std::string packed(compressBound(plain.size()) + 64, '\0');
  z_stream stream{};
  ASSERT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(packed.data());
  stream.avail_out = static_cast<uInt>(packed.size());
  ASSERT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  packed.resize(stream.total_out);
  deflateEnd(&stream);
  EXPECT_EQ(DetectAdvisoryFormat(packed), AdvisoryFormat::kEpssCsv);
}

TEST(FormatDetection, AnythingElseIsUnknownWithoutFailing) {
  EXPECT_EQ(DetectAdvisoryFormat(""), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat("{"), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat("{\"bomFormat\": \"CycloneDX\"}"), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat("id: [unclosed"), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat("PK\x03\x04garbage"), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat(std::string("\x1f\x8b\x08\x00junk", 8)), AdvisoryFormat::kUnknown);
  EXPECT_EQ(DetectAdvisoryFormat(std::string(100'000, '[')), AdvisoryFormat::kUnknown);
  EXPECT_EQ(AdvisoryFormatName(AdvisoryFormat::kNvdFeed), "nvdFeed");
}

}  // namespace
}  // namespace sg::advisory
