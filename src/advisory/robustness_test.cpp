// Hostile input: every reader gets truncated and byte-mutated copies of real files and must
// answer with a value or an error — never crash, hang or throw. (A fuzzer does this at scale;
// this keeps a deterministic slice of it in the unit tests.)

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "advisory/cvss.hpp"
#include "advisory/detect.hpp"
#include "advisory/epss.hpp"
#include "advisory/evaluation.hpp"
#include "advisory/kev.hpp"
#include "advisory/nvd.hpp"
#include "advisory/osv.hpp"
#include "advisory/source.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::SbomData;

// A small deterministic generator (xorshift64), so failures reproduce.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::size_t Below(std::size_t bound) { return static_cast<std::size_t>(Next() % bound); }

 private:
  std::uint64_t state_;
};

// Bytes that matter to the formats: structure, quotes, escapes, digits, invalid UTF-8.
constexpr std::string_view kInteresting = "{}[]:,\"\\/-.0123456789eE+ \n\t\x00\xff\xc3zZ*v";

std::vector<std::string> Variants(const std::string& seed, std::size_t mutations,
                                  std::uint64_t random_seed) {
  std::vector<std::string> variants;
  const std::size_t step = std::max<std::size_t>(1, seed.size() / 200);
  for (std::size_t length = 0; length < seed.size(); length += step) {
    variants.push_back(seed.substr(0, length));
  }
  Random random(random_seed);
  for (std::size_t index = 0; index < mutations && !seed.empty(); ++index) {
    std::string copy = seed;
    const std::size_t edits = 1 + random.Below(4);
    for (std::size_t edit = 0; edit < edits; ++edit) {
      const std::size_t at = random.Below(copy.size());
      switch (random.Below(3)) {
        case 0:
          copy[at] = kInteresting[random.Below(kInteresting.size())];
          break;
        case 1:
          copy.erase(at, 1 + random.Below(8));
          break;
        default:
          copy.insert(at, 1, kInteresting[random.Below(kInteresting.size())]);
          break;
      }
      if (copy.empty()) break;
    }
    variants.push_back(std::move(copy));
  }
  return variants;
}

void ExerciseRecord(const Record& record) {
  const Result<CompiledRecord> compiled = Compile(record);
  if (!compiled) return;
  for (const CompiledAffected& affected : compiled->affected) {
    for (const std::string_view version : {"0", "1.0.0", "v1.2.3", "1:2.3-4", "", "\xff"}) {
      (void)Evaluate(affected, version);
    }
  }
  (void)FindFindingSeverity(record, record.affected.empty() ? nullptr : &record.affected[0]);
}

TEST(Robustness, MutatedOsvRecordsNeverCrashTheReaderOrTheEvaluator) {
  const std::vector<std::string> seeds{
      ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GO-2024-2963.json")),
      ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/PYSEC-2023-74.json")),
      ReadBytes(SbomData("osv-schema/tools/ghsa/testdata/maven_greater_than.osv.json")),
      ReadBytes(SbomData("osv-rustsec/crates/RUSTSEC-2022-0012.json"))};
  OsvReader reader;
  std::size_t loaded = 0;
  std::size_t refused = 0;
  for (std::size_t index = 0; index < seeds.size(); ++index) {
    for (const std::string& variant : Variants(seeds[index], 1500, 0x5eed0000u + index)) {
      const Result<Record> record = reader.ReadJson(variant, "fuzz.json");
      (void)DetectAdvisoryFormat(variant);
      if (record) {
        ++loaded;
        ExerciseRecord(*record);
      } else {
        ++refused;
        EXPECT_FALSE(record.error().code.empty());
        EXPECT_FALSE(record.error().message.empty());
      }
    }
  }
  EXPECT_GT(loaded, 0u);
  EXPECT_GT(refused, 0u);
}

