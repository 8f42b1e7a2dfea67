#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "auth/crypto.hpp"

namespace sg::auth {
namespace {

using Codes = std::vector<std::string>;

constexpr std::string_view kEmail = "officer@moda.gov.tw";

const PasswordPolicy kTwHigh = PolicyFor(PasswordProfile::kTwHigh);
const PasswordPolicy kAsvs = PolicyFor(PasswordProfile::kAsvs);

/// Checks against an empty breach list, for the rules other than the list.
Codes Check(const PasswordPolicy& policy, std::string_view password,
            std::string_view email = kEmail) {
  static const BreachedPasswords kEmpty;
  return CheckPassword(policy, password, email, kEmpty);
}

std::string Repeat(std::string_view unit, int times) {
  std::string repeated;
  for (int index = 0; index < times; ++index) repeated += unit;
  return repeated;
}

/// A file under the test's temporary directory holding `content`.
std::filesystem::path WriteFile(std::string_view name, std::string_view content) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(PasswordProfile, ParsesTheTwoConfigurationNames) {
  EXPECT_EQ(ParsePasswordProfile("tw-high"), PasswordProfile::kTwHigh);
  EXPECT_EQ(ParsePasswordProfile("asvs"), PasswordProfile::kAsvs);
  for (const std::string_view other : {"", "TW-HIGH", "tw_high", "high", "asvs ", "ASVS"}) {
    EXPECT_EQ(ParsePasswordProfile(other), std::nullopt) << other;
  }
  for (const PasswordProfile profile : {PasswordProfile::kTwHigh, PasswordProfile::kAsvs}) {
    EXPECT_EQ(ParsePasswordProfile(PasswordProfileName(profile)), profile);
  }
}

TEST(PasswordProfile, TwHighHasTheFiguresOfApiMd) {
  EXPECT_EQ(kTwHigh.profile, PasswordProfile::kTwHigh);
  EXPECT_EQ(kTwHigh.min_length, 12u);
  EXPECT_EQ(kTwHigh.max_length, 128u);
  EXPECT_EQ(kTwHigh.requires_character_classes, 3);
  EXPECT_EQ(kTwHigh.max_age, std::chrono::days{90});
  EXPECT_EQ(kTwHigh.history_depth, 3);
  EXPECT_TRUE(kTwHigh.mfa_required);
  EXPECT_EQ(PasswordPolicy{}.profile, PasswordProfile::kTwHigh);  // the default
}

TEST(PasswordProfile, AsvsHasNoCompositionExpiryHistoryOrMandatoryMfa) {
  EXPECT_EQ(kAsvs.profile, PasswordProfile::kAsvs);
  EXPECT_EQ(kAsvs.min_length, 12u);
  EXPECT_EQ(kAsvs.max_length, 128u);
  EXPECT_EQ(kAsvs.requires_character_classes, 0);
  EXPECT_EQ(kAsvs.max_age, std::nullopt);
  EXPECT_EQ(kAsvs.history_depth, 0);
  EXPECT_FALSE(kAsvs.mfa_required);
}

TEST(PasswordPolicyTwHigh, RefusesFewerThanTwelveCharacters) {
  EXPECT_EQ(Check(kTwHigh, "Tr0ub4dor&3"), Codes{"tooShort"});
  EXPECT_EQ(Check(kTwHigh, "Tr0ub4dor&3x"), Codes{});
}

TEST(PasswordPolicyTwHigh, NeedsThreeOfUpperLowerDigitsAndSymbols) {
  EXPECT_EQ(Check(kTwHigh, "correcthorsebattery"), Codes{"needsCharacterClasses"});
  EXPECT_EQ(Check(kTwHigh, "correcthorse2battery"), Codes{"needsCharacterClasses"});
  EXPECT_EQ(Check(kTwHigh, "CORRECT HORSE BATTERY"), Codes{"needsCharacterClasses"});
  EXPECT_EQ(Check(kTwHigh, "Correcthorse2battery"), Codes{});     // upper, lower, digit
  EXPECT_EQ(Check(kTwHigh, "correct horse 2 battery"), Codes{});  // lower, symbol, digit
  EXPECT_EQ(Check(kTwHigh, "CORRECT-HORSE-BATTERY2"), Codes{});   // upper, symbol, digit
  // Non-ASCII characters count as symbols.
  EXPECT_EQ(Check(kTwHigh, "正確的馬電池訂書針很長"), (Codes{"tooShort", "needsCharacterClasses"}));
  EXPECT_EQ(Check(kTwHigh, "正確的馬電池訂書針long2"), Codes{});
}

TEST(PasswordPolicyTwHigh, ReportsEveryBrokenRule) {
  EXPECT_EQ(Check(kTwHigh, "officer"),
            (Codes{"tooShort", "needsCharacterClasses", "containsAccountName"}));
}

TEST(PasswordPolicyAsvs, RefusesFewerThanTwelveCodePointsButNoComposition) {
  EXPECT_EQ(Check(kAsvs, "correcthors"), Codes{"tooShort"});
  EXPECT_EQ(Check(kAsvs, "correcthorse"), Codes{});
  EXPECT_EQ(Check(kAsvs, "correct horse battery staple"), Codes{});  // spaces are fine
}

TEST(PasswordPolicyAsvs, CountsCodePointsNotBytes) {
  // Eleven Chinese characters are 33 bytes but 11 code points; twelve are enough.
  EXPECT_EQ(Check(kAsvs, Repeat("密", 11)), Codes{"tooShort"});
  EXPECT_EQ(Check(kAsvs, Repeat("密", 12)), Codes{});
  EXPECT_EQ(Check(kAsvs, Repeat("\xF0\x9F\x94\x91", 12)), Codes{});  // 12 × U+1F511, 48 bytes
  EXPECT_EQ(Check(kAsvs, "café-crème-2"), Codes{});  // é and è are one code point each
}

TEST(PasswordPolicyAsvs, RefusesMoreThan128CodePoints) {
  EXPECT_EQ(Check(kAsvs, Repeat("a", 128)), Codes{});
  EXPECT_EQ(Check(kAsvs, Repeat("a", 129)), Codes{"tooLong"});
  EXPECT_EQ(Check(kAsvs, Repeat("密", 128)), Codes{});  // 384 bytes
  EXPECT_EQ(Check(kAsvs, Repeat("密", 129)), Codes{"tooLong"});
  EXPECT_EQ(Check(kTwHigh, Repeat("Aa1", 43)), Codes{"tooLong"});
}

TEST(PasswordPolicy, RefusesTheAccountNameInAnyCaseInBothProfiles) {
  for (const PasswordPolicy& policy : {kTwHigh, kAsvs}) {
    EXPECT_EQ(Check(policy, "xxOfficerXX-2026"), Codes{"containsAccountName"});
    EXPECT_EQ(Check(policy, "2026-OFFICER-xx"), Codes{"containsAccountName"});
    EXPECT_EQ(Check(policy, "Officer@Moda.gov.tw!"), Codes{"containsAccountName"});
    EXPECT_EQ(Check(policy, "Offic3r-from-moda"), Codes{});
  }
}

TEST(PasswordPolicy, IgnoresLocalPartsShorterThanThreeCharactersButNotTheWholeEmail) {
  const std::string_view email = "li@moda.gov.tw";
  EXPECT_EQ(Check(kAsvs, "Lightning-Bolt-7", email), Codes{});
  EXPECT_EQ(Check(kAsvs, "Li@moda.gov.tw-2026", email), Codes{"containsAccountName"});
  EXPECT_EQ(Check(kAsvs, "Wang-Chen-1987!", "wang@moda.gov.tw"), Codes{"containsAccountName"});
  EXPECT_EQ(Check(kAsvs, "Anything-goes-42", ""), Codes{});
}

TEST(BreachedPasswords, BuiltInListHoldsTheCommonPasswords) {
  BreachedPasswords list;
  const std::size_t added = list.AddBuiltIn();
  EXPECT_GT(added, 10000u);
  EXPECT_EQ(list.size(), added);
  EXPECT_TRUE(list.Contains("password"));
  EXPECT_TRUE(list.Contains("qwerty"));
  EXPECT_TRUE(list.Contains("123456"));
  EXPECT_FALSE(list.Contains("Tr0ub4dor&3x-moda-2026"));
}

TEST(BreachedPasswords, BuiltInListRefusesTwelveCharacterEntriesInBothProfiles) {
  BreachedPasswords list;
  list.AddBuiltIn();
  // Entries of the list that the length rule alone would let through.
  for (const std::string_view entry : {"password1234", "qwertyuiop123", "1qaz2wsx3edc"}) {
    ASSERT_TRUE(list.Contains(entry)) << entry;
    EXPECT_EQ(CheckPassword(kAsvs, entry, kEmail, list), Codes{"breached"}) << entry;
  }
  // The comparison ignores case, so meeting tw-high's classes does not help.
  EXPECT_TRUE(list.Contains("PassWord1234"));
  EXPECT_EQ(CheckPassword(kTwHigh, "Password1234", kEmail, list), Codes{"breached"});
  EXPECT_EQ(CheckPassword(kTwHigh, "Qwertyuiop123", kEmail, list), Codes{"breached"});
}

TEST(BreachedPasswords, LoadsAnOperatorFileWithCommentsBomAndCrlf) {
  const auto path = WriteFile("operator-passwords.txt",
                              "\xEF\xBB\xBF# agency list\r\n"
                              "MODA-Taipei-2026\r\n"
                              "\r\n"
                              "  # not a comment: leading spaces belong to the password\n"
                              "數位發展部密碼一二三四\n"
                              "last-line-without-newline");
  BreachedPasswords list;
  const auto loaded = list.LoadFile(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, 4u);
  EXPECT_TRUE(list.Contains("moda-taipei-2026"));
  EXPECT_TRUE(list.Contains("MODA-TAIPEI-2026"));
  EXPECT_TRUE(list.Contains("數位發展部密碼一二三四"));
  EXPECT_TRUE(list.Contains("last-line-without-newline"));
  EXPECT_FALSE(list.Contains("# agency list"));
  EXPECT_FALSE(list.Contains(""));
  EXPECT_EQ(CheckPassword(kAsvs, "Moda-Taipei-2026", kEmail, list), Codes{"breached"});
}

TEST(BreachedPasswords, AddsToTheBuiltInListWithoutRepeats) {
  const auto path = WriteFile("repeats.txt", "password1234\nPASSWORD1234\nfresh-entry-2026\n");
  BreachedPasswords list;
  const std::size_t built_in = list.AddBuiltIn();
  ASSERT_TRUE(list.LoadFile(path));
  EXPECT_EQ(list.size(), built_in + 1);
  list.Add("Fresh-Entry-2026");
  list.Add("Another-One-2026");
  EXPECT_EQ(list.size(), built_in + 2);
  EXPECT_TRUE(list.Contains("another-one-2026"));
}

TEST(BreachedPasswords, NamesAMissingFile) {
  BreachedPasswords list;
  const auto path = std::filesystem::path(::testing::TempDir()) / "no-such-list.txt";
  const auto loaded = list.LoadFile(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "passwordListUnreadable");
  EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos)
      << loaded.error().message;
  EXPECT_FALSE(list.LoadFile(::testing::TempDir()));  // a directory
}

TEST(BreachedPasswords, NamesTheFileAndLineThatIsNotUtf8) {
  const auto path = WriteFile("big5.txt", "fine-password\n\xB1\x4B\xBD\x58\n");  // 密碼 in Big5
  BreachedPasswords list;
  const auto loaded = list.LoadFile(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "passwordListInvalid");
  EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos);
  EXPECT_NE(loaded.error().message.find("line 2"), std::string::npos) << loaded.error().message;
  EXPECT_EQ(list.size(), 0u);  // nothing of a bad file is kept
}

TEST(PasswordRule, FoundationRuleKeepsItsCodes) {
  EXPECT_EQ(CheckPasswordRule("short", "a@b.tw"), "passwordTooShort");
  EXPECT_EQ(CheckPasswordRule(Repeat("x", 129), "a@b.tw"), "passwordTooLong");
  EXPECT_EQ(CheckPasswordRule("xxOfficerXX-2026", kEmail), "passwordContainsAccountName");
  EXPECT_EQ(CheckPasswordRule("password1234", kEmail), "");  // no breach list there
}

}  // namespace
}  // namespace sg::auth
