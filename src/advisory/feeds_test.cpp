#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "advisory/cvss.hpp"
#include "advisory/epss.hpp"
#include "advisory/kev.hpp"
#include "advisory/nvd.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::SbomData;

std::string NvdSample(std::string_view name) {
  return ReadBytes(SbomData("dependency-track-nvd-samples/src/test/resources") / name);
}

std::string Gzip(std::string_view text) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// ---- NVD

TEST(NvdReader, ReadsACveItemWithItsMetricsWeaknessesAndConfigurations) {
  const Result<NvdFeed> feed = ParseNvdFeed(NvdSample("cve.json"));
  ASSERT_TRUE(feed.has_value()) << feed.error().message;
  ASSERT_EQ(feed->cves.size(), 1u);
  const NvdCve& cve = feed->cves[0];
  EXPECT_EQ(cve.id, "CVE-2022-40489");
  EXPECT_EQ(cve.published, "2022-12-01T05:15:11.730");
  EXPECT_EQ(cve.last_modified, "2022-12-02T17:17:02.303");
  EXPECT_TRUE(cve.Description().starts_with("ThinkCMF version 6.0.7"));
  ASSERT_EQ(cve.cvss_v3.size(), 1u);
  EXPECT_EQ(cve.cvss_v3[0].vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H");
  EXPECT_DOUBLE_EQ(cve.cvss_v3[0].base_score, 8.8);
  EXPECT_EQ(cve.cvss_v3[0].base_severity, "HIGH");
  EXPECT_EQ(cve.cwes, std::vector<std::string>{"CWE-352"});
  ASSERT_EQ(cve.configurations.size(), 1u);
  ASSERT_EQ(cve.configurations[0].nodes.size(), 1u);
  const NvdNode& node = cve.configurations[0].nodes[0];
  EXPECT_EQ(node.op, NvdOperator::kOr);
  EXPECT_FALSE(node.negate);
  ASSERT_EQ(node.cpe_match.size(), 1u);
  EXPECT_TRUE(node.cpe_match[0].vulnerable);
  EXPECT_EQ(node.cpe_match[0].criteria, "cpe:2.3:a:thinkcmf:thinkcmf:6.0.7:*:*:*:*:*:*:*");
  EXPECT_EQ(node.cpe_match[0].match_criteria_id, "3F02595D-FE6B-481C-87D7-E31A5C955FED");
  EXPECT_FALSE(node.cpe_match[0].version_end_excluding.has_value());
  ASSERT_EQ(cve.references.size(), 1u);
  EXPECT_EQ(cve.references[0].tags.size(), 3u);
}

TEST(NvdReader, EverySampleLoadsAndItsCvssV3ScoresAgreeWithTheVectors) {
  const std::vector<std::string_view> samples{"cve.json",
                                              "CVE-2017-5638-cvssv3-rating.json",
                                              "CVE-2017-5638-cvssv4-rating.json",
                                              "CVE-2021-0002-duplicate-exact-version-matches.json",
                                              "CVE-2022-31022-all-versions-vulnerable.json",
                                              "cve-2024-23113.json",
                                              "cve-vuln.json"};
  std::size_t metrics = 0;
  for (const std::string_view name : samples) {
    SCOPED_TRACE(name);
    const Result<NvdFeed> feed = ParseNvdFeed(NvdSample(name));
    ASSERT_TRUE(feed.has_value()) << feed.error().message;
    ASSERT_EQ(feed->cves.size(), 1u);
    EXPECT_TRUE(feed->rejected.empty());
    for (const NvdCvssMetric& metric : feed->cves[0].cvss_v3) {
      const Result<CvssV3> score = ScoreCvssV3(metric.vector);
      ASSERT_TRUE(score.has_value()) << score.error().message;
      EXPECT_DOUBLE_EQ(score->base_score, metric.base_score) << metric.vector;
      ++metrics;
    }
    for (const NvdCvssMetric& metric : feed->cves[0].cvss_v2) {
      const Result<double> score = ScoreCvssV2(metric.vector);
      ASSERT_TRUE(score.has_value()) << score.error().message;
      EXPECT_DOUBLE_EQ(*score, metric.base_score) << metric.vector;
    }
    for (const NvdCvssMetric& metric : feed->cves[0].cvss_v4) {
      EXPECT_TRUE(ValidateCvssV4(metric.vector).has_value()) << metric.vector;
    }
  }
  EXPECT_GE(metrics, 5u);
}

TEST(NvdReader, KeepsVersionRangesOfCpeMatchesAndTheKevColumns) {
  const Result<NvdFeed> feed = ParseNvdFeed(NvdSample("cve-2024-23113.json"));
  ASSERT_TRUE(feed.has_value());
  const NvdCve& cve = feed->cves[0];
  EXPECT_EQ(cve.cisa_exploit_add, "2024-10-09");
  EXPECT_FALSE(cve.cisa_vulnerability_name.empty());
  bool has_range = false;
  for (const NvdConfiguration& configuration : cve.configurations) {
    for (const NvdNode& node : configuration.nodes) {
      for (const NvdCpeMatch& match : node.cpe_match) {
        has_range |=
            match.version_start_including == "7.0.0" && match.version_end_including == "7.0.14";
      }
    }
  }
  EXPECT_TRUE(has_range);
  const Result<NvdFeed> intel =
      ParseNvdFeed(NvdSample("CVE-2021-0002-duplicate-exact-version-matches.json"));
  ASSERT_TRUE(intel.has_value());
  bool has_end_excluding = false;
  for (const NvdConfiguration& configuration : intel->cves[0].configurations) {
    for (const NvdNode& node : configuration.nodes) {
      for (const NvdCpeMatch& match : node.cpe_match) {
        has_end_excluding |= match.version_end_excluding == "1.4.11";
      }
    }
  }
  EXPECT_TRUE(has_end_excluding);
  ASSERT_FALSE(intel->cves[0].configurations.empty());
  EXPECT_EQ(intel->cves[0].configurations[0].op, NvdOperator::kAnd);
  EXPECT_EQ(intel->cves[0].configurations[0].nodes.size(), 2u);
  const NvdCvssMetric* preferred = cve.FindPreferredCvssV3();
  ASSERT_NE(preferred, nullptr);
  EXPECT_EQ(preferred->type, "Primary");
}

TEST(NvdReader, PrefersTheNvdsOwnPrimaryCvssV31Metric) {
  NvdCve cve;
  cve.cvss_v3 = {NvdCvssMetric{"cna@example.org", "Secondary", "3.1", "v-cna", 5.0, "MEDIUM"},
                 NvdCvssMetric{"nvd@nist.gov", "Primary", "3.0", "v-30", 6.0, "MEDIUM"},
                 NvdCvssMetric{"nvd@nist.gov", "Primary", "3.1", "v-31", 7.0, "HIGH"}};
  ASSERT_NE(cve.FindPreferredCvssV3(), nullptr);
  EXPECT_EQ(cve.FindPreferredCvssV3()->vector, "v-31");
  EXPECT_EQ(NvdCve{}.FindPreferredCvssV3(), nullptr);
}

TEST(NvdReader, AnApiResponseIsReadAndABrokenCveIsRejectedAlone) {
  const std::string item = NvdSample("cve.json");
  const std::string response =
      R"({"resultsPerPage": 3, "startIndex": 0, "totalResults": 3, "format": "NVD_CVE",
          "version": "2.0", "timestamp": "2024-01-01T00:00:00.000", "vulnerabilities": [)" +
      item + R"(, {"cve": {"descriptions": []}}, {"cve": {"id": "CVE-2024-1", "configurations":
          [{"nodes": [{"operator": "XOR", "cpeMatch": [{"vulnerable": true, "criteria":
          "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*", "matchCriteriaId": "X"}]}]}]}}]})";
  const Result<NvdFeed> feed = ParseNvdFeed(response);
  ASSERT_TRUE(feed.has_value()) << feed.error().message;
  EXPECT_EQ(feed->total_results, 3u);
  EXPECT_EQ(feed->timestamp, "2024-01-01T00:00:00.000");
  ASSERT_EQ(feed->cves.size(), 1u);
  ASSERT_EQ(feed->rejected.size(), 2u);
  EXPECT_EQ(feed->rejected[0].index, 1u);
  EXPECT_TRUE(feed->rejected[0].error.fields.contains("cve.id"));
  EXPECT_EQ(feed->rejected[1].index, 2u);
  EXPECT_NE(feed->rejected[1].error.message.find("CVE-2024-1"), std::string::npos);
  EXPECT_TRUE(feed->rejected[1].error.fields.contains("cve.configurations[0].nodes[0].operator"));
}