TEST(Robustness, MutatedYamlRecordsNeverCrashTheReader) {
  const std::string seed =
      ReadBytes(SbomData("osv-r-advisory-database/vulns/readxl/RSEC-2023-1.yaml"));
  OsvReader reader;
  for (const std::string& variant : Variants(seed, 1500, 0x7a3100u)) {
    const Result<Record> record = reader.ReadYaml(variant, "fuzz.yaml");
    (void)DetectAdvisoryFormat(variant);
    if (record) ExerciseRecord(*record);
  }
}

TEST(Robustness, MutatedNvdKevAndEpssFilesNeverCrashTheirReaders) {
  const std::string nvd =
      ReadBytes(SbomData("dependency-track-nvd-samples/src/test/resources/cve-2024-23113.json"));
  for (const std::string& variant : Variants(nvd, 1500, 0x4e5644u)) {
    const Result<NvdFeed> feed = ParseNvdFeed(variant);
    if (feed) {
      for (const NvdCve& cve : feed->cves) {
        for (const NvdCvssMetric& metric : cve.cvss_v3) (void)ScoreCvssV3(metric.vector);
      }
    }
  }
  const std::string kev = R"({"title": "t", "catalogVersion": "1", "dateReleased": "x",
    "count": 1, "vulnerabilities": [{"cveID": "CVE-2024-0001", "vendorProject": "v",
    "product": "p", "vulnerabilityName": "n", "dateAdded": "2024-01-01",
    "shortDescription": "d", "requiredAction": "a", "dueDate": "2024-01-22",
    "cwes": ["CWE-79"]}]})";
  for (const std::string& variant : Variants(kev, 1500, 0x4b4556u))
    (void)ParseKevCatalogue(variant);
  const std::string epss = ReadBytes(SbomData("epss/epss_scores-sample.csv"));
  for (const std::string& variant : Variants(epss, 1500, 0xe9550u)) {
    (void)ParseEpss(variant);
    (void)DetectAdvisoryFormat(variant);
  }
}

TEST(Robustness, MutatedCvssVectorsAreScoredOrRefused) {
  const std::vector<std::string> seeds{
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:P/MS:U",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
      "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F"};
  for (std::size_t index = 0; index < seeds.size(); ++index) {
    for (const std::string& variant : Variants(seeds[index], 3000, 0xc0055u + index)) {
      const Result<CvssV3> v3 = ScoreCvssV3(variant);
      if (v3) {
        EXPECT_GE(v3->base_score, 0.0);
        EXPECT_LE(v3->base_score, 10.0);
        EXPECT_LE(v3->environmental_score, 10.0);
      }
      (void)ScoreCvssV2(variant);
      (void)ValidateCvssV4(variant);
    }
  }
}

TEST(Robustness, MutatedZipArchivesAreReadOrRefused) {
  testing::ScratchDirectory directory("fuzz_zip");
  const std::filesystem::path path = directory.Path() / "seed.zip";
  const std::string record =
      ReadBytes(SbomData("osv-schema/tools/osv-linter/testdata/GO-2024-2963.json"));
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(archive, nullptr);
  for (const char* name : {"GO-2024-2963.json", "sub/GO-2024-2963.yaml"}) {
    zip_source_t* source = zip_source_buffer(archive, record.data(), record.size(), 0);
    ASSERT_GE(zip_file_add(archive, name, source, 0), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);
  const std::string seed = ReadBytes(path);
  std::size_t opened = 0;
  for (const std::string& variant : Variants(seed, 600, 0x21b00u)) {
    (void)DetectAdvisoryFormat(variant);
    Result<std::unique_ptr<RecordSource>> source = OpenOsvZipBytes(variant);
    if (!source) continue;
    ++opened;
    for (int guard = 0; guard < 10; ++guard) {
      Result<std::optional<SourceItem>> item = (*source)->Next();
      if (!item || !item->has_value()) break;
    }
  }
  EXPECT_GT(opened, 0u);
}

}  // namespace
}  // namespace sg::advisory
