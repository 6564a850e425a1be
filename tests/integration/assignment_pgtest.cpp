// PgAssignmentStore against a real PostgreSQL: batched direct assignment within capacity,
// wrap-up, offers (decline, timeout with an injected clock, accept, set away after misses),
// offline requeue after the grace period, position notices, and two engines racing over one
// queue on separate connections never double-assigning or exceeding capacity; plans that end in
// a ticket or a closing message claimed once after their last step; workflow aging in the round's
// order; queue figures; a live call filling every slot; the voice claim (CallDecisionStore, batches of calls).
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "cc/store/pg/pg_assignment_store.hpp"
#include "cc/store/pg/pg_assignment_voice.hpp"
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
  std::vector<domain::Id> tasks(int n, const std::string& queue = "default",
                                std::function<void(std::size_t, svc::RoutingPlan&)> adjust = {}) {
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
      if (adjust) adjust(i, plan);
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

TEST_F(AssignmentStore, AKeepQueueHoldsAnOfflineAgentsConversationsAndATransferQueueMovesThem) {
  const auto leaving = agents(1, 5);
  exec("UPDATE queues SET offline_action = 'keep', offline_grace_seconds = 0 WHERE key = 'default'");
  exec("INSERT INTO queues (key, name, offline_action, offline_grace_seconds, transfer_queue) "
       "VALUES ('sales', 'Sales', 'transfer', 0, 'backoffice'), ('backoffice', 'Back office', 'keep', 0, NULL)");
  const auto kept = tasks(1, "default");
  const auto moved = tasks(1, "sales");
  ASSERT_EQ(round().assigned.size(), 2u);
  exec("UPDATE agents SET status = 'offline', status_changed_at = now() - interval '1 minute'");

  auto released = run_sync(store_->release_offline_agents(std::chrono::system_clock::now(), 100));
  ASSERT_TRUE(released);
  ASSERT_EQ(released->size(), 1u);  // the keep queue's conversation stays with its agent
  EXPECT_EQ((*released)[0].conversation_id, moved[0]);
  EXPECT_EQ((*released)[0].former_agent_id, leaving[0]);
  EXPECT_EQ((*released)[0].action, svc::OfflineAction::transfer);
  EXPECT_EQ(count("SELECT count(*) FROM conversations WHERE id = " + std::to_string(kept[0]) +
                  " AND status = 'open' AND assignee_id = " + std::to_string(leaving[0])),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM routing_tasks WHERE conversation_id = " + std::to_string(moved[0]) +
                  " AND state = 'waiting' AND queue_key = 'backoffice' "
                  "AND plan->'steps' = '[{\"queue\": \"backoffice\"}]'::jsonb"),
            1);
  // A second pass finds nothing more to do: each conversation is released once.
  auto again = run_sync(store_->release_offline_agents(std::chrono::system_clock::now(), 100));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  // The transferred conversation goes to an agent of the back office.
  const auto back_office = agents(1, 5);
  exec("INSERT INTO queue_members (queue_id, agent_id) SELECT id, " + std::to_string(back_office[0]) +
       " FROM queues WHERE key = 'backoffice'");
  const auto next = round();
  ASSERT_EQ(next.assigned.size(), 1u);
  EXPECT_EQ(*next.assigned[0].assignee_id, back_office[0]);
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

TEST_F(AssignmentStore, ExhaustedTicketAndClosePlansAreClaimedOnceAfterTheirLastStep) {
  const auto now = std::chrono::system_clock::now();  // the tasks entered 10 minutes before
  const auto ids = tasks(3, "default", [](std::size_t i, svc::RoutingPlan& plan) {
    plan.steps = {svc::RoutingStep{"default", {}, std::nullopt, 0, std::nullopt, 60s},
                  svc::RoutingStep{"overflow", {}, std::nullopt, 0, std::nullopt, i == 1 ? 3600s : 300s}};
    plan.when_exhausted = i == 0   ? svc::RoutingPlan::WhenExhausted::ticket
                          : i == 1 ? svc::RoutingPlan::WhenExhausted::close
                                   : svc::RoutingPlan::WhenExhausted::default_queue;
    plan.close_message = "bye";
  });
  auto first = run_sync(store_->claim_exhausted(now, 10));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);  // only the ticket plan's last step (300 s) has passed
  EXPECT_EQ((*first)[0].conversation_id, ids[0]);
  EXPECT_EQ((*first)[0].plan.when_exhausted, svc::RoutingPlan::WhenExhausted::ticket);
  EXPECT_GT((*first)[0].customer_id, 0);
  EXPECT_TRUE(run_sync(store_->claim_exhausted(now, 10))->empty());  // claimed once
  auto later = run_sync(store_->claim_exhausted(now + 2h, 10));
  ASSERT_EQ(later->size(), 1u);  // the close plan; the default_queue plan never
  EXPECT_EQ((*later)[0].conversation_id, ids[1]);
  EXPECT_EQ((*later)[0].plan.close_message, "bye");
  EXPECT_EQ(count("SELECT count(*) FROM routing_tasks WHERE state = 'exhausted'"), 2);
  agents(1, 5);
  const auto result = round(5000, now + 2h);  // an exhausted task is never assigned
  ASSERT_EQ(result.assigned.size(), 1u);
  EXPECT_EQ(result.assigned[0].id, ids[2]);
  // The customer writes again (say the ticket could not be opened): the task starts over.
  svc::RoutingPlan again;
  again.conversation_id = ids[0];
  again.steps = {svc::RoutingStep{"default", {}, std::nullopt, 0, std::nullopt, {}}};
  again.entered_at = now + 2h;
  ASSERT_TRUE(run_sync(store_->enqueue({again})));
  EXPECT_EQ(count("SELECT count(*) FROM routing_tasks WHERE state = 'exhausted'"), 1);
  const auto retaken = round(5000, now + 2h);
  ASSERT_EQ(retaken.assigned.size(), 1u);
  EXPECT_EQ(retaken.assigned[0].id, ids[0]);
}

