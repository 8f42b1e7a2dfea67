// Alpine versions: hand-written cases beyond the vector files.
#include <gtest/gtest.h>

#include <string>

#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

TEST(ApkVersions, OrderSuffixesAroundTheRelease) {
  EXPECT_EQ(CompareApk("1.2_alpha1", "1.2_beta1"), -1);
  EXPECT_EQ(CompareApk("1.2_rc1", "1.2"), -1);
  EXPECT_EQ(CompareApk("1.2", "1.2_p1"), -1);
  EXPECT_EQ(CompareApk("1.2_cvs1", "1.2_svn1"), -1);
  EXPECT_EQ(CompareApk("1.2_hg1", "1.2_p1"), -1);
  EXPECT_EQ(CompareApk("1.2-r1", "1.2-r2"), -1);
  EXPECT_EQ(CompareApk("1.2a", "1.2b"), -1);
}

TEST(ApkVersions, AcceptACommitHash) {
  EXPECT_EQ(CompareApk("1.2~abc123", "1.2~abc123"), 0);
  EXPECT_EQ(CompareApk("1.2~abc123-r1", "1.2-r1"), 1);  // as apk: the hash comes first, so wins
  EXPECT_FALSE(CompareApk("1.2~", "1.2").has_value());
  EXPECT_FALSE(CompareApk("1.2~xyz", "1.2").has_value());
  EXPECT_FALSE(CompareApk("1.2-r1~abc", "1.2").has_value());
}

TEST(ApkVersions, CompareNumbersOfAnyLength) {
  const std::string huge(5000, '7');
  EXPECT_EQ(CompareApk(huge, huge + "1"), -1);
  EXPECT_EQ(CompareApk("1." + huge, "1." + huge), 0);
  EXPECT_EQ(CompareApk("1.0-r" + huge, "1.0-r" + huge + "0"), -1);
  EXPECT_EQ(CompareApk("1_p" + huge, "1_p9"), 1);
  // A leading zero makes a component compare as a string, as in apk.
  EXPECT_EQ(CompareApk("1.01", "1.1"), -1);
}

TEST(ApkVersions, RejectInvalidVersionsNamingThem) {
  for (const char* invalid :
       {"", "a", "1.", "1..2", "1-r", "1-1", "1_foo", "1.2A", "1 2", "1.2-r1-r2"}) {
    const Result<int> compared = CompareApk(invalid, "1.0");
    ASSERT_FALSE(compared.has_value()) << invalid;
    EXPECT_EQ(compared.error().code, "invalidVersion");
    EXPECT_NE(compared.error().message.find(std::string("\"") + invalid + "\""), std::string::npos)
        << compared.error().message;
  }
}

}  // namespace
}  // namespace sg::version::distro