TEST(NvdReader, DocumentsThatAreNotNvdFeedsAreRefused) {
  EXPECT_EQ(ParseNvdFeed("{\"a\": 1}").error().code, "invalidNvdFeed");
  EXPECT_EQ(ParseNvdFeed("[1]").error().code, "invalidNvdFeed");
  EXPECT_EQ(ParseNvdFeed("{").error().code, "malformedJson");
  EXPECT_EQ(ParseNvdFeed(R"({"format": "OTHER", "vulnerabilities": []})").error().code,
            "invalidNvdFeed");
}

// ---- KEV

TEST(KevCatalogue, TheRealCatalogueHoldsAllItsEntries) {
  const Result<KevCatalogue> catalogue =
      ParseKevCatalogue(ReadBytes(SbomData("kev/known_exploited_vulnerabilities.json")));
  ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message;
  EXPECT_EQ(catalogue->catalog_version, "2025.08.25");
  EXPECT_EQ(catalogue->declared_count, 1404u);
  EXPECT_EQ(catalogue->entries.size(), 1404u);
  EXPECT_TRUE(catalogue->rejected.empty());
  const KevEntry* git = catalogue->FindByCve("CVE-2025-48384");
  ASSERT_NE(git, nullptr);
  EXPECT_EQ(git->vendor_project, "Git");
  EXPECT_EQ(git->date_added, "2025-08-25");
  EXPECT_EQ(git->due_date, "2025-09-15");
  EXPECT_FALSE(git->cwes.empty());
  EXPECT_EQ(catalogue->FindByCve("CVE-1900-0001"), nullptr);
}

