#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace sg::http {

/// A Prometheus histogram of durations with fixed buckets, recorded lock-free from any thread.
class LatencyHistogram {
 public:
  /// Upper bounds of the buckets, in seconds (the +Inf bucket is implicit).
  static constexpr std::array<double, 15> kBounds{
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0};

  void Record(double seconds);

  /// Appends the histogram in the Prometheus text format under `name`.
  void AppendPrometheus(std::string& out, std::string_view name, std::string_view help) const;

  /// The count in bucket `index` (kBounds.size() is +Inf), not cumulative.
  std::uint64_t BucketCount(std::size_t index) const { return buckets_[index].load(); }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Where a request's time goes inside the server, from the moment it is parsed: waiting for a
/// worker (queue), running its handler, and the whole until the answer is written. Told apart,
/// they show whether a slow answer is the database, the worker pool or the I/O threads.
struct ServerTimings {
  LatencyHistogram queue;
  LatencyHistogram handler;
  LatencyHistogram total;

  void AppendPrometheus(std::string& out) const;
};

}  // namespace sg::http
