// The pure webhook rules: retry classification, the 24-hour budget, Retry-After, event matching
// and subscription validation.
#include <gtest/gtest.h>

#include "cc/services/webhook_policy.hpp"

namespace cc::services {
namespace {

using namespace std::chrono_literals;
using Kind = WebhookVerdict::Kind;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

WebhookResponse answer(unsigned status, std::optional<std::string> retry_after = std::nullopt) {
  WebhookResponse response;
  response.status = status;
  response.retry_after = std::move(retry_after);
  return response;
}

TEST(WebhookPolicy, TwoHundredsAreDelivered) {
  EXPECT_EQ(classify_webhook_response(answer(200), kNow).kind, Kind::delivered);
  EXPECT_EQ(classify_webhook_response(answer(204), kNow).kind, Kind::delivered);
}

TEST(WebhookPolicy, TimeoutsTooManyRequestsAndServerErrorsRetry) {
  WebhookResponse timeout;
  timeout.transport_error = "timeout";
  for (const auto& response : {timeout, answer(408), answer(429), answer(500), answer(503)}) {
    const auto verdict = classify_webhook_response(response, kNow);
    EXPECT_EQ(verdict.kind, Kind::retry) << response.status;
    EXPECT_TRUE(verdict.endpoint_failed);
  }
}

TEST(WebhookPolicy, OtherClientErrorsAndRedirectsAreNotRetried) {
  for (unsigned status : {301u, 400u, 401u, 404u, 410u, 422u}) {
    const auto verdict = classify_webhook_response(answer(status), kNow);
    EXPECT_EQ(verdict.kind, Kind::give_up) << status;
    EXPECT_FALSE(verdict.endpoint_failed);
  }
}

TEST(WebhookPolicy, RetryAfterIsHonouredInSecondsAndAsADate) {
  EXPECT_EQ(classify_webhook_response(answer(429, "120"), kNow).retry_after, 120000ms);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", kNow), 0ms);  // in the past
  EXPECT_EQ(parse_retry_after("Fri, 15 Jan 2027 08:00:30 GMT", kNow), 30000ms);
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
}

TEST(WebhookPolicy, RetriesBackOffExponentiallyAndUseRetryAfterWhenLonger) {
  WebhookOptions options;
  WebhookVerdict retry{Kind::retry, true, std::nullopt, "HTTP 500"};
  const auto first = next_webhook_step(options, retry, 1, kNow, kNow, 0.5);
  const auto third = next_webhook_step(options, retry, 3, kNow, kNow, 0.5);
  EXPECT_EQ(first.outcome, WebhookAttempt::Outcome::retry);
  EXPECT_EQ(first.retry_in, 1000ms);
  EXPECT_EQ(third.retry_in, 4000ms);
  retry.retry_after = 60000ms;
  EXPECT_EQ(next_webhook_step(options, retry, 1, kNow, kNow, 0.5).retry_in, 60000ms);
}

TEST(WebhookPolicy, GivesUpOnceTheTwentyFourHourBudgetIsSpent) {
  WebhookOptions options;
  const WebhookVerdict retry{Kind::retry, true, std::nullopt, "HTTP 503"};
  const auto early = next_webhook_step(options, retry, 5, kNow, kNow + 1h, 0.5);
  EXPECT_EQ(early.outcome, WebhookAttempt::Outcome::retry);
  const auto late = next_webhook_step(options, retry, 30, kNow, kNow + 23h + 59min + 59s, 0.5);
  EXPECT_EQ(late.outcome, WebhookAttempt::Outcome::failed);
  const WebhookVerdict refused{Kind::give_up, false, std::nullopt, "HTTP 400"};
  EXPECT_EQ(next_webhook_step(options, refused, 1, kNow, kNow, 0.5).outcome,
            WebhookAttempt::Outcome::failed);
}

WebhookSubscription subscription(std::vector<std::string> events, WebhookFilters filters = {}) {
  WebhookSubscription s;
  s.events = std::move(events);
  s.filters = std::move(filters);
  return s;
}

TEST(WebhookPolicy, MatchesByEventTypeAndWildcard) {
  const DomainEvent created{"message.created", {{"channel", "api"}}, "7"};
  EXPECT_TRUE(webhook_matches(subscription({"message.created"}), created));
  EXPECT_TRUE(webhook_matches(subscription({"*"}), created));
  EXPECT_FALSE(webhook_matches(subscription({"conversation.closed"}), created));
}

TEST(WebhookPolicy, FiltersNeedTheEventToCarryAMatchingAttribute) {
  const DomainEvent event{"conversation.assigned",
                          {{"conversation", {{"channel", "sms"}, {"queue", "vip"}, {"tags", {"complaint"}}}}},
                          "9"};
  EXPECT_TRUE(webhook_matches(subscription({"*"}, {.channel = "sms"}), event));
  EXPECT_FALSE(webhook_matches(subscription({"*"}, {.channel = "wechat"}), event));
  EXPECT_TRUE(webhook_matches(subscription({"*"}, {.queue = "vip"}), event));
  EXPECT_TRUE(webhook_matches(subscription({"*"}, {.tag = "complaint"}), event));
  EXPECT_FALSE(webhook_matches(subscription({"*"}, {.tag = "lead"}), event));
  const DomainEvent bare{"message.status", {{"message_id", "1"}}, "9"};
  EXPECT_FALSE(webhook_matches(subscription({"*"}, {.channel = "sms"}), bare));
}

TEST(WebhookPolicy, SubscriptionsNeedAnHttpUrlAndKnownEvents) {
  EXPECT_FALSE(validate_webhook_url("https://crm.example.com/hooks"));
  EXPECT_FALSE(validate_webhook_url("http://127.0.0.1:8080/x"));
  EXPECT_TRUE(validate_webhook_url("ftp://example.com"));
  EXPECT_TRUE(validate_webhook_url("https://"));
  EXPECT_TRUE(validate_webhook_url("https://user@example.com/"));
  EXPECT_TRUE(validate_webhook_url("https://example.com/a b"));
  EXPECT_TRUE(validate_webhook_url("https://example.com/" + std::string(3000, 'a')));
  EXPECT_FALSE(validate_webhook_events({"message.created", "routing.lead"}));
  EXPECT_TRUE(validate_webhook_events({}));
  const auto unknown = validate_webhook_events({"message.created", "message.deleted"});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->field, "/events/1");
}

TEST(WebhookPolicy, PayloadIsTypeTimestampAndData) {
  const DomainEvent event{"message.created", {{"id", "5"}}, "1"};
  const auto body = nlohmann::json::parse(webhook_payload(event, kNow));
  EXPECT_EQ(body["type"], "message.created");
  EXPECT_EQ(body["data"]["id"], "5");
  EXPECT_EQ(body["timestamp"], "2027-01-15T08:00:00.000Z");
}

}  // namespace
}  // namespace cc::services