TEST(KevCatalogue, ATruncatedCatalogueIsRefusedAndABadEntryRejectedAlone) {
  const Result<KevCatalogue> truncated = ParseKevCatalogue(
      R"({"catalogVersion": "1", "dateReleased": "x", "count": 2, "vulnerabilities": []})");
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, "invalidKevCatalogue");
  EXPECT_NE(truncated.error().message.find("truncated"), std::string::npos);

  const Result<KevCatalogue> partial = ParseKevCatalogue(
      R"({"catalogVersion": "1", "dateReleased": "x", "count": 2, "vulnerabilities": [
        {"cveID": "CVE-2024-0001", "vendorProject": "v", "product": "p", "vulnerabilityName": "n",
         "dateAdded": "2024-01-01", "shortDescription": "d", "requiredAction": "a",
         "dueDate": "2024-01-22"},
        {"cveID": "NOT-A-CVE", "vendorProject": "v"}]})");
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->entries.size(), 1u);
  ASSERT_EQ(partial->rejected.size(), 1u);
  EXPECT_EQ(partial->rejected[0].index, 1u);
  EXPECT_TRUE(partial->rejected[0].error.fields.contains("vulnerabilities[1].cveID"));
  EXPECT_TRUE(partial->rejected[0].error.fields.contains("vulnerabilities[1].dueDate"));
}

// ---- EPSS

TEST(EpssFile, TheSampleGivesItsModelDateAndScores) {
  const Result<EpssTable> table = ParseEpss(ReadBytes(SbomData("epss/epss_scores-sample.csv")));
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->model_version, "v2025.03.14");
  EXPECT_EQ(table->score_date, "2025-08-21T00:00:00+0000");
  EXPECT_EQ(table->scores.size(), 10u);
  EXPECT_TRUE(table->rejected.empty());
  const EpssScore* score = table->FindScore("CVE-1999-0016");
  ASSERT_NE(score, nullptr);
  EXPECT_DOUBLE_EQ(score->epss, 0.95739);
  EXPECT_DOUBLE_EQ(score->percentile, 0.99864);
  EXPECT_EQ(table->FindScore("CVE-2099-0001"), nullptr);
}

TEST(EpssFile, TheGzippedFileReadsLikeThePlainOne) {
  const std::string plain = ReadBytes(SbomData("epss/epss_scores-sample.csv"));
  const Result<EpssTable> table = ParseEpss(Gzip(plain));
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->scores.size(), 10u);
  EXPECT_EQ(table->model_version, "v2025.03.14");
}

TEST(EpssFile, ThreeHundredThousandRowsAreRead) {
  std::string text = "#model_version:v1,score_date:2025-01-01T00:00:00+0000\ncve,epss,percentile\n";
  for (int index = 0; index < 300'000; ++index) {
    text += "CVE-2020-" + std::to_string(10000 + index) + ",0.00043,0.1\r\n";
  }
  const Result<EpssTable> table = ParseEpss(Gzip(text));
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->scores.size(), 300'000u);
  ASSERT_NE(table->FindScore("CVE-2020-10500"), nullptr);
}

TEST(EpssFile, BadRowsAreRejectedWithTheirLineAndOtherFilesRefused) {
  const Result<EpssTable> table = ParseEpss(
      "cve,epss,percentile\nCVE-1,0.5,0.5\nCVE-2,1.5,0.5\nX-3,0.1,0.1\nCVE-4,0.1\nCVE-5,abc,0.1\n");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->scores.size(), 1u);
  ASSERT_EQ(table->rejected.size(), 4u);
  EXPECT_EQ(table->rejected[0].line, 3u);
  EXPECT_EQ(table->rejected[0].error.code, "invalidEpssRow");
  EXPECT_EQ(ParseEpss("a,b,c\n1,2,3\n").error().code, "invalidEpssFile");
  EXPECT_EQ(ParseEpss("").error().code, "invalidEpssFile");
  std::string truncated = Gzip(ReadBytes(SbomData("epss/epss_scores-sample.csv")));
  truncated.resize(truncated.size() / 2);
  EXPECT_EQ(ParseEpss(truncated).error().code, "malformedGzip");
}

}  // namespace
}  // namespace sg::advisory