TEST_F(AssignmentStore, AStalePlanNeverQueuesAnAssignedConversationAgain) {
  agents(2, 5);
  const auto ids = tasks(1, "default", [](std::size_t, svc::RoutingPlan&) {});
  ASSERT_EQ(round().assigned.size(), 1u);
  // A plan made from a read before that assignment (another instance, an earlier batch) arrives.
  svc::RoutingPlan stale;
  stale.conversation_id = ids[0];
  stale.steps = {svc::RoutingStep{"default", {}, std::nullopt, 0, std::nullopt, {}}};
  ASSERT_TRUE(run_sync(store_->enqueue({stale})));
  EXPECT_EQ(count("SELECT count(*) FROM routing_tasks WHERE state = 'assigned'"), 1);
  EXPECT_TRUE(round().assigned.empty());  // not handed to the other agent
  EXPECT_EQ(count("SELECT count(DISTINCT assignee_id) FROM conversations WHERE assignee_id IS NOT NULL"), 1);
}

TEST_F(AssignmentStore, TheRoundOrdersByPriorityAgedByTheTasksWorkflow) {
  agents(1, 1);
  const auto now = std::chrono::system_clock::now();
  const auto ids = tasks(2, "default", [&](std::size_t i, svc::RoutingPlan& plan) {
    plan.workflow_version = 3;
    plan.steps[0].priority = i == 0 ? 0 : 50;
    plan.entered_at = i == 0 ? now - 10min : now - 1s;
  });
  // The engine's default (+1 a minute): 10 < 50, the fresher high-priority task goes first.
  auto plain = run_sync(store_->run_round(svc::RoundOptions{now, 1, 60s, {}}));
  ASSERT_EQ(plain->assigned.size(), 1u);
  EXPECT_EQ(plain->assigned[0].id, ids[1]);
  exec("UPDATE conversations SET status = 'queued', assignee_id = NULL");
  exec("UPDATE routing_tasks SET state = 'waiting'");
  // Workflow 3 ages +10 a minute: 0 + 100 > 50. Batch 1: the SQL order alone decides.
  auto aged = run_sync(store_->run_round(svc::RoundOptions{now, 1, 60s, {{3, svc::TaskAging{60s, 10, 1000}}}}));
  ASSERT_EQ(aged->assigned.size(), 1u);
  EXPECT_EQ(aged->assigned[0].id, ids[0]);
}

TEST_F(AssignmentStore, QueueLoadsCountWaitingTasksAndRecentAssignments) {
  agents(1, 1);
  tasks(3);
  ASSERT_EQ(round().assigned.size(), 1u);
  exec("INSERT INTO queues (key, name) VALUES ('empty', 'Empty')");
  auto loads = run_sync(store_->queue_loads(900s));
  ASSERT_TRUE(loads);
  ASSERT_EQ(loads->size(), 2u);
  const auto& d = (*loads)[0];
  EXPECT_EQ(d.queue, "default");
  EXPECT_EQ(d.waiting, 2);
  EXPECT_EQ(d.assigned_recently, 1);
  ASSERT_TRUE(d.oldest_entered_at);
  EXPECT_LT(*d.oldest_entered_at, std::chrono::system_clock::now() - 9min);
  EXPECT_EQ((*loads)[1].queue, "empty");
  EXPECT_EQ((*loads)[1].waiting, 0);
  EXPECT_FALSE((*loads)[1].oldest_entered_at);
}

