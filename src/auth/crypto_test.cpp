#include "auth/crypto.hpp"

#include <gtest/gtest.h>

namespace sg::auth {
namespace {

class Crypto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(InitCrypto()); }
};

TEST_F(Crypto, PasswordHashIsArgon2idAndVerifies) {
  const auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterx"));
}

TEST_F(Crypto, TokensAreRandomAndUrlSafe) {
  const std::string first = RandomToken();
  EXPECT_EQ(first.size(), 43u);  // 32 bytes in base64url without padding
  EXPECT_NE(first, RandomToken());
  EXPECT_EQ(first.find_first_of("+/="), std::string::npos);
}

TEST_F(Crypto, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(Crypto, PasswordRuleRefusesShortAndAccountNamePasswords) {
  EXPECT_EQ(CheckPasswordRule("short", "a@b.tw"), "passwordTooShort");
  EXPECT_EQ(CheckPasswordRule("xxOfficerXX-2026", "officer@moda.gov.tw"),
            "passwordContainsAccountName");
  EXPECT_EQ(CheckPasswordRule("Tr0ub4dor&3-horse", "officer@moda.gov.tw"), "");
}

}  // namespace
}  // namespace sg::auth
