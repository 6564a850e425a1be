// Webhook deliveries against a real PostgreSQL: claims are leased and disjoint, a conversation's
// deliveries go out one at a time in order (a retrying head holds back the rest), paused
// subscriptions wait, outcomes are recorded, and a replay keeps the webhook id.
#include <gtest/gtest.h>

#include <set>

#include "cc/store/pg/pg_webhook_repository.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;
namespace svc = cc::services;
using Outcome = svc::WebhookAttempt::Outcome;

class WebhookDeliveries : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
    pool_.emplace(database_->url(), 4, metrics_);
    repository_.emplace(*pool_);
    auto created = run_sync(repository_->create_subscription(
        {"http://127.0.0.1:9/hook", {"*"}, {}, "", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}));
    ASSERT_TRUE(created);
    subscription_ = created->id;
  }

  void insert(std::vector<std::pair<std::string, std::optional<std::string>>> events) {
    std::vector<svc::NewWebhookDelivery> rows;
    for (auto& [id, key] : events) rows.push_back({subscription_, id, "message.created", R"({"type":"message.created"})", key});
    ASSERT_TRUE(run_sync(repository_->insert_deliveries(std::move(rows))));
  }

  std::vector<std::string> claim_ids(int limit = 10) {
    auto claimed = run_sync(repository_->claim_due(limit, std::chrono::seconds(30)));
    EXPECT_TRUE(claimed);
    std::vector<std::string> ids;
    for (const auto& c : *claimed) ids.push_back(c.delivery.webhook_id);
    return ids;
  }

  domain::Id id_of(const std::string& webhook_id) {
    auto page = run_sync(repository_->list_deliveries({subscription_, std::nullopt, std::nullopt, 100}));
    for (const auto& d : page->items) {
      if (d.webhook_id == webhook_id) return d.id;
    }
    ADD_FAILURE() << "no delivery " << webhook_id;
    return 0;
  }

  void record(const std::string& webhook_id, Outcome outcome, std::chrono::milliseconds retry_in = {}) {
    svc::WebhookAttempt attempt;
    attempt.delivery_id = id_of(webhook_id);
    attempt.outcome = outcome;
    attempt.response_code = outcome == Outcome::delivered ? 200 : 500;
    attempt.latency_ms = 12;
    attempt.retry_in = retry_in;
    ASSERT_TRUE(run_sync(repository_->record_attempt(attempt)));
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  std::optional<PgWebhookRepository> repository_;
  domain::Id subscription_ = 0;
};

TEST_F(WebhookDeliveries, OnlyTheOldestPendingDeliveryOfAConversationIsClaimed) {
  insert({{"msg_a1", "c1"}, {"msg_a2", "c1"}, {"msg_b1", "c2"}, {"msg_x", std::nullopt}, {"msg_y", std::nullopt}});
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_a1", "msg_b1", "msg_x", "msg_y"}));
  EXPECT_TRUE(claim_ids().empty());  // leased, and a2 waits behind a1
  record("msg_a1", Outcome::delivered);
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_a2"}));
}

TEST_F(WebhookDeliveries, ARetryingHeadHoldsBackItsConversationUntilItGoesOrDies) {
  insert({{"msg_a1", "c1"}, {"msg_a2", "c1"}});
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_a1"}));
  record("msg_a1", Outcome::retry, std::chrono::milliseconds(0));
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_a1"}));  // due again, a2 still waits
  record("msg_a1", Outcome::failed);
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_a2"}));
  auto failed = run_sync(repository_->get_delivery(id_of("msg_a1")));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, "failed");
  EXPECT_EQ(failed->attempts, 2);
  EXPECT_EQ(failed->response_code, 500);
}

TEST_F(WebhookDeliveries, ConcurrentClaimsAreDisjoint) {
  std::vector<std::pair<std::string, std::optional<std::string>>> events;
  for (int i = 0; i < 40; ++i) events.emplace_back("msg_" + std::to_string(i), "k" + std::to_string(i));
  insert(events);
  auto a = run_sync(repository_->claim_due(25, std::chrono::seconds(30)));
  auto b = run_sync(repository_->claim_due(25, std::chrono::seconds(30)));
  ASSERT_TRUE(a && b);
  std::set<std::string> seen;
  for (const auto& c : *a) seen.insert(c.delivery.webhook_id);
  for (const auto& c : *b) EXPECT_TRUE(seen.insert(c.delivery.webhook_id).second);
  EXPECT_EQ(seen.size(), 40u);
}

TEST_F(WebhookDeliveries, PausedSubscriptionsWaitAndResumeWhereTheyStopped) {
  insert({{"msg_p", "c1"}});
  svc::WebhookSubscriptionPatch pause;
  pause.paused = true;
  ASSERT_TRUE(run_sync(repository_->update_subscription(subscription_, pause)));
  EXPECT_TRUE(claim_ids().empty());
  pause.paused = false;
  ASSERT_TRUE(run_sync(repository_->update_subscription(subscription_, pause)));
  EXPECT_EQ(claim_ids(), (std::vector<std::string>{"msg_p"}));
}

TEST_F(WebhookDeliveries, ReplayKeepsTheWebhookIdAndRotationSignsWithBothSecrets) {
  insert({{"msg_r", "c1"}});
  ASSERT_EQ(claim_ids().size(), 1u);
  record("msg_r", Outcome::delivered);
  auto pending = run_sync(repository_->replay_delivery(id_of("msg_r")));
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->status, "pending");
  EXPECT_EQ(pending->webhook_id, "msg_r");
  auto again = run_sync(repository_->replay_delivery(id_of("msg_r")));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  ASSERT_TRUE(run_sync(repository_->rotate_secret(subscription_, "whsec_bmV3LXNlY3JldC1ieXRlcy0xMjM0NTY3OA==",
                                                   std::chrono::seconds(3600))));
  auto claimed = run_sync(repository_->claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].delivery.webhook_id, "msg_r");
  EXPECT_EQ((*claimed)[0].secrets.size(), 2u);
}

TEST_F(WebhookDeliveries, ReplayRangeRequeuesFinishedDeliveriesInTheWindow) {
  insert({{"msg_1", std::nullopt}, {"msg_2", std::nullopt}});
  ASSERT_EQ(claim_ids().size(), 2u);
  record("msg_1", Outcome::delivered);
  record("msg_2", Outcome::failed);
  const auto now = std::chrono::system_clock::now();
  auto count = run_sync(repository_->replay_range(subscription_, now - std::chrono::hours(1),
                                                  now + std::chrono::hours(1), 100));
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(claim_ids().size(), 2u);
}

}  // namespace
}  // namespace cc::store