TEST_F(AssignmentStore, ALiveCallFillsEverySlot) {
  const auto people = agents(1, 5);
  const auto id = std::to_string(people[0]);
  exec("INSERT INTO voice_calls (channel_account_id, call_id, agent_id, state) VALUES ((SELECT min(id) FROM "
       "channel_accounts), 'call-1', " + id + ", 'answered')");
  tasks(1);
  EXPECT_TRUE(round().assigned.empty());
  auto snapshots = run_sync(store_->agent_snapshots());
  ASSERT_TRUE(snapshots);
  svc::RoutingStep step;
  step.queue = "default";
  EXPECT_EQ(svc::candidate_verdict((*snapshots)[0], nullptr, step, domain::Channel::webchat, "").reason,
            "on a voice call");
  exec("UPDATE voice_calls SET state = 'ringing'");
  EXPECT_TRUE(round().assigned.empty());  // ringing counts too
  exec("UPDATE voice_calls SET state = 'ended'");
  EXPECT_EQ(round().assigned.size(), 1u);
}

// One call decided alone (a batch of one); the agent it got, if any.
std::optional<svc::VoiceClaim> decide_one(PgAssignmentVoice& voice, svc::VoiceClaimRequest claim) {
  std::vector<svc::CallDecisionRequest> batch(1);
  batch[0].claim = std::move(claim);
  auto result = run_sync(voice.decide_calls(std::move(batch)));
  EXPECT_TRUE(result);
  if (!result || result->size() != 1) return std::nullopt;
  return result->front().agent;
}

