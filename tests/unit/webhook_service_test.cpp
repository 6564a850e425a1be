// The capture side of outbound webhooks against an in-memory repository: one delivery per
// matching subscription in publish order, one webhook id per event, the routing.lead action,
// and secrets shown only at creation.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cc/services/webhook_service.hpp"

namespace cc::services {
namespace {

using boost::asio::awaitable;

class FakeAudit final : public AuditLog {
 public:
  awaitable<void> record(AuditEntry entry) override {
    actions.push_back(entry.action);
    co_return;
  }
  std::vector<std::string> actions;
};

class FakeWebhookRepository final : public WebhookRepository {
 public:
  awaitable<Result<WebhookSubscription>> create_subscription(NewWebhookSubscription s) override {
    WebhookSubscription created;
    created.id = static_cast<domain::Id>(subscriptions.size() + 1);
    created.url = s.url;
    created.events = s.events;
    created.filters = s.filters;
    created.secret = s.secret;
    subscriptions.push_back(created);
    co_return created;
  }
  awaitable<Result<WebhookSubscription>> get_subscription(domain::Id id) override {
    for (const auto& s : subscriptions) {
      if (s.id == id) co_return s;
    }
    co_return Error::not_found("no such webhook subscription");
  }
  awaitable<Result<domain::Page<WebhookSubscription>>> list_subscriptions(std::optional<domain::Id>,
                                                                          int) override {
    co_return domain::Page<WebhookSubscription>{subscriptions, std::nullopt};
  }
  awaitable<Result<WebhookSubscription>> update_subscription(domain::Id id,
                                                             WebhookSubscriptionPatch) override {
    co_return co_await get_subscription(id);
  }
  awaitable<Status> delete_subscription(domain::Id) override { co_return Ok{}; }
  awaitable<Result<WebhookSubscription>> rotate_secret(domain::Id id, std::string secret,
                                                       std::chrono::seconds) override {
    auto& s = subscriptions.at(static_cast<std::size_t>(id - 1));
    s.previous_secret = s.secret;
    s.secret = secret;
    co_return s;
  }
  awaitable<Result<std::vector<WebhookSubscription>>> live_subscriptions() override {
    if (down) co_return Error::unavailable("down");
    co_return subscriptions;
  }
  awaitable<Status> insert_deliveries(std::vector<NewWebhookDelivery> rows) override {
    for (auto& row : rows) deliveries.push_back(std::move(row));
    co_return Ok{};
  }
  awaitable<Result<std::vector<ClaimedWebhookDelivery>>> claim_due(int, std::chrono::seconds) override {
    co_return std::vector<ClaimedWebhookDelivery>{};
  }
  awaitable<Status> record_attempt(WebhookAttempt) override { co_return Ok{}; }
  awaitable<Result<domain::Page<WebhookDelivery>>> list_deliveries(WebhookDeliveryQuery) override {
    co_return domain::Page<WebhookDelivery>{};
  }
  awaitable<Result<WebhookDelivery>> get_delivery(domain::Id) override {
    co_return Error::not_found("none");
  }
  awaitable<Result<WebhookDelivery>> replay_delivery(domain::Id) override {
    co_return Error::not_found("none");
  }
  awaitable<Result<int>> replay_range(domain::Id, domain::TimePoint, domain::TimePoint, int) override {
    co_return 0;
  }

  bool down = false;
  std::vector<WebhookSubscription> subscriptions;
  std::vector<NewWebhookDelivery> deliveries;
};

class WebhookServiceTest : public ::testing::Test {
 protected:
  template <class T>
  T run(awaitable<T> task) {
    auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.run();
    io.restart();
    return future.get();
  }
  WebhookSubscriptionWithSecret subscribe(std::vector<std::string> events, WebhookFilters filters = {}) {
    auto created = run(service.create({"https://crm.example.com/hook", std::move(events), std::move(filters), ""},
                                      std::nullopt));
    EXPECT_TRUE(created);
    return *created;
  }
  void drain() {
    io.run();
    io.restart();
  }

