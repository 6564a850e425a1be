// PgAssignmentStore against a real PostgreSQL: batched direct assignment within capacity,
// wrap-up, offers (decline, timeout with an injected clock, accept, set away after misses),
// offline requeue after the grace period, position notices, and two engines racing over one
// queue on separate connections never double-assigning or exceeding capacity.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "cc/store/pg/pg_assignment_store.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using namespace std::chrono_literals;
using testing::run_sync;
namespace svc = cc::services;

class AssignmentStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set";
    database_.emplace();
    pool_.emplace(database_->url(), 4, metrics_);
    store_.emplace(*pool_);
    exec("INSERT INTO channel_accounts (channel, name) VALUES ('webchat', 'site')");
  }

  pqxx::result exec(const std::string& sql) {
    pqxx::connection connection(database_->url());
    pqxx::work tx(connection);
    auto rows = tx.exec(sql);
    tx.commit();
    return rows;
  }
  long count(const std::string& sql) { return exec(sql)[0][0].as<long>(); }

  // n online agents with `chat` webchat slots; returns their ids.
  std::vector<domain::Id> agents(int n, int chat, const std::string& status = "online") {
    std::vector<domain::Id> ids;
    for (const auto& row : exec(
             "INSERT INTO agents (email, name, role, password_hash, status, capacity) SELECT "
             "'a' || g || '-' || md5(random()::text) || '@x.test', 'agent ' || g, 'agent', 'x', '" + status +
             "', jsonb_build_object('webchat', " + std::to_string(chat) +
             ", 'voice', 1, 'email', 10) FROM generate_series(1, " + std::to_string(n) +
             ") g RETURNING id")) {
      ids.push_back(row[0].as<domain::Id>());
    }
    return ids;
  }

  // n queued webchat conversations, each with its routing task in `queue`, entered in order.
  std::vector<domain::Id> tasks(int n, const std::string& queue = "default") {
    std::vector<domain::Id> ids;
    for (const auto& row : exec(
             "WITH cu AS (INSERT INTO customers (display_name) SELECT 'c' || g FROM generate_series(1, " +
             std::to_string(n) + ") g RETURNING id) INSERT INTO conversations (customer_id, "
             "channel_account_id, channel, status) SELECT cu.id, (SELECT min(id) FROM channel_accounts), "
             "'webchat', 'queued' FROM cu ORDER BY cu.id RETURNING id")) {
      ids.push_back(row[0].as<domain::Id>());
    }
    std::vector<svc::RoutingPlan> plans;
    const auto start = std::chrono::system_clock::now() - 10min;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      svc::RoutingPlan plan;
      plan.conversation_id = ids[i];
      plan.channel = domain::Channel::webchat;
      plan.steps = {svc::RoutingStep{queue, {}, std::nullopt, 0, std::nullopt, {}}};
      plan.entered_at = start + std::chrono::milliseconds(i);
      plans.push_back(plan);
    }
    EXPECT_TRUE(run_sync(store_->enqueue(plans)));
    return ids;
  }

  svc::RoundResult round(std::size_t batch = 5000, domain::TimePoint now = std::chrono::system_clock::now()) {
    auto result = run_sync(store_->run_round(svc::RoundOptions{now, batch, 60s}));
    EXPECT_TRUE(result);
    return result ? *result : svc::RoundResult{};
  }

  long max_open_per_agent() {
    return count("SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM conversations "
                 "WHERE status = 'open' GROUP BY assignee_id) x");
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  std::optional<PgAssignmentStore> store_;
};

TEST_F(AssignmentStore, ARoundAssignsOldestFirstWithinEveryAgentsCapacity) {
  agents(3, 2);
  const auto ids = tasks(10);
  const auto result = round();
  EXPECT_EQ(result.assigned.size(), 6u);
  EXPECT_EQ(max_open_per_agent(), 2);
  std::set<domain::Id> assigned;
  for (const auto& c : result.assigned) assigned.insert(c.id);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(assigned.contains(ids[i])) << i;
  EXPECT_EQ(count("SELECT count(*) FROM routing_tasks WHERE state = 'assigned'"), 6);
  EXPECT_EQ(round().assigned.size(), 0u);  // everyone is full
}

