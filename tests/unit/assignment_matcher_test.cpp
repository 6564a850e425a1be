// The assignment engine's pure core: strategies, capacity across channels, skills, membership,
// step timeouts and priority order (injected time), candidate reasons; plan JSON; SIP URIs.
#include <gtest/gtest.h>

#include "cc/services/agent_profile_rules.hpp"
#include "cc/services/assignment_matcher.hpp"
#include "cc/services/assignment_plan_json.hpp"

namespace cc::services {
namespace {

using namespace std::chrono_literals;
using domain::Channel;

const domain::TimePoint kNow = domain::TimePoint(std::chrono::hours(500000));

AgentSnapshot agent(domain::Id id, int chat_capacity = 5) {
  AgentSnapshot a;
  a.id = id;
  a.name = "agent" + std::to_string(id);
  a.status = domain::AgentStatus::online;
  a.capacity = {chat_capacity, 5, 5, 10, 1, 5};
  a.idle_since = kNow - std::chrono::minutes(id);  // higher id: idle longer
  return a;
}

TaskSnapshot task(domain::Id conversation, domain::TimePoint entered, Channel channel = Channel::webchat,
                  std::vector<RoutingStep> steps = {RoutingStep{"default", {}, std::nullopt, 0, std::nullopt, {}}}) {
  TaskSnapshot t;
  t.plan.conversation_id = conversation;
  t.plan.channel = channel;
  t.plan.entered_at = entered;
  t.plan.steps = std::move(steps);
  return t;
}

std::map<std::string, QueueSettings> queues(QueueStrategy strategy = QueueStrategy::longest_idle,
                                            int offer_timeout = 0) {
  QueueSettings q;
  q.key = "default";
  q.strategy = strategy;
  q.offer_timeout_seconds = offer_timeout;
  return {{"default", q}};
}

MatchOptions at_now() {
  MatchOptions options;
  options.now = kNow;
  return options;
}

std::map<domain::Id, domain::Id> assignments(const MatchResult& result) {
  std::map<domain::Id, domain::Id> out;
  for (const auto& m : result.matches) out[m.conversation_id] = m.agents.front();
  return out;
}

TEST(AssignmentMatcher, LongestIdleAgentTakesTheOldestTaskFirst) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2), agent(3)};
  std::vector<TaskSnapshot> tasks{task(10, kNow - 1s), task(11, kNow - 5s)};
  const auto result = assignments(match_tasks(tasks, agents, queues(), at_now()));
  EXPECT_EQ(result.at(11), 3);  // oldest task, agent idle 3 minutes
  EXPECT_EQ(result.at(10), 2);  // agent 3 just got work, so 2 is idle longest now
}

TEST(AssignmentMatcher, LeastBusyPicksTheAgentWithFewestConversations) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2), agent(3)};
  agents[0].load[0] = 1;
  agents[1].load[0] = 0;
  agents[2].load[0] = 3;
  std::vector<TaskSnapshot> tasks{task(10, kNow)};
  EXPECT_EQ(assignments(match_tasks(tasks, agents, queues(QueueStrategy::least_busy), at_now())).at(10), 2);
}

TEST(AssignmentMatcher, RoundRobinCyclesThroughAgentsById) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2), agent(3)};
  auto q = queues(QueueStrategy::round_robin);
  q["default"].round_robin_last = 2;  // agent 2 had the last one
  std::vector<TaskSnapshot> tasks{task(10, kNow - 4s), task(11, kNow - 3s), task(12, kNow - 2s),
                                  task(13, kNow - 1s)};
  const auto result = match_tasks(tasks, agents, q, at_now());
  const auto a = assignments(result);
  EXPECT_EQ(a.at(10), 3);
  EXPECT_EQ(a.at(11), 1);  // wraps around
  EXPECT_EQ(a.at(12), 2);
  EXPECT_EQ(a.at(13), 3);
  EXPECT_EQ(result.round_robin_last.at("default"), 3);
}

TEST(AssignmentMatcher, FewestTodayBalancesTheDay) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2)};
  agents[0].assigned_today = 4;
  agents[1].assigned_today = 9;
  std::vector<TaskSnapshot> tasks{task(10, kNow)};
  EXPECT_EQ(assignments(match_tasks(tasks, agents, queues(QueueStrategy::fewest_today), at_now())).at(10), 1);
}

TEST(AssignmentMatcher, RingAllOffersEveryEligibleAgentAtOnce) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2), agent(3)};
  agents[1].status = domain::AgentStatus::away;
  std::vector<TaskSnapshot> tasks{task(10, kNow, Channel::voice)};
  const auto result = match_tasks(tasks, agents, queues(QueueStrategy::ring_all, 20), at_now());
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_TRUE(result.matches[0].offer);
  EXPECT_EQ(result.matches[0].offer_timeout_seconds, 20);
  std::vector<domain::Id> offered = result.matches[0].agents;
  std::sort(offered.begin(), offered.end());
  EXPECT_EQ(offered, (std::vector<domain::Id>{1, 3}));
}

