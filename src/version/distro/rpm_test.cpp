// RPM versions: hand-written cases beyond the vector files.
#include <gtest/gtest.h>

#include <string>

#include "version/distro/distro.hpp"

namespace sg::version::distro {
namespace {

TEST(RpmVersions, CompareEpochVersionAndRelease) {
  EXPECT_EQ(CompareRpm("1:1.0-1", "2.0-1"), 1);
  EXPECT_EQ(CompareRpm("0:1.0-1", "1.0-1"), 0);
  EXPECT_EQ(CompareRpm(":1.0", "0:1.0"), 0);  // an empty epoch is 0, as in rpm
  EXPECT_EQ(CompareRpm("1.0-1.el9", "1.0-1.el9_1"), -1);
  // The release starts after the last '-'.
  EXPECT_EQ(CompareRpm("1.0-2-3", "1.0-3"), 1);
}

TEST(RpmVersions, CompareNumbersOfAnyLength) {
  const std::string huge(5000, '5');
  EXPECT_EQ(CompareRpm(huge, huge + "0"), -1);
  EXPECT_EQ(CompareRpm("000" + huge, huge), 0);
  EXPECT_EQ(CompareRpm(huge + ":1", "1:1"), 1);
}

TEST(RpmVersions, RejectEmptyAndBlankVersions) {
  for (const std::string& invalid :
       {std::string(""), std::string("1.0 1"), std::string("1:"), std::string("-1"),
        std::string("1\n"), std::string("1\0", 2)}) {
    const Result<int> compared = CompareRpm(invalid, "1.0");
    ASSERT_FALSE(compared.has_value()) << invalid;
    EXPECT_EQ(compared.error().code, "invalidVersion");
  }
}

}  // namespace
}  // namespace sg::version::distro
