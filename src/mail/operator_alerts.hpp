#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "mail/mail_queue.hpp"

namespace sg::mail {

/// One problem the operator must hear about at once (附表十: notice when log processing fails).
struct Alert {
  std::string event;       // e.g. audit_log_write_failed; also the log line's event
  std::string summary_zh;  // one line, zh-TW
  std::string summary_en;  // the same in English
  std::string advice_zh;   // what it means and what to do, zh-TW
  std::string advice_en;
  std::string error_class;  // the error's code, e.g. internal, unavailable; never its detail
};

/// Logs every alert as a critical JSON line and e-mails the operator's addresses (when there are
/// any and an outbox) at most once per `min_interval` for each event; the next e-mail says how
/// many occurrences were not mailed in between. Thread-safe.
class OperatorAlerts {
 public:
  OperatorAlerts(Outbox* outbox, std::vector<std::string> recipients, std::string instance,
                 std::chrono::seconds min_interval = std::chrono::minutes(10));

  void Raise(const Alert& alert);

 private:
  struct Throttle {
    std::chrono::steady_clock::time_point last_mailed;
    bool mailed = false;
    std::uint64_t unmailed = 0;  // occurrences since the last e-mail
  };

  Outbox* outbox_;
  std::vector<std::string> recipients_;
  std::string instance_;  // which installation (the public URL), for the e-mail
  std::chrono::seconds min_interval_;
  std::mutex mutex_;
  std::map<std::string, Throttle> throttles_;
};

}  // namespace sg::mail