TEST_F(AssignmentStore, WrapUpKeepsTheSlotAfterClose) {
  agents(1, 1);
  exec("UPDATE queues SET wrap_up_seconds = 120 WHERE key = 'default'");
  const auto ids = tasks(2);
  ASSERT_EQ(round().assigned.size(), 1u);
  exec("UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = " + std::to_string(ids[0]));
  EXPECT_EQ(round().assigned.size(), 0u);  // still in wrap-up
  exec("UPDATE queues SET wrap_up_seconds = 0 WHERE key = 'default'");
  EXPECT_EQ(round().assigned.size(), 1u);
}

TEST_F(AssignmentStore, OffersAreDeclinedExpiredAndAccepted) {
  const auto people = agents(2, 5);
  exec("UPDATE queues SET offer_timeout_seconds = 30 WHERE key = 'default'");
  const auto ids = tasks(1);
  const auto now = std::chrono::system_clock::now();
  auto first = round(5000, now);
  ASSERT_EQ(first.offers.size(), 1u);
  EXPECT_TRUE(first.assigned.empty());
  const auto offer = first.offers[0];
  EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE status = 'queued'"), 1);
  // Decline: back to waiting at its original age, offered to the other agent next.
  ASSERT_TRUE(run_sync(store_->decline_offer(offer.offer_id, offer.agent_id)));
  EXPECT_FALSE(run_sync(store_->decline_offer(offer.offer_id, offer.agent_id)));
  auto second = round(5000, now);
  ASSERT_EQ(second.offers.size(), 1u);
  EXPECT_NE(second.offers[0].agent_id, offer.agent_id);
  // Nobody answers: after the timeout (injected time) the offer expires, the task waits again.
  auto expired = run_sync(store_->expire_offers(now + 31s, 1));
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->expired, 1u);
  EXPECT_EQ(expired->agents_set_away, std::vector<domain::Id>{second.offers[0].agent_id});  // 1 miss max
  EXPECT_EQ(count("SELECT count(*) FROM agents WHERE status = 'away'"), 1);
  auto late = run_sync(store_->accept_offer(second.offers[0].offer_id, second.offers[0].agent_id, now + 31s));
  EXPECT_FALSE(late);
  // The first agent gets it again and accepts in time.
  auto third = round(5000, now);
  ASSERT_EQ(third.offers.size(), 1u);
  EXPECT_EQ(third.offers[0].agent_id, offer.agent_id);
  auto accepted = run_sync(store_->accept_offer(third.offers[0].offer_id, offer.agent_id, now + 1s));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->assignee_id, offer.agent_id);
  EXPECT_EQ(accepted->id, ids[0]);
  EXPECT_EQ(count("SELECT count(*) FROM task_offers WHERE state = 'pending'"), 0);
  (void)people;
}

TEST_F(AssignmentStore, AnOfflineAgentsConversationsAreRequeuedAfterTheGracePeriod) {
  const auto people = agents(1, 5);
  exec("UPDATE queues SET offline_action = 'requeue', offline_grace_seconds = 60 WHERE key = 'default'");
  const auto ids = tasks(2);
  ASSERT_EQ(round().assigned.size(), 2u);
  exec("UPDATE agents SET status = 'offline', status_changed_at = now() - interval '30 seconds'");
  auto early = run_sync(store_->release_offline_agents(std::chrono::system_clock::now(), 100));
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());  // still within the grace period
  auto released = run_sync(store_->release_offline_agents(std::chrono::system_clock::now() + 31s, 100));
  ASSERT_TRUE(released);
  ASSERT_EQ(released->size(), 2u);
  EXPECT_EQ((*released)[0].former_agent_id, people[0]);
  EXPECT_EQ((*released)[0].action, svc::OfflineAction::requeue);
  EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE status = 'queued'"), 2);
  const auto other = agents(1, 5);
  const auto again = round();
  ASSERT_EQ(again.assigned.size(), 2u);
  EXPECT_EQ(*again.assigned[0].assignee_id, other[0]);
  (void)ids;
}

