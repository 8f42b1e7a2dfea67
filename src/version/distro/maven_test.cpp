// Maven versions: hand-written cases beyond the vector files, on Maven 3.9/4 behaviour.
#include <gtest/gtest.h>

#include <string>

#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

TEST(MavenVersions, OrderQualifiers) {
  EXPECT_EQ(CompareMaven("1.0-alpha-1", "1.0-beta-1"), -1);
  EXPECT_EQ(CompareMaven("1.0-beta-1", "1.0-milestone-1"), -1);
  EXPECT_EQ(CompareMaven("1.0-m1", "1.0-rc1"), -1);
  EXPECT_EQ(CompareMaven("1.0-cr1", "1.0-rc1"), 0);
  EXPECT_EQ(CompareMaven("1.0-rc1", "1.0-SNAPSHOT"), -1);
  EXPECT_EQ(CompareMaven("1.0-SNAPSHOT", "1.0"), -1);
  EXPECT_EQ(CompareMaven("1.0", "1.0-ga"), 0);
  EXPECT_EQ(CompareMaven("1.0.FINAL", "1.0.release"), 0);
  EXPECT_EQ(CompareMaven("1.0", "1.0-sp1"), -1);
  EXPECT_EQ(CompareMaven("1.0-sp1", "1.0-abc"), -1);  // unknown qualifiers come after sp
  EXPECT_EQ(CompareMaven("1.0-abc", "1.0-abd"), -1);
  EXPECT_EQ(CompareMaven("1.0-xyz", "1.0.1"), -1);
}

TEST(MavenVersions, FollowMaven4Combinations) {
  // MNG-7644: 1.0.0.X1 < 1.0.0-X2, and 2.0.X == 2-X.
  EXPECT_EQ(CompareMaven("1.0.0.RC1", "1.0.0-RC2"), -1);
  EXPECT_EQ(CompareMaven("2-abc", "2.0.abc"), 0);
  // MNG-7714: 1.0.final-redhat < 1.0-sp1-redhat.
  EXPECT_EQ(CompareMaven("1.0.final-redhat", "1.0-sp1-redhat"), -1);
  // Non-ASCII digits are not digits.
  EXPECT_EQ(CompareMaven("1", "\u0668"), 1);
  EXPECT_EQ(CompareMaven("1.\u00C9", "1.\u00E9"), 0);  // case-insensitive beyond ASCII
}

TEST(MavenVersions, CompareNumbersOfAnyLength) {
  const std::string huge(5000, '3');
  EXPECT_EQ(CompareMaven(huge, huge + "1"), -1);
  EXPECT_EQ(CompareMaven("1." + huge, "1.0" + huge), 0);
  EXPECT_EQ(CompareMaven("12345678901234567890.1", "1234567890.1"), 1);
}

TEST(MavenVersions, NestDeeplyWithoutRecursion) {
  // Every "-" and every digit/letter switch opens a nested list; a long such version must
  // neither overflow the stack nor take quadratic time.
  std::string deep;
  for (int index = 0; index < 50000; ++index) deep += "a1-";
  EXPECT_EQ(CompareMaven(deep + "1", deep + "2"), -1);
  EXPECT_EQ(CompareMaven(deep, deep), 0);
}

TEST(MavenVersions, RejectOnlyEmptyOrBlankVersions) {
  for (const char* invalid : {"", " ", "\t\n"}) {
    const Result<int> compared = CompareMaven(invalid, "1.0");
    ASSERT_FALSE(compared.has_value());
    EXPECT_EQ(compared.error().code, "invalidVersion");
  }
  EXPECT_TRUE(CompareMaven("anything at all", "1.0").has_value());
  EXPECT_TRUE(CompareMaven(std::string("\xFF\xFE", 2), "1.0").has_value());
}

}  // namespace
}  // namespace sg::version::distro
