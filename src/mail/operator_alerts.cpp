#include "mail/operator_alerts.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sg::mail {
namespace {

std::string JsonString(std::string_view text) {
  return boost::json::serialize(boost::json::value(text));
}

}  // namespace

OperatorAlerts::OperatorAlerts(Outbox* outbox, std::vector<std::string> recipients,
                               std::string instance, std::chrono::seconds min_interval)
    : outbox_(outbox),
      recipients_(std::move(recipients)),
      instance_(std::move(instance)),
      min_interval_(min_interval) {}

void OperatorAlerts::Raise(const Alert& alert) {
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t unmailed = 0;
  bool mail = false;
  {
    std::lock_guard lock(mutex_);
    Throttle& throttle = throttles_[alert.event];
    if (outbox_ && !recipients_.empty() &&
        (!throttle.mailed || now - throttle.last_mailed >= min_interval_)) {
      mail = true;
      unmailed = throttle.unmailed;
      throttle.mailed = true;
      throttle.last_mailed = now;
      throttle.unmailed = 0;
    } else {
      ++throttle.unmailed;
    }
  }
  spdlog::critical(R"("event":{},"error_class":{},"alert_mailed":{})", JsonString(alert.event),
                   JsonString(alert.error_class), mail);
  if (!mail) return;
  const std::string at =
      fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                  std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  const std::string where = instance_.empty() ? std::string("SupplyGuard") : instance_;
  Message message;
  message.to = recipients_;
  message.subject = fmt::format("[SupplyGuard] {} / {}", alert.summary_zh, alert.summary_en);
  message.body = fmt::format(
      "SupplyGuard 警示：{zh}\n"
      "\n"
      "平台：{where}\n"
      "事件：{event}\n"
      "錯誤類別：{error}\n"
      "時間（UTC）：{at}\n"
      "{more_zh}"
      "\n"
      "{advice_zh}請檢查資料庫與伺服器日誌（搜尋 \"event\":\"{event}\"）。"
      "同一事件 {minutes} 分鐘內最多通知一次。\n"
      "\n"
      "----\n"
      "\n"
      "SupplyGuard alert: {en}\n"
      "\n"
      "Platform: {where}\n"
      "Event: {event}\n"
      "Error class: {error}\n"
      "Time (UTC): {at}\n"
      "{more_en}"
      "\n"
      "{advice_en}Check the database and the server's log (search for \"event\":\"{event}\"). "
      "This notice is sent at most once per {minutes} minutes for the same event.\n",
      fmt::arg("zh", alert.summary_zh), fmt::arg("en", alert.summary_en), fmt::arg("where", where),
      fmt::arg("advice_zh", alert.advice_zh), fmt::arg("advice_en", alert.advice_en),
      fmt::arg("event", alert.event), fmt::arg("error", alert.error_class), fmt::arg("at", at),
      fmt::arg("minutes", std::chrono::duration_cast<std::chrono::minutes>(min_interval_).count()),
      fmt::arg("more_zh", unmailed ? fmt::format("前次通知後另發生 {} 次。\n", unmailed) : ""),
      fmt::arg(
          "more_en",
          unmailed ? fmt::format("{} more occurrences since the last notice.\n", unmailed) : ""));
  if (!outbox_->Enqueue(std::move(message))) {
    spdlog::error(R"("event":"alert_mail_not_queued","alert":{})", JsonString(alert.event));
  }
}

}  // namespace sg::mail
