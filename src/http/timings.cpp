#include "http/timings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg::http {

void LatencyHistogram::Record(double seconds) {
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);
  buckets_[static_cast<std::size_t>(bucket - kBounds.begin())].fetch_add(1,
                                                                         std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e6),
                        std::memory_order_relaxed);
}

void LatencyHistogram::AppendPrometheus(std::string& out, std::string_view name,
                                        std::string_view help) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  std::uint64_t cumulative = 0;
  for (std::size_t index = 0; index < kBounds.size(); ++index) {
    cumulative += buckets_[index].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, kBounds[index], cumulative);
  }
  cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  out += fmt::format("{}_sum {:.6f}\n", name,
                     static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format("{}_count {}\n", name, count_.load(std::memory_order_relaxed));
}

void ServerTimings::AppendPrometheus(std::string& out) const {
  queue.AppendPrometheus(out, "supplyguard_http_queue_wait_seconds",
                         "Time a parsed request waited for a worker thread.");
  handler.AppendPrometheus(out, "supplyguard_http_handler_seconds",
                           "Time a request's handler ran on its worker thread.");
  total.AppendPrometheus(out, "supplyguard_http_request_duration_seconds",
                         "Time from a request parsed to its answer written.");
}

}  // namespace sg::http
