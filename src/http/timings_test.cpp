#include "http/timings.hpp"

#include <gtest/gtest.h>

namespace sg::http {
namespace {

TEST(LatencyHistogram, CountsEachDurationInTheFirstBucketThatHoldsIt) {
  LatencyHistogram histogram;
  histogram.Record(0.0001);  // <= 0.5 ms
  histogram.Record(0.0005);  // exactly on a bound: that bucket
  histogram.Record(0.003);   // <= 5 ms
  histogram.Record(60.0);    // past every bound: +Inf
  EXPECT_EQ(histogram.BucketCount(0), 2u);
  EXPECT_EQ(histogram.BucketCount(3), 1u);
  EXPECT_EQ(histogram.BucketCount(LatencyHistogram::kBounds.size()), 1u);
}

TEST(LatencyHistogram, PrintsCumulativeBucketsSumAndCountInPrometheusFormat) {
  LatencyHistogram histogram;
  histogram.Record(0.004);
  histogram.Record(0.3);
  std::string out;
  histogram.AppendPrometheus(out, "x_seconds", "Help text.");
  EXPECT_NE(out.find("# TYPE x_seconds histogram\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"0.002\"} 0\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"0.5\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_sum 0.304000\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_count 2\n"), std::string::npos);
}

}  // namespace
}  // namespace sg::http
