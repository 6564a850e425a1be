// While a task waits: priority aging from its workflow (queue order: aged priority, then oldest;
// the cap), plans ending in a ticket or a closing message are left to the timer pass, queue
// figures for conditions and the expected wait, the position notice's wording, and the timer
// pass handing exhausted tasks over and passing each workflow version's aging to the round.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cc/services/assignment_matcher.hpp"
#include "cc/services/assignment_queue_stats.hpp"
#include "cc/services/assignment_service.hpp"
#include "fake_assignment_store.hpp"

namespace cc::services {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using namespace std::chrono_literals;
using domain::Channel;

const domain::TimePoint kNow = domain::TimePoint(std::chrono::hours(500000));

AgentSnapshot one_slot_agent() {
  AgentSnapshot a;
  a.id = 1;
  a.status = domain::AgentStatus::online;
  a.capacity = {1, 0, 0, 0, 0, 0};  // one webchat slot: the order decides who gets it
  return a;
}

TaskSnapshot waiting(domain::Id conversation, domain::TimePoint entered, int priority) {
  TaskSnapshot t;
  t.plan.conversation_id = conversation;
  t.plan.channel = Channel::webchat;
  t.plan.entered_at = entered;
  t.plan.steps = {RoutingStep{"default", {}, priority, 0, std::nullopt, {}}};
  return t;
}

std::map<std::string, QueueSettings> default_queue() {
  QueueSettings q;
  q.key = "default";
  return {{"default", q}};
}

domain::Id winner(std::vector<TaskSnapshot> tasks, std::chrono::seconds default_aging = 0s) {
  std::vector<AgentSnapshot> agents{one_slot_agent()};
  MatchOptions options;
  options.now = kNow;
  options.aging = default_aging;
  const auto result = match_tasks(std::move(tasks), agents, default_queue(), options);
  return result.matches.empty() ? 0 : result.matches.front().conversation_id;
}

TEST(AssignmentAging, HigherPriorityFirstThenOldest) {
  EXPECT_EQ(winner({waiting(1, kNow - 50s, 0), waiting(2, kNow - 5s, 10)}), 2);
  EXPECT_EQ(winner({waiting(1, kNow - 5s, 10), waiting(2, kNow - 50s, 10)}), 2);
}

TEST(AssignmentAging, TheWorkflowsAgingLetsAnOldLowPriorityTaskOvertake) {
  auto old_task = waiting(1, kNow - 10min, 0);
  const auto fresh_vip = waiting(2, kNow - 1s, 50);
  EXPECT_EQ(winner({old_task, fresh_vip}), 2);  // no aging: priority wins
  old_task.aging = TaskAging{60s, 10, 1000};    // +10 a minute: 0 + 100 after 10 minutes
  EXPECT_EQ(winner({old_task, fresh_vip}), 1);
  old_task.aging = TaskAging{60s, 10, 40};  // capped at 40: stays below the VIP
  EXPECT_EQ(winner({old_task, fresh_vip}), 2);
  old_task.aging.reset();  // the engine's default (+1 a minute) is not enough here
  EXPECT_EQ(winner({old_task, fresh_vip}, 60s), 2);
}

TEST(AssignmentAging, EffectivePriorityCountsWholePeriodsAndKeepsAHigherStart) {
  EXPECT_EQ(effective_priority(5, kNow - 179s, kNow, TaskAging{60s, 3, 1000}), 11);
  EXPECT_EQ(effective_priority(5, kNow, kNow, TaskAging{60s, 3, 1000}), 5);
  EXPECT_EQ(effective_priority(500, kNow - 1h, kNow, TaskAging{60s, 3, 100}), 500);  // above max already
  EXPECT_EQ(effective_priority(5, kNow - 1h, kNow, TaskAging{0s, 3, 100}), 5);       // off
}

TEST(AssignmentExhausted, APlanEndingInATicketOrCloseIsNotMatchedOnceItsStepsRanOut) {
  for (const auto ending : {RoutingPlan::WhenExhausted::ticket, RoutingPlan::WhenExhausted::close}) {
    auto task = waiting(1, kNow - 2min, 0);
    task.plan.steps[0].timeout = 60s;
    task.plan.when_exhausted = ending;
    EXPECT_EQ(winner({task}), 0);
    task.plan.steps[0].timeout = 180s;  // still in its step
    EXPECT_EQ(winner({task}), 1);
  }
  auto overflow = waiting(1, kNow - 2min, 0);
  overflow.plan.steps[0].timeout = 60s;
  overflow.plan.exhausted_queue = "default";
  EXPECT_EQ(winner({overflow}), 1);  // default_queue: the exhausted queue takes it
}

TEST(QueueStatsCache, AnswersLengthOldestWaitAndExpectedWait) {
  QueueStatsCache cache;
  EXPECT_FALSE(cache.stats("default"));
  cache.update({AssignmentQueueLoad{"default", 4, kNow - 90s, 30}, AssignmentQueueLoad{"vip", 0, std::nullopt, 0}},
               kNow, 900s);
  const auto stats = cache.stats("default");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->length, 4);
  EXPECT_DOUBLE_EQ(stats->oldest_wait_seconds, 90.0);
  ASSERT_TRUE(cache.stats("vip"));
  EXPECT_EQ(cache.stats("vip")->length, 0);
  EXPECT_FALSE(cache.stats("nope"));
  // 30 assigned in 15 minutes: one every 30 s; the 5th waits ~150 s -> 3 minutes (rounded up).
  EXPECT_EQ(cache.expected_wait("default", 5), std::chrono::minutes(3));
  EXPECT_EQ(cache.expected_wait("default", 1), std::chrono::minutes(1));
  EXPECT_FALSE(cache.expected_wait("vip", 1));  // nothing assigned lately: no figure
}

