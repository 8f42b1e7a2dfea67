#include "auth/recovery_codes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

#include "auth/crypto.hpp"

namespace sg::auth {
namespace {

class RecoveryCodes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
};

TEST_F(RecoveryCodes, TenDistinctCodesShapedFourFourTwo) {
  const std::vector<std::string> codes = NewRecoveryCodes();
  ASSERT_EQ(codes.size(), 10u);
  const std::regex shape("[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{2}");
  for (const std::string& code : codes) EXPECT_TRUE(std::regex_match(code, shape)) << code;
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());
}

TEST_F(RecoveryCodes, EachCodeCarriesAtLeastFiftyBits) {
  EXPECT_GE(10 * std::log2(static_cast<double>(kRecoveryCodeAlphabet.size())), 50.0);
  // The alphabet has no letter that reads like another symbol.
  EXPECT_EQ(kRecoveryCodeAlphabet.find_first_of("ilou"), std::string_view::npos);
  // Every symbol turns up: the generator draws from the whole alphabet.
  std::set<char> seen;
  for (const std::string& code : NewRecoveryCodes(1000)) {
    for (const char symbol : code) {
      if (symbol != '-') seen.insert(symbol);
    }
  }
  EXPECT_EQ(seen.size(), kRecoveryCodeAlphabet.size());
}

TEST(RecoveryCodeNormalisation, IgnoresCaseSpacesAndDashes) {
  EXPECT_EQ(NormaliseRecoveryCode("ab2c-d3ef-gh"), "ab2cd3efgh");
  EXPECT_EQ(NormaliseRecoveryCode("AB2C-D3EF-GH"), "ab2cd3efgh");
  EXPECT_EQ(NormaliseRecoveryCode("  ab2c d3ef gh\n"), "ab2cd3efgh");
  EXPECT_EQ(NormaliseRecoveryCode("ab2c\xE2\x80\x93"
                                  "d3ef\xE2\x80\x94gh"),
            "ab2cd3efgh");  // – —
}

TEST(RecoveryCodeNormalisation, ReadsFullWidthInputAsAscii) {
  // ＡＢ２Ｃ－Ｄ３ＥＦ　ｇｈ, as a Chinese input method may type it.
  EXPECT_EQ(NormaliseRecoveryCode("ＡＢ２Ｃ－Ｄ３ＥＦ　ｇｈ"), "ab2cd3efgh");
}

TEST(RecoveryCodeNormalisation, ReadsLookAlikeLettersAsDigits) {
  EXPECT_EQ(NormaliseRecoveryCode("O0o0-IiLl-11"), "0000111111");
}

TEST(RecoveryCodeNormalisation, KeepsOtherCharactersSoTheyFailToMatch) {
  EXPECT_EQ(NormaliseRecoveryCode("ab2c_d3ef"), "ab2c_d3ef");
  EXPECT_EQ(NormaliseRecoveryCode("碼ab"), "碼ab");
  EXPECT_EQ(NormaliseRecoveryCode("\xE2\x80"), "\xE2\x80");  // a truncated sequence
}

TEST(RecoveryCodeHash, IsTheSha256OfTheNormalisedCode) {
  EXPECT_EQ(HashRecoveryCode("ab2c-d3ef-gh"), Sha256Hex("ab2cd3efgh"));
  EXPECT_EQ(HashRecoveryCode(" AB2C D3EF GH "), HashRecoveryCode("ab2c-d3ef-gh"));
  EXPECT_NE(HashRecoveryCode("ab2c-d3ef-gh"), HashRecoveryCode("ab2c-d3ef-gj"));
  EXPECT_EQ(HashRecoveryCode("x").size(), 64u);
}

}  // namespace
}  // namespace sg::auth
