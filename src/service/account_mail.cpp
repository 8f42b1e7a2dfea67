#include "service/account_mail.hpp"

#include <fmt/format.h>

namespace sg::service {
namespace {

/// `2026-11-24 16:00`, in Taiwan (UTC+8), where the platform's users work.
std::string TaiwanTime(std::chrono::system_clock::time_point time) {
  const auto local = std::chrono::floor<std::chrono::minutes>(time + std::chrono::hours(8));
  const auto days = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day date(days);
  const std::chrono::hh_mm_ss clock(local - days);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count());
}

struct Texts {
  std::string_view subject;
  std::string_view intro_zh;
  std::string_view intro_en;
  std::string_view after_zh;  // what using the link does
  std::string_view after_en;
  std::string_view ignore_zh;  // when the e-mail was not expected
  std::string_view ignore_en;
};

Texts TextsOf(LinkMail kind) {
  switch (kind) {
    case LinkMail::kInvitation:
      return {"SupplyGuard 帳號邀請 / Account invitation",
              "管理者已為您建立 SupplyGuard 受託者資安管理平台的帳號 {email}。",
              "An administrator has created a SupplyGuard account for {email}.",
              "請開啟下列連結設定密碼，之後即可登入。",
              "Open the link below to set your password; then sign in.",
              "若您未預期此邀請，請忽略本信並告知您的管理者。",
              "If you did not expect this invitation, ignore this e-mail and tell your "
              "administrator."};
    case LinkMail::kNewLink:
      return {"SupplyGuard 密碼設定連結 / Set your password",
              "管理者已為您的 SupplyGuard 帳號 {email} 產生新的密碼設定連結。",
              "An administrator has made a new set-password link for your SupplyGuard account "
              "{email}.",
              "請開啟下列連結設定新密碼；先前的連結均已失效。",
              "Open the link below to set a new password; earlier links no longer work.",
              "若您未預期此信，請告知您的管理者。",
              "If you did not expect this e-mail, tell your administrator."};
    case LinkMail::kReset:
      break;
  }
  return {"SupplyGuard 重設密碼 / Password reset",
          "我們收到重設 SupplyGuard 帳號 {email} 密碼的申請。",
          "Someone asked to reset the password of the SupplyGuard account {email}.",
          "請開啟下列連結設定新密碼；設定後，您所有的登入階段都會結束。",
          "Open the link below to set a new password; all your sessions then end.",
          "若這不是您本人的申請，請忽略本信，您的密碼不會變更。",
          "If you did not ask for this, ignore this e-mail: your password stays as it is."};
}

}  // namespace

Result<std::string> NormalisePublicUrl(std::string_view url) {
  std::string normalised(url);
  while (normalised.ends_with('/')) normalised.pop_back();
  const bool http = normalised.starts_with("http://") || normalised.starts_with("https://");
  const auto host_at = normalised.find("://") + 3;
  const bool has_host = http && host_at < normalised.size() && normalised[host_at] != '/';
  bool clean = true;
  for (const unsigned char character : normalised) {
    if (character <= 0x20 || character >= 0x7f || character == '#' || character == '?' ||
        character == '"' || character == '<' || character == '>' || character == '\\') {
      clean = false;
    }
  }
  if (!http || !has_host || !clean) {
    return Fail(Error::BadRequest(
        "The public URL must be http(s)://host[:port][/path], without query, fragment or spaces."));
  }
  return normalised;
}

mail::Message LinkMessage(LinkMail kind, std::string_view email, std::string_view link,
                          std::chrono::system_clock::time_point expires) {
  const Texts texts = TextsOf(kind);
  const std::string until = TaiwanTime(expires);
  mail::Message message;
  message.to = {std::string(email)};
  message.subject = std::string(texts.subject);
  message.body = fmt::format(
      "您好：\n"
      "\n"
      "{intro_zh}\n"
      "{after_zh}此連結只能使用一次，並於 {until}（臺灣時間）失效：\n"
      "\n"
      "{link}\n"
      "\n"
      "{ignore_zh}\n"
      "\n"
      "----\n"
      "\n"
      "Hello,\n"
      "\n"
      "{intro_en}\n"
      "{after_en} The link works once and expires at {until} Taiwan time (UTC+8):\n"
      "\n"
      "{link}\n"
      "\n"
      "{ignore_en}\n"
      "\n"
      "-- \n"
      "SupplyGuard 受託者資安管理平台（系統自動寄送，請勿回覆 / sent automatically, do not "
      "reply）\n",
      fmt::arg("intro_zh", fmt::format(fmt::runtime(texts.intro_zh), fmt::arg("email", email))),
      fmt::arg("intro_en", fmt::format(fmt::runtime(texts.intro_en), fmt::arg("email", email))),
      fmt::arg("after_zh", texts.after_zh), fmt::arg("after_en", texts.after_en),
      fmt::arg("ignore_zh", texts.ignore_zh), fmt::arg("ignore_en", texts.ignore_en),
      fmt::arg("until", until), fmt::arg("link", link));
  return message;
}

}  // namespace sg::service
