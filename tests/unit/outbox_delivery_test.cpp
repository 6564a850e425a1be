// The pure parts of outbound delivery: the circuit breaker, the wave plan that keeps each
// conversation's replies in order, and failover rules read from a channel account's config.
#include <gtest/gtest.h>

#include "cc/domain/circuit_breaker.hpp"
#include "cc/services/failover_rule.hpp"
#include "cc/services/outbox_dispatcher.hpp"

namespace {

using cc::domain::CircuitBreaker;
using cc::domain::CircuitState;
using namespace std::chrono_literals;

CircuitBreaker::Clock::time_point at(std::chrono::milliseconds offset) {
  return CircuitBreaker::Clock::time_point{} + 1h + offset;
}

TEST(CircuitBreaker, StaysClosedBelowTheMinimumNumberOfCalls) {
  CircuitBreaker breaker;
  for (int i = 0; i < 19; ++i) breaker.record_failure(at(i * 10ms));
  EXPECT_EQ(breaker.state(at(200ms)), CircuitState::closed);
  EXPECT_TRUE(breaker.allow(at(200ms)));
}

TEST(CircuitBreaker, OpensAtThirtyPercentOfTwentyCalls) {
  CircuitBreaker breaker;
  for (int i = 0; i < 14; ++i) breaker.record_success(at(i * 10ms));
  for (int i = 0; i < 5; ++i) breaker.record_failure(at(200ms + i * 10ms));
  EXPECT_EQ(breaker.state(at(300ms)), CircuitState::closed);  // 5 of 19
  breaker.record_failure(at(310ms));                          // 6 of 20 = 30 %
  EXPECT_EQ(breaker.state(at(320ms)), CircuitState::open);
  EXPECT_FALSE(breaker.allow(at(320ms)));
  EXPECT_EQ(breaker.times_opened(), 1);
}

TEST(CircuitBreaker, FailuresOutsideTheWindowAreForgotten) {
  CircuitBreaker breaker;
  for (int i = 0; i < 10; ++i) breaker.record_failure(at(i * 1ms));
  // A minute later the old failures have left the window: 10 fresh successes keep it closed.
  for (int i = 0; i < 10; ++i) breaker.record_success(at(61s + i * 1ms));
  EXPECT_EQ(breaker.failures_in_window(at(61s + 20ms)), 0);
  EXPECT_EQ(breaker.calls_in_window(at(61s + 20ms)), 10);
  EXPECT_EQ(breaker.state(at(61s + 20ms)), CircuitState::closed);
}

TEST(CircuitBreaker, HalfOpensAfterTheOpenPeriodAndLetsOneProbeThrough) {
  CircuitBreaker breaker;
  for (int i = 0; i < 20; ++i) breaker.record_failure(at(i * 1ms));
  ASSERT_EQ(breaker.state(at(29s)), CircuitState::open);
  EXPECT_EQ(breaker.state(at(31s)), CircuitState::half_open);
  EXPECT_TRUE(breaker.allow(at(31s)));
  EXPECT_FALSE(breaker.allow(at(31s)));  // one probe at a time
  breaker.record_success(at(32s));
  EXPECT_EQ(breaker.state(at(32s)), CircuitState::closed);
  EXPECT_TRUE(breaker.allow(at(32s)));
}

TEST(CircuitBreaker, AFailedProbeOpensItForAnotherPeriod) {
  CircuitBreaker breaker;
  for (int i = 0; i < 20; ++i) breaker.record_failure(at(i * 1ms));
  ASSERT_TRUE(breaker.allow(at(31s)));
  breaker.record_failure(at(31s));
  EXPECT_EQ(breaker.state(at(50s)), CircuitState::open);
  EXPECT_EQ(breaker.state(at(62s)), CircuitState::half_open);
  EXPECT_EQ(breaker.times_opened(), 2);
}

cc::services::OutboxItem item(cc::domain::Id id, cc::domain::Id conversation) {
  cc::services::OutboxItem row;
  row.id = id;
  row.conversation_id = conversation;
  return row;
}

std::vector<std::vector<cc::domain::Id>> ids_of(
    const std::vector<std::vector<cc::services::OutboxItem>>& waves) {
  std::vector<std::vector<cc::domain::Id>> out;
  for (const auto& wave : waves) {
    out.emplace_back();
    for (const auto& row : wave) out.back().push_back(row.id);
  }
  return out;
}

TEST(OutboxWaves, OneRowPerConversationPerWaveInOrder) {
  auto waves = cc::services::plan_waves(
      {item(1, 10), item(2, 10), item(3, 20), item(4, 10), item(5, 30)}, 32);
  using Waves = std::vector<std::vector<cc::domain::Id>>;
  EXPECT_EQ(ids_of(waves), (Waves{{1, 3, 5}, {2}, {4}}));
}

TEST(OutboxWaves, ParallelismCapsAWaveWithoutReordering) {
  auto waves = cc::services::plan_waves({item(1, 1), item(2, 2), item(3, 3), item(4, 1)}, 2);
  using Waves = std::vector<std::vector<cc::domain::Id>>;
  // Row 3 waits for room; row 4 follows its conversation's row 1 in a later wave.
  EXPECT_EQ(ids_of(waves), (Waves{{1, 2}, {3, 4}}));
}

TEST(FailoverRule, ReadsTargetAndReasons) {
  auto rule = cc::services::failover_rule_from(nlohmann::json::parse(
      R"({"app_id":"x","failover":{"channel_account_id":"7","on":["circuit_open","window_closed"]}})"));
  ASSERT_TRUE(rule);
  ASSERT_TRUE(rule->has_value());
  EXPECT_EQ((*rule)->target_account, 7);
  EXPECT_TRUE((*rule)->applies_to("window_closed"));
  EXPECT_FALSE((*rule)->applies_to("opted_out"));
}

TEST(FailoverRule, DefaultsToEveryReason) {
  auto rule = cc::services::failover_rule_from_text(R"({"failover":{"channel_account_id":3}})");
  ASSERT_TRUE(rule);
  for (const char* reason : {"circuit_open", "window_closed", "opted_out", "dead_letter"}) {
    EXPECT_TRUE(rule->applies_to(reason)) << reason;
  }
}

TEST(FailoverRule, RefusesMalformedRules) {
  for (const char* config : {R"({"failover":"sms"})", R"({"failover":{"channel_account_id":"x1"}})",
                             R"({"failover":{"channel_account_id":"2","on":["whenever"]}})",
                             R"({"failover":{"channel_account_id":"2","on":"circuit_open"}})"}) {
    auto rule = cc::services::failover_rule_from(nlohmann::json::parse(config));
    EXPECT_FALSE(rule) << config;
  }
  auto none = cc::services::failover_rule_from(nlohmann::json::parse(R"({"token":"t"})"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(FailoverRule, AddressesComeFromTheTargetChannelsIdentifier) {
  using cc::domain::Channel;
  EXPECT_EQ(cc::services::address_identifier_type(Channel::sms), "phone");
  EXPECT_EQ(cc::services::address_identifier_type(Channel::email), "email");
  EXPECT_FALSE(cc::services::address_identifier_type(Channel::voice));
  EXPECT_EQ(cc::services::address_from_identifier(Channel::wechat, "wxapp:oOPENID"), "oOPENID");
  EXPECT_EQ(cc::services::address_from_identifier(Channel::sms, "+8613800000000"), "+8613800000000");
}

}  // namespace