TEST(PositionNotice, SaysThePositionAndTheExpectedWaitInTheCustomersLanguage) {
  EXPECT_EQ(position_notice_text(3, std::chrono::minutes(4), "en"),
            "You are number 3 in the queue; the expected wait is about 4 minutes.");
  EXPECT_EQ(position_notice_text(1, std::chrono::minutes(1), ""),
            "You are number 1 in the queue; the expected wait is about 1 minute.");
  EXPECT_EQ(position_notice_text(2, std::nullopt, "en"),
            "You are number 2 in the queue; an agent will be with you shortly.");
  EXPECT_EQ(position_notice_text(2, std::chrono::minutes(5), "zh"), "您目前排在第2位，预计等待约5分钟。");
}

class WaitingStore final : public testing::FakeAssignmentStore {
 public:
  awaitable<Result<RoundResult>> run_round(RoundOptions options) override {
    ++rounds;
    seen_aging = options.workflow_aging;
    co_return RoundResult{};
  }
  awaitable<Result<std::vector<ExhaustedTask>>> claim_exhausted(domain::TimePoint now, int) override {
    claimed_at = now;
    ExhaustedTask task;
    task.conversation_id = 31;
    task.customer_id = 7;
    task.plan.when_exhausted = RoutingPlan::WhenExhausted::close;
    co_return std::vector<ExhaustedTask>{task};
  }
  awaitable<Result<std::vector<AssignmentQueueLoad>>> queue_loads(std::chrono::seconds) override {
    co_return std::vector<AssignmentQueueLoad>{AssignmentQueueLoad{"default", 2, std::nullopt, 90}};
  }
  awaitable<Result<std::vector<PositionNotice>>> due_position_notices(domain::TimePoint, std::chrono::seconds,
                                                                     std::vector<Channel> channels,
                                                                     int) override {
    seen_channels = channels;
    co_return std::vector<PositionNotice>{PositionNotice{40, 2, "default", "en"}};
  }
  std::map<int, TaskAging> seen_aging;
  std::optional<domain::TimePoint> claimed_at;
  std::vector<Channel> seen_channels;
};

class Handler final : public ExhaustedTaskHandler {
 public:
  awaitable<void> handle(ExhaustedTask task) override {
    handled.push_back(task.conversation_id);
    co_return;
  }
  std::vector<domain::Id> handled;
};

using Told = testing::RecordingNotifier;
using testing::run;

TEST(AssignmentPass, EndsExhaustedTasksAgesByWorkflowAndTellsTheExpectedWait) {
  asio::io_context io;
  WaitingStore store;
  testing::FakeAgents agents;
  testing::RecordingEvents event_store;
  testing::NullBus bus;
  EventDispatcher events{event_store, bus};
  AssignmentService assignment{io.get_executor(), store, agents, events, AssignmentOptions{}, [] { return kNow; }};
  Handler handler;
  Told told;
  run(io, assignment.run_pass());
  EXPECT_FALSE(store.claimed_at);  // no handler wired: nothing is claimed
  EXPECT_TRUE(store.seen_aging.empty());

  assignment.set_exhausted_handler(handler);
  assignment.set_notifier(told);
  assignment.set_aging_source([]() -> std::optional<std::pair<int, TaskAging>> {
    return std::pair{4, TaskAging{30s, 2, 500}};
  });
  run(io, assignment.run_pass());
  EXPECT_EQ(store.claimed_at, kNow);
  EXPECT_EQ(handler.handled, std::vector<domain::Id>{31});
  ASSERT_TRUE(store.seen_aging.contains(4));
  EXPECT_EQ(store.seen_aging.at(4).every, 30s);
  EXPECT_EQ(store.seen_aging.at(4).bump, 2);
  // 90 assigned in 15 minutes = one every 10 s: number 2 waits ~20 s -> "about 1 minute".
  ASSERT_EQ(told.told.size(), 1u);
  EXPECT_EQ(told.told[0].first, 40);
  EXPECT_EQ(told.told[0].second, "You are number 2 in the queue; the expected wait is about 1 minute.");
  EXPECT_EQ(assignment.queue_stats().stats("default")->length, 2);
  // Web chat, WeChat and SMS customers are told; voice and email are not.
  EXPECT_EQ(store.seen_channels, (std::vector<Channel>{Channel::webchat, Channel::wechat, Channel::sms}));
}

}  // namespace
}  // namespace cc::services