TEST_F(AssignmentStore, WaitingCustomersAreToldTheirPositionAtMostOncePerInterval) {
  tasks(3);
  const auto now = std::chrono::system_clock::now();
  auto notices = run_sync(store_->due_position_notices(now, 60s, {domain::Channel::webchat}, 10));
  ASSERT_TRUE(notices);
  ASSERT_EQ(notices->size(), 3u);
  EXPECT_EQ((*notices)[0].position, 1);
  EXPECT_EQ((*notices)[2].position, 3);
  EXPECT_TRUE(run_sync(store_->due_position_notices(now + 30s, 60s, {domain::Channel::webchat}, 10))->empty());
  EXPECT_EQ(run_sync(store_->due_position_notices(now + 61s, 60s, {domain::Channel::webchat}, 10))->size(), 3u);
  EXPECT_TRUE(run_sync(store_->due_position_notices(now + 200s, 60s, {domain::Channel::sms}, 10))->empty());
}

TEST_F(AssignmentStore, TwoEnginesRacingNeverDoubleAssignOrExceedCapacity) {
  agents(20, 5);  // 100 slots
  tasks(300);
  metrics::Registry other_metrics;
  PgPool other_pool(database_->url(), 2, other_metrics);
  PgAssignmentStore other(other_pool);
  std::vector<domain::Id> a_ids, b_ids;
  auto engine = [](PgAssignmentStore& store, std::vector<domain::Id>& out) {
    for (int i = 0; i < 20; ++i) {
      auto result = run_sync(store.run_round(svc::RoundOptions{std::chrono::system_clock::now(), 15, 60s}));
      if (!result) continue;
      for (const auto& c : result->assigned) out.push_back(c.id);
    }
  };
  std::thread a([&] { engine(*store_, a_ids); });
  std::thread b([&] { engine(other, b_ids); });
  a.join();
  b.join();
  std::set<domain::Id> all(a_ids.begin(), a_ids.end());
  for (const auto id : b_ids) EXPECT_TRUE(all.insert(id).second) << "assigned twice: " << id;
  EXPECT_EQ(all.size(), 100u);
  EXPECT_FALSE(a_ids.empty());
  EXPECT_FALSE(b_ids.empty());
  EXPECT_EQ(max_open_per_agent(), 5);
  EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE status = 'open'"), 100);
}

TEST_F(AssignmentStore, QueuesAndProfilesRoundTrip) {
  const auto people = agents(2, 5);
  svc::QueueDraft draft;
  draft.key = "vip";
  draft.name = "VIP";
  draft.strategy = svc::QueueStrategy::round_robin;
  draft.members = std::vector<domain::Id>{people[1]};
  auto created = run_sync(store_->create_queue(draft));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->members, std::vector<domain::Id>{people[1]});
  EXPECT_EQ(run_sync(store_->create_queue(draft)).error().code, ErrorCode::conflict);
  svc::AgentRoutingProfile profile;
  profile.agent_id = people[0];
  profile.skills = {{"refund", 4}};
  profile.languages = {"zh", "en"};
  profile.capacity = {{"webchat", 7}};
  auto stored = run_sync(store_->put_profile(profile));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->capacity.at("webchat"), 7);
  EXPECT_EQ(stored->capacity.at("email"), 10);  // merged, not replaced
  EXPECT_EQ(stored->skills.at("refund"), 4);
  tasks(1, "vip");
  const auto result = round();
  ASSERT_EQ(result.assigned.size(), 1u);
  EXPECT_EQ(*result.assigned[0].assignee_id, people[1]);  // the only member
  auto snapshots = run_sync(store_->agent_snapshots());
  ASSERT_TRUE(snapshots);
  ASSERT_EQ(snapshots->size(), 2u);
  EXPECT_EQ((*snapshots)[1].load[0], 1);
  EXPECT_EQ((*snapshots)[0].capacity[0], 7);
}

}  // namespace
}  // namespace cc::store
