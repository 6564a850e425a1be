// AssignmentService and DefaultRouter against fakes: VIP priority, the timer pass's reactions
// (an agent set away after missed offers is told, and so are supervisors; customers of released
// conversations are told), candidates for a missing queue.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cc/services/assignment_service.hpp"
#include "cc/services/default_router.hpp"
#include "fake_assignment_store.hpp"

namespace cc::services {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

class PassStore final : public testing::FakeAssignmentStore {
 public:
  awaitable<Result<ExpiredOffers>> expire_offers(domain::TimePoint now, int max_missed) override {
    seen_now = now;
    seen_max = max_missed;
    ExpiredOffers out;
    out.expired = 3;
    out.agents_set_away = {5};
    co_return out;
  }
  awaitable<Result<std::vector<OfflineOutcome>>> release_offline_agents(domain::TimePoint, int) override {
    co_return std::vector<OfflineOutcome>{{77, 6, OfflineAction::requeue, "default"}};
  }
  domain::TimePoint seen_now{};
  int seen_max = 0;
};

using Notes = testing::RecordingNotifier;
using testing::run;

testing::FakeAgents supervisors() {
  testing::FakeAgents agents;
  agents.supervisors = {900};
  return agents;
}

struct Fixture {
  asio::io_context io;
  PassStore store;
  testing::FakeAgents agents{supervisors()};
  testing::RecordingEvents event_store;
  testing::NullBus bus;
  EventDispatcher events{event_store, bus};
  domain::TimePoint now = domain::TimePoint(std::chrono::hours(400000));
  AssignmentService assignment{io.get_executor(), store, agents, events, AssignmentOptions{},
                               [this] { return now; }};
};

TEST(AssignmentService, APassSetsMissersAwayTellsSupervisorsAndCustomers) {
  Fixture f;
  Notes notes;
  f.assignment.set_notifier(notes);
  run(f.io, f.assignment.run_pass());
  EXPECT_EQ(f.store.seen_now, f.now);  // the injected clock decides expiry
  EXPECT_EQ(f.store.seen_max, 3);
  std::vector<std::pair<domain::Id, std::string>> events;
  for (const auto& e : f.event_store.stored) events.emplace_back(e.agent_id, e.type);
  EXPECT_NE(std::find(events.begin(), events.end(), std::pair<domain::Id, std::string>{5, "agent.status"}),
            events.end());
  EXPECT_NE(std::find(events.begin(), events.end(), std::pair<domain::Id, std::string>{900, "agent.status"}),
            events.end());
  EXPECT_NE(std::find(events.begin(), events.end(),
                      std::pair<domain::Id, std::string>{6, "conversation.unassigned"}),
            events.end());
  ASSERT_EQ(notes.told.size(), 1u);
  EXPECT_EQ(notes.told[0].first, 77);
  EXPECT_GE(f.store.rounds, 1);  // and matching ran
}

TEST(AssignmentService, CandidatesOfAMissingQueueAreNeverEligible) {
  Fixture f;
  AgentSnapshot a;
  a.id = 1;
  a.status = domain::AgentStatus::online;
  a.capacity = {5, 5, 5, 10, 1, 5};
  f.store.agents = {a};
  RoutingStep step;
  step.queue = "nope";
  const auto verdicts = run(f.io, f.assignment.candidates(step, domain::Channel::webchat));
  ASSERT_TRUE(verdicts);
  ASSERT_EQ(verdicts->size(), 1u);
  EXPECT_FALSE((*verdicts)[0].eligible);
  EXPECT_EQ((*verdicts)[0].reason, "queue nope does not exist");
  step.queue = "default";
  const auto ok = run(f.io, f.assignment.candidates(step, domain::Channel::webchat));
  EXPECT_TRUE((*ok)[0].eligible);
}

TEST(DefaultRouter, VipCustomersGetTheHigherPriority) {
  asio::io_context io;
  testing::FakeAssignmentStore store;
  store.vip_customer = 42;
  DefaultRouter router{store};
  IngestResult result;
  result.conversation.id = 8;
  result.conversation.customer_id = 42;
  result.conversation.channel = domain::Channel::wechat;
  auto decision = run(io, router.route(result));
  ASSERT_EQ(decision.kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(decision.plan->steps.at(0).priority, 100);
  EXPECT_EQ(decision.plan->steps.at(0).queue, "default");
  EXPECT_EQ(decision.plan->channel, domain::Channel::wechat);
  result.conversation.customer_id = 43;
  decision = run(io, router.route(result));
  EXPECT_EQ(decision.plan->steps.at(0).priority, 0);
  result.conversation.assignee_id = 3;  // someone holds it: nothing to route
  EXPECT_EQ(run(io, router.route(result)).kind, RoutingDecision::Kind::ignored);
}

}  // namespace
}  // namespace cc::services
