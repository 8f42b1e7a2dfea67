#include "core/text.hpp"

#include <gtest/gtest.h>

namespace sg::text {
namespace {

TEST(Utf8, AcceptsAsciiAndChinese) {
  EXPECT_TRUE(IsValidUtf8("abc"));
  EXPECT_TRUE(IsValidUtf8("中華電信"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));
}

TEST(Utf8, RejectsTruncatedOverlongAndSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xA4\xA4\xB5\xD8"));  // Big5 for 中華
}

TEST(Trim, RemovesAsciiAndIdeographicSpaces) {
  EXPECT_EQ(Trim("  x \t"), "x");
  EXPECT_EQ(Trim("\xE3\x80\x80中\xE3\x80\x80"), "中");
  EXPECT_EQ(Trim("   "), "");
}

TEST(SplitList, DropsEmptyPartsAndTrims) {
  EXPECT_EQ(SplitList(" a; b ;;c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(SplitList("").empty());
}

TEST(Formula, NeutralisesFormulaLikeCells) {
  EXPECT_EQ(NeutraliseForExport("=1+1"), "'=1+1");
  EXPECT_EQ(NeutraliseForExport("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(NeutraliseForExport("-5"), "'-5");
  EXPECT_EQ(NeutraliseForExport("plain"), "plain");
}

}  // namespace
}  // namespace sg::text