TEST(AssignmentMatcher, NoAgentEndsOverCapacityPerChannel) {
  std::vector<AgentSnapshot> agents{agent(1, 2), agent(2, 1)};
  agents[0].capacity[3] = 1;  // email 1
  agents[1].capacity[3] = 0;
  std::vector<TaskSnapshot> tasks;
  for (int i = 0; i < 6; ++i) tasks.push_back(task(10 + i, kNow - std::chrono::seconds(10 - i)));
  tasks.push_back(task(30, kNow - 20s, Channel::email));
  tasks.push_back(task(31, kNow - 19s, Channel::email));
  const auto result = match_tasks(tasks, agents, queues(), at_now());
  const auto a = assignments(result);
  EXPECT_EQ(a.size(), 4u);  // 3 chats (2 + 1) and 1 email
  EXPECT_EQ(a.at(30), 1);
  EXPECT_FALSE(a.contains(31));
  EXPECT_EQ(agents[0].load[0], 2);
  EXPECT_EQ(agents[1].load[0], 1);
  EXPECT_EQ(agents[0].load[3], 1);
}

TEST(AssignmentMatcher, AVoiceCallBlocksOtherWork) {
  std::vector<AgentSnapshot> agents{agent(1)};
  std::vector<TaskSnapshot> tasks{task(10, kNow - 2s, Channel::voice), task(11, kNow - 1s)};
  const auto a = assignments(match_tasks(tasks, agents, queues(), at_now()));
  EXPECT_EQ(a.size(), 1u);
  EXPECT_TRUE(a.contains(10));
  const auto verdict = candidate_verdict(agents[0], nullptr, RoutingStep{"default", {}, {}, 0, {}, {}},
                                         Channel::webchat, "");
  EXPECT_EQ(verdict.reason, "on a voice call");
}

TEST(AssignmentMatcher, SkillsMembershipAndLanguageDecideEligibility) {
  auto q = queues();
  q["default"].members = {1, 2};
  std::vector<AgentSnapshot> agents{agent(1), agent(2), agent(3)};
  agents[0].skills["refund"] = 3;
  agents[2].skills["refund"] = 9;  // not a member
  auto t = task(10, kNow, Channel::webchat, {RoutingStep{"default", {"refund"}, std::nullopt, 0, std::nullopt, {}}});
  std::vector<TaskSnapshot> tasks{t};
  EXPECT_EQ(assignments(match_tasks(tasks, agents, q, at_now())).at(10), 1);

  const RoutingStep step{"default", {"refund"}, std::nullopt, 0, std::nullopt, {}};
  EXPECT_EQ(candidate_verdict(agents[1], &q["default"], step, Channel::webchat, "").reason, "missing skill refund");
  EXPECT_EQ(candidate_verdict(agents[2], &q["default"], step, Channel::webchat, "").reason,
            "not a member of queue default");
  agents[0].languages = {"en"};
  EXPECT_EQ(candidate_verdict(agents[0], &q["default"], step, Channel::webchat, "zh").reason, "does not speak zh");
  agents[0].load[0] = 5;
  EXPECT_EQ(candidate_verdict(agents[0], &q["default"], step, Channel::webchat, "").reason,
            "at webchat capacity 5/5");
  agents[0].status = domain::AgentStatus::offline;
  EXPECT_EQ(candidate_verdict(agents[0], &q["default"], step, Channel::webchat, "").reason, "offline");
}

TEST(AssignmentMatcher, HigherPriorityGoesFirstAndAgingLiftsOldTasks) {
  std::vector<AgentSnapshot> agents{agent(1, 1)};
  auto vip = task(10, kNow - 1s, Channel::webchat, {RoutingStep{"default", {}, 100, 0, std::nullopt, {}}});
  auto old = task(11, kNow - 30min);
  std::vector<TaskSnapshot> tasks{old, vip};
  EXPECT_TRUE(assignments(match_tasks(tasks, agents, queues(), at_now())).contains(10));
  // Waited 101 minutes at +1 per minute: now above the fresh VIP.
  std::vector<AgentSnapshot> again{agent(1, 1)};
  std::vector<TaskSnapshot> aged{task(11, kNow - 101min), vip};
  EXPECT_TRUE(assignments(match_tasks(aged, again, queues(), at_now())).contains(11));
  EXPECT_EQ(effective_priority(5, kNow - 150s, kNow, 60s), 7);
}