TEST_F(AssignmentStore, AVoiceClaimTakesAFreeAgentOnceAndNeverABusyOne) {
  const auto people = agents(2, 5);
  exec("UPDATE agents SET sip_uri = 'sip:' || id || '@pbx.test'");
  exec("INSERT INTO channel_accounts (channel, name) VALUES ('voice', 'line')");
  const auto account = count("SELECT id FROM channel_accounts WHERE channel = 'voice'");
  PgAssignmentVoice voice(*pool_);
  auto claim = [&](const std::string& call, std::vector<std::string> skills = {},
                   std::optional<domain::Id> preferred = std::nullopt) {
    svc::VoiceClaimRequest request;
    request.channel_account_id = account;
    request.call_id = call;
    request.caller = "+15550001";
    request.queue = "sales";  // unknown: like 'default'
    request.skills = std::move(skills);
    request.preferred_agent_id = preferred;
    return decide_one(voice, std::move(request));
  };
  const auto first = claim("c1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sip_uri, "sip:" + std::to_string(first->agent_id) + "@pbx.test");
  EXPECT_EQ(claim("c1")->agent_id, first->agent_id);  // the same INVITE again: the same answer
  const auto second = claim("c2");
  ASSERT_TRUE(second);
  EXPECT_NE(second->agent_id, first->agent_id);
  EXPECT_FALSE(claim("c3"));  // both on a call
  exec("UPDATE voice_calls SET state = 'ended'");
  EXPECT_FALSE(claim("c4", {"refund"}));  // nobody has the skill
  exec("INSERT INTO agent_skills (agent_id, skill, level) VALUES (" + std::to_string(people[1]) + ", 'refund', 3)");
  EXPECT_EQ(claim("c5", {"refund"})->agent_id, people[1]);
  exec("UPDATE voice_calls SET state = 'ended'");
  EXPECT_EQ(claim("c6", {}, people[0])->agent_id, people[0]);  // the preferred agent, when free
  EXPECT_EQ(claim("c7", {}, people[0])->agent_id, people[1]);  // busy: the next free one
}

TEST_F(AssignmentStore, RacingVoiceClaimsNeverGiveAnAgentTwoCalls) {
  agents(3, 5);
  exec("UPDATE agents SET sip_uri = 'sip:' || id || '@pbx.test'");
  const auto account = count("SELECT min(id) FROM channel_accounts");
  metrics::Registry other_metrics;
  PgPool other_pool(database_->url(), 2, other_metrics);
  PgAssignmentVoice a(*pool_), b(other_pool);
  std::vector<domain::Id> got_a, got_b;
  auto caller = [account](PgAssignmentVoice& voice, const std::string& prefix, std::vector<domain::Id>& out) {
    for (int i = 0; i < 10; ++i) {
      svc::VoiceClaimRequest request;
      request.channel_account_id = account;
      request.call_id = prefix + std::to_string(i);
      auto claim = decide_one(voice, std::move(request));
      if (claim) out.push_back(claim->agent_id);
    }
  };
  std::thread ta([&] { caller(a, "a", got_a); });
  std::thread tb([&] { caller(b, "b", got_b); });
  ta.join();
  tb.join();
  std::set<domain::Id> all(got_a.begin(), got_a.end());
  for (const auto id : got_b) EXPECT_TRUE(all.insert(id).second) << "two calls for agent " << id;
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(got_a.size() + got_b.size(), 3u);
  EXPECT_EQ(count("SELECT count(*) FROM voice_calls WHERE state = 'offered'"), 3);
}

TEST_F(AssignmentStore, ABatchOfCallsResolvesEveryCallerAndGivesEachCallItsOwnAgent) {
  const auto people = agents(3, 5);
  exec("UPDATE agents SET sip_uri = 'sip:' || id || '@pbx.test'");
  const auto account = count("SELECT min(id) FROM channel_accounts");
  // Known: +8613800000001 belongs to a customer (verified); +8613800000003 is only claimed by one.
  exec("INSERT INTO customers (display_name) VALUES ('Known'), ('Claimer')");
  const auto known = count("SELECT id FROM customers WHERE display_name = 'Known'");
  const auto claimer = count("SELECT id FROM customers WHERE display_name = 'Claimer'");
  exec("INSERT INTO customer_identities (customer_id, type, value, verified) VALUES (" + std::to_string(known) +
       ", 'phone', '+8613800000001', true), (" + std::to_string(claimer) + ", 'phone', '+8613800000003', false)");
  const std::vector<std::string> phones{"+8613800000001", "+8613800000002", "+8613800000002", "+8613800000003",
                                        "+8613800000004"};
  std::vector<svc::CallDecisionRequest> batch;
  for (std::size_t i = 0; i < phones.size(); ++i) {
    svc::CallDecisionRequest request;
    request.claim.channel_account_id = account;
    request.claim.call_id = "batch-" + std::to_string(i);
    request.claim.caller = phones[i];
    request.caller = domain::Identifier{"phone", phones[i], true};
    request.caller_name = "Caller " + std::to_string(i);
    request.unrouted_state = "overflowed";
    batch.push_back(std::move(request));
  }
  auto result = run_sync(PgAssignmentVoice(*pool_).decide_calls(std::move(batch)));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->size(), phones.size());
  const auto& out = *result;
  for (const auto& decision : out) ASSERT_TRUE(decision.customer_id);
  EXPECT_EQ(*out[0].customer_id, known);                 // the verified holder
  EXPECT_EQ(*out[1].customer_id, *out[2].customer_id);   // one new customer for one number
  EXPECT_NE(*out[1].customer_id, known);
  EXPECT_NE(*out[3].customer_id, claimer);               // a claimed copy never decides...
  EXPECT_EQ(count("SELECT count(*) FROM customer_merge_suggestions WHERE " + std::to_string(claimer) +
                  " IN (customer_a, customer_b)"), 1);   // ...it asks
  EXPECT_EQ(count("SELECT count(*) FROM customers WHERE display_name = 'Caller 1'"), 1);  // the first name wins
  EXPECT_EQ(count("SELECT count(*) FROM customers WHERE display_name = 'Known'"), 1);     // a name is never replaced
  EXPECT_EQ(count("SELECT count(*) FROM customer_identities WHERE type = 'phone' AND verified AND value IN "
                  "('+8613800000002', '+8613800000003', '+8613800000004')"), 3);
  // Three agents, five calls, in arrival order: the first three get distinct agents.
  std::set<domain::Id> given;
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(out[i].agent) << "call " << i;
    EXPECT_TRUE(given.insert(out[i].agent->agent_id).second) << "agent twice: " << out[i].agent->agent_id;
  }
  EXPECT_EQ(given, std::set<domain::Id>(people.begin(), people.end()));
  EXPECT_FALSE(out[3].agent);
  EXPECT_FALSE(out[4].agent);
  EXPECT_EQ(count("SELECT count(*) FROM voice_calls WHERE state = 'offered' AND agent_id IS NOT NULL"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM voice_calls WHERE state = 'overflowed' AND agent_id IS NULL "
                  "AND call_id IN ('batch-3', 'batch-4') AND customer_id IS NOT NULL"), 2);
}

}  // namespace
}  // namespace cc::store
