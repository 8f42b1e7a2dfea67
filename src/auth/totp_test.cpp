#include "auth/totp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "auth/crypto.hpp"

namespace sg::auth {
namespace {

// The RFC 4226 and RFC 6238 (SHA-1) test key.
constexpr std::string_view kRfcSecret = "12345678901234567890";

class Totp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
};

TEST(Base32, EncodesTheRfc4648VectorsWithoutPadding) {
  // RFC 4648 §10, padding removed.
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, DecodesTheRfc4648VectorsWithTheirPadding) {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"MY======", "f"},
                                                                   {"MZXQ====", "fo"},
                                                                   {"MZXW6===", "foo"},
                                                                   {"MZXW6YQ=", "foob"},
                                                                   {"MZXW6YTB", "fooba"},
                                                                   {"MZXW6YTBOI======", "foobar"}};
  for (const auto& [encoded, decoded] : vectors) {
    const auto result = Base32Decode(encoded);
    ASSERT_TRUE(result) << encoded;
    EXPECT_EQ(*result, decoded) << encoded;
  }
}

TEST(Base32, DecodesLowerCaseSpacesAndMissingPadding) {
  EXPECT_EQ(Base32Decode("mzxw6ytboi").value_or("?"), "foobar");
  EXPECT_EQ(Base32Decode("MZXW 6YTB OI").value_or("?"), "foobar");
  EXPECT_EQ(Base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").value_or("?"), kRfcSecret);
}

TEST(Base32, RefusesForeignCharactersEarlyPaddingAndImpossibleLengths) {
  for (const std::string_view bad : {"MZXW6YT1", "MZXW6YT8", "MZXW-6YTB", "MZ=XW6YTB", "M", "MZX",
                                     "MZXW6Y", "MZXW6YTB\n", "ＭＺＸＷ"}) {
    const auto result = Base32Decode(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, "invalidBase32");
  }
}

TEST(Base32, RoundTripsEveryLength) {
  std::string bytes;
  for (int length = 0; length < 41; ++length) {
    EXPECT_EQ(Base32Decode(Base32Encode(bytes)).value_or("?"), bytes);
    bytes.push_back(static_cast<char>(length * 37 + 200));
  }
}

TEST(Hotp, MatchesTheRfc4226AppendixDVectors) {
  const std::string_view expected[] = {"755224", "287082", "359152", "969429", "338314",
                                       "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < std::size(expected); ++counter) {
    EXPECT_EQ(Hotp(kRfcSecret, counter), expected[counter]) << counter;
  }
}

TEST(Hotp, RefusesDigitCountsOutsideSixToEight) {
  EXPECT_THROW(Hotp(kRfcSecret, 0, 5), std::invalid_argument);
  EXPECT_THROW(Hotp(kRfcSecret, 0, 9), std::invalid_argument);
  EXPECT_EQ(Hotp(kRfcSecret, 0, 7).size(), 7u);
}

TEST(TotpCode, MatchesTheRfc6238AppendixBSha1Vectors) {
  const std::pair<std::int64_t, std::string_view> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [unix_time, code] : vectors) {
    EXPECT_EQ(TotpCode(kRfcSecret, unix_time, {.digits = 8}), code) << unix_time;
  }
}

TEST(TotpCode, SixDigitCodesAreTheHotpCodesOfTheTimeStep) {
  EXPECT_EQ(TotpStep(59), 1);
  EXPECT_EQ(TotpStep(60), 2);
  EXPECT_EQ(TotpStep(-1), -1);
  EXPECT_EQ(TotpCode(kRfcSecret, 59), "287082");  // the last six digits of 94287082
  EXPECT_EQ(TotpCode(kRfcSecret, 1111111109), Hotp(kRfcSecret, 1111111109 / 30));
}

constexpr std::int64_t kNow = 1111111111;
constexpr std::int64_t kNowStep = kNow / 30;

std::string CodeAtStep(std::int64_t step) {
  return Hotp(kRfcSecret, static_cast<std::uint64_t>(step));
}

TEST_F(Totp, AcceptsTheCurrentStepAndOneStepEitherSide) {
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep), kNow, std::nullopt), kNowStep);
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep - 1), kNow, std::nullopt), kNowStep - 1);
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep + 1), kNow, std::nullopt), kNowStep + 1);
}

TEST_F(Totp, RefusesCodesOutsideTheWindow) {
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep - 2), kNow, std::nullopt), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep + 2), kNow, std::nullopt), std::nullopt);
  const TotpSettings no_drift{.window_steps = 0};
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep - 1), kNow, std::nullopt, no_drift),
            std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep), kNow, std::nullopt, no_drift), kNowStep);
}

TEST_F(Totp, RefusesACodeReplayedWithinItsWindow) {
  const std::string code = TotpCode(kRfcSecret, kNow);
  const auto first = VerifyTotp(kRfcSecret, code, kNow, std::nullopt);
  ASSERT_EQ(first, kNowStep);
  EXPECT_EQ(VerifyTotp(kRfcSecret, code, kNow, first), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcSecret, code, kNow + 30, first), std::nullopt);  // still in window
}

TEST_F(Totp, RefusesAnOlderStepOnceALaterOneWasUsed) {
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep - 1), kNow, kNowStep), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcSecret, CodeAtStep(kNowStep + 1), kNow, kNowStep), kNowStep + 1);
}

TEST_F(Totp, RefusesCodesOfTheWrongShape) {
  const std::string code = TotpCode(kRfcSecret, kNow);
  for (const std::string& bad :
       {code.substr(1), code + "0", " " + code, code.substr(0, 3) + " " + code.substr(3),
        std::string("12345a"), std::string("-12345"), std::string("１２３４５６"), std::string()}) {
    EXPECT_EQ(VerifyTotp(kRfcSecret, bad, kNow, std::nullopt), std::nullopt) << bad;
  }
}

TEST_F(Totp, RefusesACodeOfAnotherSecret) {
  // A fixed second key whose codes around kNow differ from the RFC key's current code.
  const std::string_view other = "abcdefghijabcdefghij";
  EXPECT_EQ(VerifyTotp(other, TotpCode(kRfcSecret, kNow), kNow, std::nullopt), std::nullopt);
  EXPECT_EQ(VerifyTotp(other, TotpCode(other, kNow), kNow, std::nullopt), kNowStep);
}

TEST_F(Totp, NewSecretsAre160RandomBits) {
  const std::string first = NewTotpSecret();
  EXPECT_EQ(first.size(), 20u);
  EXPECT_NE(first, NewTotpSecret());
  EXPECT_EQ(Base32Encode(first).size(), 32u);
}

TEST(OtpauthUri, NamesIssuerAccountAndParameters) {
  EXPECT_EQ(OtpauthUri("SupplyGuard", "officer@moda.gov.tw", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/SupplyGuard:officer@moda.gov.tw?secret=JBSWY3DPEHPK3PXP"
            "&issuer=SupplyGuard&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, PercentEncodesUtf8SpacesColonsAndPlus) {
  EXPECT_EQ(OtpauthUri("數位部 SG:x", "a+b c@x.tw", "GEZDGNBV"),
            "otpauth://totp/%E6%95%B8%E4%BD%8D%E9%83%A8%20SG%3Ax:a%2Bb%20c@x.tw?secret=GEZDGNBV"
            "&issuer=%E6%95%B8%E4%BD%8D%E9%83%A8%20SG%3Ax&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace sg::auth
