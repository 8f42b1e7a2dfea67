#include "mail/mail_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "mail/operator_alerts.hpp"

namespace sg::mail {
namespace {

using namespace std::chrono_literals;

/// A Mailer that fails its first `failures` calls and records what it was given.
class RecordingMailer final : public Mailer {
 public:
  explicit RecordingMailer(int failures) : failures_(failures) {}
  Result<void> Send(const Message& message) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    if (failures_ > 0) {
      --failures_;
      return Fail(Error::Unavailable("smtp: connection refused"));
    }
    sent_.push_back(message);
    return {};
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<Message> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  int failures_;
  int calls_ = 0;
  std::vector<Message> sent_;
};

Message Note(std::string subject) {
  return Message{{"ops@example.gov.tw"}, std::move(subject), "x"};
}

TEST(MailQueue, SendsInTheBackgroundAndRetriesFailures) {
  RecordingMailer mailer(2);
  MailQueue queue(mailer, {.capacity = 10, .retry_delays = {0s, 0s, 0s}});
  EXPECT_TRUE(queue.Enqueue(Note("one")));
  queue.Stop(5s);
  EXPECT_EQ(mailer.calls(), 3);
  EXPECT_EQ(queue.counts().sent, 1u);
  EXPECT_EQ(queue.counts().failed, 0u);
  EXPECT_FALSE(queue.Enqueue(Note("after stop")));
}

TEST(MailQueue, GivesUpAfterTheLastAttempt) {
  RecordingMailer mailer(100);
  MailQueue queue(mailer, {.capacity = 10, .retry_delays = {0s}});
  EXPECT_TRUE(queue.Enqueue(Note("one")));
  queue.Stop(5s);
  EXPECT_EQ(mailer.calls(), 2);
  EXPECT_EQ(queue.counts().failed, 1u);
}

TEST(MailQueue, DropsRetriesDueAfterTheShutdownGrace) {
  RecordingMailer mailer(1);
  MailQueue queue(mailer, {.capacity = 10, .retry_delays = {3600s}});
  EXPECT_TRUE(queue.Enqueue(Note("one")));
  const auto started = std::chrono::steady_clock::now();
  queue.Stop(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(queue.counts().dropped, 1u);
}

TEST(MailQueue, RefusesMessagesBeyondItsCapacity) {
  RecordingMailer mailer(0);
  MailQueue queue(mailer, {.capacity = 0, .retry_delays = {}});
  EXPECT_FALSE(queue.Enqueue(Note("one")));
  EXPECT_EQ(queue.counts().dropped, 1u);
}

TEST(OperatorAlerts, MailsAtMostOncePerIntervalForEachEvent) {
  RecordingMailer mailer(0);
  MailQueue queue(mailer, {.capacity = 10, .retry_delays = {}});
  OperatorAlerts alerts(&queue, {"ops@example.gov.tw"}, "https://supplyguard.example", 600s);
  const Alert write_failed{
      "audit_log_write_failed", "稽核紀錄寫入失敗", "Audit log write failed", "", "", "internal"};
  alerts.Raise(write_failed);
  alerts.Raise(write_failed);
  alerts.Raise(Alert{"audit_anchor_failed", "稽核紀錄錨定失敗", "Audit log anchoring failed", "",
                     "", "unavailable"});
  queue.Stop(5s);
  const auto sent = mailer.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].subject, "[SupplyGuard] 稽核紀錄寫入失敗 / Audit log write failed");
  EXPECT_NE(sent[0].body.find("internal"), std::string::npos);
  EXPECT_NE(sent[0].body.find("https://supplyguard.example"), std::string::npos);
  EXPECT_EQ(sent[1].subject, "[SupplyGuard] 稽核紀錄錨定失敗 / Audit log anchoring failed");
}

TEST(OperatorAlerts, WithoutAnOutboxOnlyLogs) {
  OperatorAlerts alerts(nullptr, {"ops@example.gov.tw"}, "", 600s);
  alerts.Raise(Alert{"audit_log_write_failed", "a", "b", "", "", "internal"});
  SUCCEED();
}

}  // namespace
}  // namespace sg::mail
