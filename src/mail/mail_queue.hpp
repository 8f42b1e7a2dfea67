#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "mail/mailer.hpp"
#include "mail/message.hpp"

namespace sg::mail {

/// Where the services hand their e-mails: they never wait for an SMTP server.
class Outbox {
 public:
  virtual ~Outbox() = default;
  /// Takes the message for delivery; false when it cannot (queue full or stopped).
  virtual bool Enqueue(Message message) = 0;
};

struct MailQueueOptions {
  std::size_t capacity = 1000;  // messages waiting; more are refused (and logged)
  /// The waits before each further attempt after a failure; its size + 1 attempts in all.
  std::vector<std::chrono::seconds> retry_delays = {
      std::chrono::seconds(30), std::chrono::seconds(120), std::chrono::seconds(600)};
};

/// A bounded queue with one background thread that sends through a Mailer, retrying failures
/// after the configured delays. Each attempt is bounded by the Mailer's own timeout, so a slow or
/// absent SMTP server delays only this thread, never a request. Every outcome is logged as one
/// JSON line (`mail_sent`, `mail_failed`, `mail_dropped`) without addresses or content.
class MailQueue final : public Outbox {
 public:
  struct Counts {
    std::uint64_t sent = 0;
    std::uint64_t failed = 0;   // given up after the last attempt
    std::uint64_t dropped = 0;  // refused (full) or left unsent at Stop
  };

  explicit MailQueue(Mailer& mailer, MailQueueOptions options = {});
  ~MailQueue() override;
  MailQueue(const MailQueue&) = delete;
  MailQueue& operator=(const MailQueue&) = delete;

  bool Enqueue(Message message) override;
  /// Stops taking messages and gives the queued ones until `grace` to go out (retries whose time
  /// falls after it are dropped); then joins the thread. Idempotent.
  void Stop(std::chrono::milliseconds grace);
  Counts counts() const;

 private:
  struct Item {
    Message message;
    std::size_t attempts = 0;
    std::chrono::steady_clock::time_point due;
  };
  void Run();

  Mailer& mailer_;
  MailQueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> items_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point deadline_;
  Counts counts_;
  std::thread worker_;
};

}  // namespace sg::mail
