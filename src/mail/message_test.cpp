#include "mail/message.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

namespace sg::mail {
namespace {

using namespace std::chrono_literals;

std::string DecodeBase64(std::string_view encoded) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string decoded;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char character : encoded) {
    if (character == '=') break;
    const auto value = kAlphabet.find(character);
    if (value == std::string_view::npos) continue;  // line breaks
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return decoded;
}

/// The text of a header value made of encoded-words (what a mail reader shows).
std::string DecodeHeader(std::string_view value) {
  std::string decoded;
  std::size_t at = 0;
  while ((at = value.find("=?UTF-8?B?", at)) != std::string_view::npos) {
    const auto start = at + 10;
    const auto end = value.find("?=", start);
    decoded += DecodeBase64(value.substr(start, end - start));
    at = end + 2;
  }
  return decoded;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find("\r\n", at);
    lines.push_back(text.substr(at, end - at));
    if (end == std::string::npos) break;
    at = end + 2;
  }
  return lines;
}

TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("\xff\xfe"), "//4=");
}

TEST(HeaderEncoding, LeavesPlainAsciiReadable) {
  EXPECT_EQ(EncodeHeaderText("Account invitation"), "Account invitation");
}

TEST(HeaderEncoding, EncodesChineseAsUtf8EncodedWords) {
  const std::string subject = "SupplyGuard 帳號邀請 / Account invitation";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_TRUE(encoded.starts_with("=?UTF-8?B?")) << encoded;
  EXPECT_EQ(DecodeHeader(encoded), subject);
}

TEST(HeaderEncoding, KeepsEachWordWithin75CharactersAndNeverSplitsACharacter) {
  std::string subject;
  for (int repeat = 0; repeat < 20; ++repeat) subject += "資通安全管理法 a";
  const std::string encoded = EncodeHeaderText(subject);
  std::istringstream words(encoded);
  std::string word;
  int count = 0;
  while (words >> word) {
    ++count;
    EXPECT_LE(word.size(), 75u) << word;
    ASSERT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    // Each word decodes on its own to whole characters (a reader may decode them separately).
    const std::string part = DecodeBase64(word.substr(10, word.size() - 12));
    const auto last = static_cast<unsigned char>(part.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xc0) == 0x80) << word;
    EXPECT_NE(static_cast<unsigned char>(part.front()) & 0xc0, 0x80) << word;
  }
  EXPECT_GT(count, 1);
  EXPECT_EQ(DecodeHeader(encoded), subject);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos);  // folded between words
}

TEST(HeaderEncoding, TurnsLineBreaksIntoSpacesSoNoHeaderCanBeInjected) {
  const std::string encoded = EncodeHeaderText("Hello\r\nBcc: victim@example.com");
  EXPECT_EQ(encoded, "Hello  Bcc: victim@example.com");
  const std::string chinese = EncodeHeaderText("密碼\r\nBcc: victim@example.com");
  EXPECT_EQ(chinese.find("\r\nBcc"), std::string::npos);
  EXPECT_EQ(DecodeHeader(chinese), "密碼  Bcc: victim@example.com");
}

TEST(HeaderEncoding, EncodesAsciiThatLooksLikeAnEncodedWord) {
  const std::string encoded = EncodeHeaderText("=?UTF-8?B?x?=");
  EXPECT_EQ(DecodeHeader(encoded), "=?UTF-8?B?x?=");
}

TEST(Addresses, AcceptOnlyOnePlainAddress) {
  EXPECT_TRUE(IsPlainAddress("ciso@agency.gov.tw"));
  EXPECT_TRUE(IsPlainAddress("first.last+tag@example.com"));
  for (const char* bad :
       {"", "no-at", "@example.com", "a@", "a@@b", "a b@example.com",
        "a@example.com\r\nRCPT TO:<x@y>", "a@example.com,b@example.com", "<a@example.com>",
        "a@example..com", "\"a\"@example.com", "使用者@example.com"}) {
    EXPECT_FALSE(IsPlainAddress(bad)) << bad;
  }
}

TEST(Senders, ParseAnAddressWithOrWithoutAName) {
  auto bare = ParseSender("noreply@supplyguard.example");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->address, "noreply@supplyguard.example");
  EXPECT_EQ(bare->display_name, "");
  auto named = ParseSender("\"SupplyGuard 平台\" <noreply@supplyguard.example>");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->display_name, "SupplyGuard 平台");
  EXPECT_EQ(named->address, "noreply@supplyguard.example");
  EXPECT_FALSE(ParseSender("SupplyGuard <noreply@x.example"));
  EXPECT_FALSE(ParseSender("Evil\r\nBcc: x <noreply@x.example>"));
  EXPECT_FALSE(ParseSender("not an address"));
}

TEST(Dates, AreRfc5322InUtc) {
  using namespace std::chrono;
  const auto time = sys_days(year(2026) / November / 21) + 8h + 5min + 9s + 500ms;
  EXPECT_EQ(FormatDate(time), "Sat, 21 Nov 2026 08:05:09 +0000");
}

TEST(MessageIds, AreUniqueAndCarryTheDomain) {
  const std::string first = NewMessageId("supplyguard.example");
  EXPECT_TRUE(first.starts_with("<") && first.ends_with("@supplyguard.example>")) << first;
  EXPECT_NE(first, NewMessageId("supplyguard.example"));
}

TEST(Compose, WritesMimeHeadersAndABase64Utf8Body) {
  Message message;
  message.to = {"ciso@agency.gov.tw", "officer@agency.gov.tw"};
  message.subject = "SupplyGuard 重設密碼 / Password reset";
  message.body = "您好：\n請開啟連結 https://supplyguard.example/#/password-reset/abc\n\nHello\n";
  Sender sender{"SupplyGuard 平台", "noreply@supplyguard.example"};
  const auto date = std::chrono::sys_days(std::chrono::year(2026) / 3 / 3);
  const std::string composed = Compose(message, sender, "<id-1@supplyguard.example>", date);
  const auto split = composed.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string head = composed.substr(0, split + 2);
  EXPECT_NE(head.find("\r\nTo: ciso@agency.gov.tw,\r\n officer@agency.gov.tw\r\n"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("\r\nDate: Tue, 03 Mar 2026 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nMessage-ID: <id-1@supplyguard.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Transfer-Encoding: base64\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_TRUE(head.starts_with("From: =?UTF-8?B?")) << head;
  EXPECT_NE(head.find(" <noreply@supplyguard.example>\r\n"), std::string::npos);
  const auto subject_at = head.find("\r\nSubject: ");
  ASSERT_NE(subject_at, std::string::npos);
  const auto subject_end = head.find("\r\nDate:");
  EXPECT_EQ(DecodeHeader(head.substr(subject_at, subject_end - subject_at)), message.subject);
  for (const std::string& line : Lines(composed)) {
    EXPECT_LE(line.size(), 78u) << line;
    for (const unsigned char character : line) EXPECT_LT(character, 0x80) << line;
  }
  const std::string body = DecodeBase64(composed.substr(split + 4));
  EXPECT_EQ(
      body,
      "您好：\r\n請開啟連結 https://supplyguard.example/#/password-reset/abc\r\n\r\nHello\r\n");
}

}  // namespace
}  // namespace sg::mail
