#include "mail/mail_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sg::mail {
namespace {

std::string JsonString(std::string_view text) {
  return boost::json::serialize(boost::json::value(text));
}

}  // namespace

MailQueue::MailQueue(Mailer& mailer, MailQueueOptions options)
    : mailer_(mailer), options_(std::move(options)), worker_([this] { Run(); }) {}

MailQueue::~MailQueue() { Stop(std::chrono::milliseconds(0)); }

bool MailQueue::Enqueue(Message message) {
  std::lock_guard lock(mutex_);
  if (stopping_ || items_.size() >= options_.capacity) {
    ++counts_.dropped;
    spdlog::warn(R"("event":"mail_dropped","reason":"{}")", stopping_ ? "stopping" : "queueFull");
    return false;
  }
  items_.push_back(Item{std::move(message), 0, std::chrono::steady_clock::now()});
  wake_.notify_all();
  return true;
}

void MailQueue::Stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ = std::chrono::steady_clock::now() + grace;
    }
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

MailQueue::Counts MailQueue::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void MailQueue::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (items_.empty()) {
      if (stopping_) break;
      wake_.wait(lock);
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    if (stopping_ && now >= deadline_) {
      counts_.dropped += items_.size();
      spdlog::warn(R"("event":"mail_dropped","reason":"shutdown","messages":{})", items_.size());
      items_.clear();
      break;
    }
    const auto next = std::min_element(items_.begin(), items_.end(),
                                       [](const Item& a, const Item& b) { return a.due < b.due; });
    if (next->due > now) {
      wake_.wait_until(lock, stopping_ ? std::min(next->due, deadline_) : next->due);
      continue;
    }
    Item item = std::move(*next);
    items_.erase(next);
    ++item.attempts;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    auto sent = mailer_.Send(item.message);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    lock.lock();
    if (sent) {
      ++counts_.sent;
      spdlog::info(R"("event":"mail_sent","recipients":{},"attempt":{},"ms":{})",
                   item.message.to.size(), item.attempts, took.count());
      continue;
    }
    const bool final = item.attempts > options_.retry_delays.size();
    spdlog::warn(
        R"("event":"mail_failed","recipients":{},"attempt":{},"final":{},"error":{})",
        item.message.to.size(), item.attempts, final,
        JsonString(sent.error().detail.empty() ? sent.error().message : sent.error().detail));
    if (final) {
      ++counts_.failed;
      continue;
    }
    item.due = std::chrono::steady_clock::now() + options_.retry_delays[item.attempts - 1];
    items_.push_back(std::move(item));
  }
}

}  // namespace sg::mail
