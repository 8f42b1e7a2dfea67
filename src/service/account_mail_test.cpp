#include "service/account_mail.hpp"

#include <gtest/gtest.h>

namespace sg::service {
namespace {

TEST(PublicUrl, IsAnHttpOrHttpsAddressWithoutATrailingSlash) {
  EXPECT_EQ(NormalisePublicUrl("https://supplyguard.example.gov.tw/").value(),
            "https://supplyguard.example.gov.tw");
  EXPECT_EQ(NormalisePublicUrl("http://10.0.0.5:8080/sg").value(), "http://10.0.0.5:8080/sg");
  for (const char* bad : {"", "supplyguard.example", "ftp://x.example", "https://", "https:///x",
                          "https://x.example/#/", "https://x.example/?a=1", "https://x .example",
                          "https://x.example\r\nBcc: y"}) {
    EXPECT_FALSE(NormalisePublicUrl(bad)) << bad;
  }
}

TEST(LinkMessages, PutTheLinkAndTheAccountInZhTwFirstThenEnglish) {
  const auto expires =
      std::chrono::sys_days(std::chrono::year(2026) / 11 / 21) + std::chrono::hours(8);
  const auto message = LinkMessage(LinkMail::kReset, "ciso@agency.gov.tw",
                                   "https://sg.example/#/password-reset/abc", expires);
  ASSERT_EQ(message.to, std::vector<std::string>{"ciso@agency.gov.tw"});
  EXPECT_EQ(message.subject, "SupplyGuard 重設密碼 / Password reset");
  const auto chinese = message.body.find("我們收到重設");
  const auto english = message.body.find("Someone asked to reset");
  ASSERT_NE(chinese, std::string::npos);
  ASSERT_NE(english, std::string::npos);
  EXPECT_LT(chinese, english);
  EXPECT_NE(message.body.find("ciso@agency.gov.tw"), std::string::npos);
  EXPECT_NE(message.body.find("https://sg.example/#/password-reset/abc\n"), std::string::npos);
  EXPECT_NE(message.body.find("2026-11-21 16:00"), std::string::npos);  // Taiwan time
  EXPECT_EQ(LinkMessage(LinkMail::kInvitation, "a@b.example", "x", expires).subject,
            "SupplyGuard 帳號邀請 / Account invitation");
}

}  // namespace
}  // namespace sg::service
