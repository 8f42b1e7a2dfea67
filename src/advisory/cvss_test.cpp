#include "advisory/cvss.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "advisory/osv.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using testing::ReadBytes;
using testing::TestData;

TEST(CvssV3, TheCriticalNetworkVectorScoresNinePointEight) {
  const Result<CvssV3> score = ScoreCvssV3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_TRUE(score.has_value());
  EXPECT_DOUBLE_EQ(score->base_score, 9.8);
  EXPECT_EQ(score->version, CvssVersion::kV31);
  EXPECT_EQ(CvssRating(score->base_score), "CRITICAL");
}

TEST(CvssV3, VectorsFromTheDataFileScoreAsTheSpecificationSays) {
  std::istringstream lines(ReadBytes(TestData("cvss_v3_vectors.txt")));
  std::string line;
  std::size_t checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    std::istringstream words(line);
    std::string vector;
    double base = -1, temporal = -1, environmental = -1;
    words >> vector >> base >> temporal >> environmental;
    ASSERT_GE(environmental, 0) << "bad line: " << line;
    SCOPED_TRACE(vector);
    const Result<CvssV3> score = ScoreCvssV3(vector);
    ASSERT_TRUE(score.has_value()) << score.error().message;
    EXPECT_DOUBLE_EQ(score->base_score, base);
    EXPECT_DOUBLE_EQ(score->temporal_score, temporal);
    EXPECT_DOUBLE_EQ(score->environmental_score, environmental);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

TEST(CvssV3, MalformedVectorsFromTheDataFileAreRefusedWithTheirReason) {
  std::istringstream lines(ReadBytes(TestData("cvss_invalid_vectors.txt")));
  std::string line;
  std::size_t checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    const std::size_t arrow = line.find(" => ");
    ASSERT_NE(arrow, std::string::npos) << "bad line: " << line;
    std::string vector = line.substr(0, arrow);
    if (vector == "\"\"") vector.clear();
    const std::string fragment = line.substr(arrow + 4);
    SCOPED_TRACE(vector);
    const Result<CvssV3> score = ScoreCvssV3(vector);
    ASSERT_FALSE(score.has_value());
    EXPECT_EQ(score.error().code, "invalidCvssVector");
    EXPECT_NE(score.error().message.find(fragment), std::string::npos) << score.error().message;
    ++checked;
  }
  EXPECT_GE(checked, 15u);
}

TEST(CvssV3, TheRatingBandsFollowTheSpecification) {
  EXPECT_EQ(CvssRating(0.0), "NONE");
  EXPECT_EQ(CvssRating(0.1), "LOW");
  EXPECT_EQ(CvssRating(3.9), "LOW");
  EXPECT_EQ(CvssRating(4.0), "MEDIUM");
  EXPECT_EQ(CvssRating(6.9), "MEDIUM");
  EXPECT_EQ(CvssRating(7.0), "HIGH");
  EXPECT_EQ(CvssRating(8.9), "HIGH");
  EXPECT_EQ(CvssRating(9.0), "CRITICAL");
}

TEST(CvssV2, BaseScoresMatchTheNvd) {
  EXPECT_DOUBLE_EQ(*ScoreCvssV2("AV:N/AC:L/Au:N/C:C/I:C/A:C"), 10.0);
  EXPECT_DOUBLE_EQ(*ScoreCvssV2("AV:L/AC:L/Au:N/C:P/I:P/A:P"), 4.6);
  EXPECT_DOUBLE_EQ(*ScoreCvssV2("AV:N/AC:M/Au:N/C:P/I:N/A:N"), 4.3);
  EXPECT_DOUBLE_EQ(*ScoreCvssV2("AV:N/AC:L/Au:N/C:N/I:N/A:N"), 0.0);
  EXPECT_DOUBLE_EQ(*ScoreCvssV2("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C"), 7.5);
  EXPECT_FALSE(ScoreCvssV2("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C").has_value());
  EXPECT_FALSE(ScoreCvssV2("AV:N/AC:L/Au:N/C:C/I:C").has_value());
}

TEST(CvssV4, VectorsAreValidatedButNotScored) {
  EXPECT_TRUE(ValidateCvssV4("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N")
                  .has_value());
  EXPECT_TRUE(ValidateCvssV4(
                  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MSI:S/U:Red")
                  .has_value());
  EXPECT_FALSE(
      ValidateCvssV4("CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N").has_value());
  EXPECT_FALSE(ValidateCvssV4("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").has_value());
}

TEST(FindingSeverity, ThePackageLevelVectorWinsOverTheRecordLevelOne) {
  Record record;
  record.severity = {
      Severity{SeverityType::kCvssV3, "CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}};
  Affected affected;
  affected.severity = {
      Severity{SeverityType::kCvssV4, "CVSS_V4",
               "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"},
      Severity{SeverityType::kCvssV3, "CVSS_V3", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N"}};
  const std::optional<FindingSeverity> package_level = FindFindingSeverity(record, &affected);
  ASSERT_TRUE(package_level.has_value());
  EXPECT_DOUBLE_EQ(package_level->cvss_v3, 4.7);
  EXPECT_EQ(package_level->vector, "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N");
  const std::optional<FindingSeverity> record_level = FindFindingSeverity(record);
  ASSERT_TRUE(record_level.has_value());
  EXPECT_DOUBLE_EQ(record_level->cvss_v3, 9.8);
}

TEST(FindingSeverity, IsAbsentWithoutAValidCvssV3Vector) {
  Record record;
  record.severity = {Severity{SeverityType::kCvssV3, "CVSS_V3", "CVSS:3.1/AV:N"},
                     Severity{SeverityType::kUbuntu, "Ubuntu", "high"}};
  EXPECT_FALSE(FindFindingSeverity(record).has_value());
}

}  // namespace
}  // namespace sg::advisory
