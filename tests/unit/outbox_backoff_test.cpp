#include <gtest/gtest.h>

#include "cc/services/outbox_dispatcher.hpp"

namespace cc::services {
namespace {

TEST(Backoff, DoublesPerAttemptWithinJitter) {
  OutboxOptions options;
  EXPECT_EQ(backoff_delay(options, 1, 0.5).count(), 1000);
  EXPECT_EQ(backoff_delay(options, 2, 0.5).count(), 2000);
  EXPECT_EQ(backoff_delay(options, 4, 0.5).count(), 8000);
  EXPECT_EQ(backoff_delay(options, 1, 0.0).count(), 800);
  EXPECT_EQ(backoff_delay(options, 1, 1.0).count(), 1200);
}

TEST(Backoff, IsCappedAtTheMaximum) {
  OutboxOptions options;
  EXPECT_LE(backoff_delay(options, 30, 1.0).count(), options.max_backoff.count() * 12 / 10);
  EXPECT_GE(backoff_delay(options, 30, 0.0).count(), options.max_backoff.count() * 8 / 10);
}

}  // namespace
}  // namespace cc::services