TEST(AssignmentMatcher, StepTimeoutsCountFromEnteredAt) {
  RoutingPlan plan;
  plan.entered_at = kNow;
  plan.steps = {RoutingStep{"vip", {"gold"}, 50, 0, std::nullopt, 30s},
                RoutingStep{"", {}, std::nullopt, 10, std::nullopt, 90s},
                RoutingStep{"general", {}, std::nullopt, 0, std::nullopt, 120s}};
  plan.exhausted_queue = "overflow";
  auto s = active_step(plan, kNow + 10s);
  EXPECT_EQ(s.index, 0u);
  EXPECT_EQ(s.step.queue, "vip");
  EXPECT_EQ(s.priority, 50);
  s = active_step(plan, kNow + 31s);
  EXPECT_EQ(s.index, 1u);
  EXPECT_EQ(s.step.queue, "vip");  // empty: the previous step's queue
  EXPECT_TRUE(s.step.skills.empty());
  EXPECT_EQ(s.priority, 60);
  s = active_step(plan, kNow + 100s);
  EXPECT_EQ(s.step.queue, "general");
  s = active_step(plan, kNow + 121s);
  EXPECT_TRUE(s.exhausted);
  EXPECT_EQ(s.step.queue, "overflow");
}

TEST(AssignmentMatcher, ATaskNobodyCanTakeDoesNotBlockTheOthers) {
  std::vector<AgentSnapshot> agents{agent(1)};
  auto blocked = task(10, kNow - 60s, Channel::webchat, {RoutingStep{"default", {"klingon"}, 900, 0, std::nullopt, {}}});
  std::vector<TaskSnapshot> tasks{blocked, task(11, kNow)};
  const auto a = assignments(match_tasks(tasks, agents, queues(), at_now()));
  EXPECT_FALSE(a.contains(10));
  EXPECT_EQ(a.at(11), 1);
}

TEST(AssignmentMatcher, TheAgentWhoMissedTheOfferIsNotOfferedItAgainAtOnce) {
  std::vector<AgentSnapshot> agents{agent(1), agent(2)};
  auto t = task(10, kNow);
  t.last_missed_agent = 2;
  std::vector<TaskSnapshot> tasks{t};
  const auto result = match_tasks(tasks, agents, queues(QueueStrategy::longest_idle, 15), at_now());
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(result.matches[0].agents, std::vector<domain::Id>{1});
  EXPECT_TRUE(result.matches[0].offer);
}

TEST(AssignmentPlanJson, RoundTripsStepsAndFallsBackOnGarbage) {
  RoutingPlan plan;
  plan.workflow_version = 4;
  plan.rule = "vip-refund";
  plan.steps = {RoutingStep{"vip", {"refund", "zh"}, 80, 5, 42, 30s}};
  plan.when_exhausted = RoutingPlan::WhenExhausted::ticket;
  plan.language = "zh";
  const auto back = plan_from_json(plan_to_json(plan), 9, Channel::wechat, kNow);
  EXPECT_EQ(back.conversation_id, 9);
  EXPECT_EQ(back.workflow_version, 4);
  ASSERT_EQ(back.steps.size(), 1u);
  EXPECT_EQ(back.steps[0].skills, (std::vector<std::string>{"refund", "zh"}));
  EXPECT_EQ(back.steps[0].priority, 80);
  EXPECT_EQ(back.steps[0].agent_id, 42);
  EXPECT_EQ(back.steps[0].timeout, 30s);
  EXPECT_EQ(back.when_exhausted, RoutingPlan::WhenExhausted::ticket);
  const auto fallback = plan_from_json("{not json", 9, Channel::wechat, kNow);
  ASSERT_EQ(fallback.steps.size(), 1u);
  EXPECT_EQ(fallback.steps[0].queue, "default");
}

TEST(AgentProfileRules, SipUrisAreCheckedAndSizeLimited) {
  EXPECT_FALSE(check_sip_uri("sip:1001@pbx.example.com"));
  EXPECT_FALSE(check_sip_uri("SIPS:alice@10.0.0.5:5061;transport=tls"));
  EXPECT_FALSE(check_sip_uri("sip:[2001:db8::1]:5060"));
  EXPECT_TRUE(check_sip_uri("tel:+15551234"));
  EXPECT_TRUE(check_sip_uri("sip:"));
  EXPECT_TRUE(check_sip_uri("sip:@host"));
  EXPECT_TRUE(check_sip_uri("sip:bob@ho st"));
  EXPECT_TRUE(check_sip_uri("sip:bob@host<script>"));
  EXPECT_TRUE(check_sip_uri("sip:" + std::string(300, 'a') + "@h"));
  EXPECT_EQ(check_sip_uri("http://x")->field, "/sip_uri");
  EXPECT_FALSE(check_routing_key("refund_2", "/skills"));
  EXPECT_TRUE(check_routing_key("Refund", "/skills"));
  EXPECT_TRUE(check_routing_key("", "/skills"));
}

}  // namespace
}  // namespace cc::services
