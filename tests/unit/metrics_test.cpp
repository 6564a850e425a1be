#include <gtest/gtest.h>

#include "cc/metrics/registry.hpp"

namespace cc::metrics {
namespace {

TEST(Metrics, RendersCountersWithHelpAndType) {
  Registry registry;
  registry.counter("cc_x_total", "Things", "route=\"/a\"").inc(3);
  registry.counter("cc_x_total", "Things", "route=\"/a\"").inc();
  const auto text = registry.render();
  EXPECT_NE(text.find("# HELP cc_x_total Things\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE cc_x_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("cc_x_total{route=\"/a\"} 4\n"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& histogram = registry.histogram("cc_latency_seconds", "Latency");
  histogram.observe(0.0002);
  histogram.observe(0.003);
  histogram.observe(20.0);
  const auto text = registry.render();
  EXPECT_NE(text.find("cc_latency_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cc_latency_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("cc_latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("cc_latency_seconds_count 3\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace cc::metrics