  boost::asio::io_context io;
  FakeWebhookRepository repository;
  FakeAudit audit;
  WebhookService service{io.get_executor(), repository, audit};
};

TEST_F(WebhookServiceTest, CreationReturnsTheSecretOnceAndAudits) {
  const auto created = subscribe({"message.created"});
  EXPECT_EQ(created.secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(created.secret, repository.subscriptions[0].secret);
  EXPECT_EQ(audit.actions, std::vector<std::string>{"webhook_subscription.created"});
}

TEST_F(WebhookServiceTest, RefusesNonHttpUrlsAndUnknownEvents) {
  auto ftp = run(service.create({"ftp://x.example.com/", {"message.created"}, {}, ""}, std::nullopt));
  ASSERT_FALSE(ftp);
  EXPECT_EQ(ftp.error().field, "/url");
  auto unknown = run(service.create({"https://x.example.com/", {"nope.never"}, {}, ""}, std::nullopt));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "/events/0");
  EXPECT_TRUE(repository.subscriptions.empty());
}

TEST_F(WebhookServiceTest, OneDeliveryPerMatchingSubscriptionInPublishOrder) {
  subscribe({"message.created"});
  subscribe({"conversation.closed"});
  subscribe({"*"});
  int woken = 0;
  service.on_captured([&woken] { ++woken; });
  service.publish({"message.created", {{"id", "1"}}, "42"});
  service.publish({"conversation.closed", {{"id", "42"}}, "42"});
  service.publish({"message.created", {{"id", "2"}}, "43"});
  drain();
  ASSERT_EQ(repository.deliveries.size(), 6u);
  std::vector<std::pair<domain::Id, std::string>> seen;
  for (const auto& d : repository.deliveries) seen.emplace_back(d.subscription_id, d.event_type);
  const std::vector<std::pair<domain::Id, std::string>> expected{
      {1, "message.created"}, {3, "message.created"}, {2, "conversation.closed"},
      {3, "conversation.closed"}, {1, "message.created"}, {3, "message.created"}};
  EXPECT_EQ(seen, expected);
  // One webhook id per event, shared by its deliveries; the conversation is the order key.
  EXPECT_EQ(repository.deliveries[0].webhook_id, repository.deliveries[1].webhook_id);
  EXPECT_NE(repository.deliveries[0].webhook_id, repository.deliveries[2].webhook_id);
  EXPECT_EQ(repository.deliveries[0].webhook_id.rfind("msg_", 0), 0u);
  EXPECT_EQ(repository.deliveries[0].order_key, std::optional<std::string>("42"));
  EXPECT_GE(woken, 1);
  const auto body = nlohmann::json::parse(repository.deliveries[4].payload);
  EXPECT_EQ(body["type"], "message.created");
  EXPECT_EQ(body["data"]["id"], "2");
}

TEST_F(WebhookServiceTest, RoutingLeadReachesItsSubscribersOnly) {
  subscribe({"routing.lead"});
  subscribe({"message.created"});
  service.publish_routing_lead(77, "large transfers", {{"topic", "transfer"}, {"count", 3}});
  drain();
  ASSERT_EQ(repository.deliveries.size(), 1u);
  const auto& delivery = repository.deliveries[0];
  EXPECT_EQ(delivery.subscription_id, 1);
  EXPECT_EQ(delivery.event_type, "routing.lead");
  EXPECT_EQ(delivery.order_key, std::optional<std::string>("77"));
  const auto body = nlohmann::json::parse(delivery.payload);
  EXPECT_EQ(body["data"]["conversation_id"], "77");
  EXPECT_EQ(body["data"]["rule"], "large transfers");
  EXPECT_EQ(body["data"]["lead"]["count"], 3);
}

TEST_F(WebhookServiceTest, RotationReturnsANewSecretAndRefusesLongOverlaps) {
  const auto created = subscribe({"*"});
  auto rotated = run(service.rotate_secret(created.subscription.id, std::chrono::hours(1), std::nullopt));
  ASSERT_TRUE(rotated);
  EXPECT_NE(rotated->secret, created.secret);
  EXPECT_EQ(repository.subscriptions[0].previous_secret, created.secret);
  auto too_long = run(service.rotate_secret(created.subscription.id, std::chrono::hours(24 * 8), std::nullopt));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::invalid);
}

}  // namespace
}  // namespace cc::services
