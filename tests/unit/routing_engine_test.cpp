// RoutingEngine, RoutingWorkflowService and IntentService over in-memory fakes: routing
// decisions and actions, draft revisions (ETag), activation reaching a second instance through
// the bus and through the poll, rollback, simulate's trace, training and classify.
#include "routing_test_support.hpp"

namespace cc::services {
namespace {

using nlohmann::json;
using namespace cc::services::testing;

TEST(RoutingEngine, VipRefundIsQueuedWithItsStepsAndActionsRunOnce) {
  Harness h;
  h.activate(kDocument);
  auto decision = run(h.io, h.engine.route(inbound(7, "I want a refund for my order")));
  ASSERT_EQ(decision.kind, RoutingDecision::Kind::queue);
  ASSERT_TRUE(decision.plan);
  EXPECT_EQ(decision.plan->rule, "vip refund");
  EXPECT_EQ(decision.plan->workflow_version, 1);
  EXPECT_EQ(decision.plan->language, "en");
  ASSERT_EQ(decision.plan->steps.size(), 2u);
  EXPECT_EQ(decision.plan->steps[0].queue, "vip");
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].second, "A specialist is on the way.");
  ASSERT_EQ(h.tickets.tickets.size(), 1u);
  EXPECT_EQ(h.tickets.tickets[0].priority, "high");
  EXPECT_EQ(h.tickets.tickets[0].requester_id, 7);
  // A later message of the same conversation: routed again, but no second reply or ticket.
  decision = run(h.io, h.engine.route(inbound(7, "refund please", false)));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.tickets.tickets.size(), 1u);
}

TEST(RoutingEngine, SpamIsBlockedAndOthersTakeTheDefault) {
  Harness h;
  h.activate(kDocument);
  EXPECT_EQ(run(h.io, h.engine.route(inbound(3, "best CASINO bonus"))).kind, RoutingDecision::Kind::blocked);
  auto decision = run(h.io, h.engine.route(inbound(3, "I want a refund")));  // not VIP
  ASSERT_TRUE(decision.plan);
  EXPECT_EQ(decision.plan->rule, "default");
  EXPECT_EQ(decision.plan->steps[0].queue, "general");
  auto assigned = inbound(3, "hello");
  assigned.conversation.assignee_id = 4;
  EXPECT_EQ(run(h.io, h.engine.route(assigned)).kind, RoutingDecision::Kind::ignored);
  auto duplicate = inbound(3, "hello");
  duplicate.duplicate = true;
  EXPECT_EQ(run(h.io, h.engine.route(duplicate)).kind, RoutingDecision::Kind::ignored);
}

TEST(RoutingEngine, WithoutAnActiveVersionEverythingGoesToTheDefaultQueue) {
  Harness h;
  auto decision = run(h.io, h.engine.route(inbound(7, "I want a refund")));
  ASSERT_TRUE(decision.plan);
  EXPECT_EQ(decision.plan->workflow_version, 0);
  EXPECT_EQ(decision.plan->steps[0].queue, "default");
}

// Open Monday to Friday 09:00-18:00 UTC; the outside-hours action is filled in per test.
std::string after_hours_document(const char* outside_hours) {
  auto document = json::parse(kDocument);
  document["business_hours"] = json{
      {"zone", "+00:00"},
      {"weekly", {{"mon", {"09:00-18:00"}}, {"tue", {"09:00-18:00"}}, {"wed", {"09:00-18:00"}},
                  {"thu", {"09:00-18:00"}}, {"fri", {"09:00-18:00"}}}},
      {"outside_hours", json::parse(outside_hours)}};
  return document.dump();
}

domain::TimePoint utc(int year, unsigned month, unsigned day, int hour) {
  return std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} +
         std::chrono::hours{hour};
}

TEST(RoutingEngine, OutsideHoursCloseAnswersAndClosesTheConversation) {
  Harness h;
  h.activate(after_hours_document(R"({"action": "close", "message": "We open at 9."})").c_str());
  h.now = utc(2026, 11, 22, 3);  // Sunday night
  auto decision = run(h.io, h.engine.route(inbound(3, "hello?")));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::ignored);
  EXPECT_FALSE(decision.plan);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_EQ(h.sent[0].second, "We open at 9.");
  EXPECT_EQ(h.closed, std::vector<domain::Id>{55});
  EXPECT_TRUE(h.tickets.tickets.empty());

  h.now = utc(2026, 11, 23, 10);  // Monday morning: the same message is queued, nothing closed
  decision = run(h.io, h.engine.route(inbound(3, "hello?")));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.closed.size(), 1u);
}

TEST(RoutingEngine, OutsideHoursTicketOpensOneAndLeavesTheConversationOpen) {
  Harness h;
  h.activate(after_hours_document(R"({"action": "ticket", "message": "We will get back to you."})").c_str());
  h.now = utc(2026, 11, 23, 20);  // Monday 20:00
  auto decision = run(h.io, h.engine.route(inbound(3, "my parcel is lost")));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::ignored);
  EXPECT_EQ(h.tickets.tickets.size(), 1u);
  EXPECT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.closed.empty());
}

TEST(RoutingEngine, OutsideHoursQueueSendsToTheNightQueue) {
  Harness h;
  h.activate(after_hours_document(R"({"action": "queue", "queue": "night"})").c_str());
  h.now = utc(2026, 11, 21, 12);  // Saturday
  auto decision = run(h.io, h.engine.route(inbound(3, "hello")));
  ASSERT_EQ(decision.kind, RoutingDecision::Kind::queue);
  ASSERT_TRUE(decision.plan);
  EXPECT_EQ(decision.plan->steps[0].queue, "night");
  EXPECT_TRUE(h.closed.empty());
}

TEST(RoutingWorkflowService, DraftRevisionsRefuseStaleWrites) {
  Harness h;
  auto first = run(h.io, h.workflows.save_draft(json::parse(kDocument), 0, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->revision, 1);
  auto stale = run(h.io, h.workflows.save_draft(json::parse(kDocument), 0, std::nullopt));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_TRUE(run(h.io, h.workflows.save_draft(json::parse(kDocument), 1, std::nullopt)));
}

TEST(RoutingWorkflowService, InvalidDraftIsNotActivated) {
  Harness h;
  ASSERT_TRUE(run(h.io, h.workflows.save_draft(json::parse(R"({"rules": [{"name": "x", "when": "intent ==", "steps": []}]})"), 0, std::nullopt)));
  auto outcome = run(h.io, h.workflows.activate(std::nullopt));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->version, 0);
  EXPECT_GE(outcome->errors.size(), 2u);  // the condition, the empty steps, the missing default
  EXPECT_EQ(h.workflows.active()->version, 0);
}

TEST(RoutingWorkflowService, ActivationReachesASecondInstanceByBusAndByPoll) {
  Harness h;
  // A second instance on the same store and bus.
  RoutingWorkflowService other(h.io.get_executor(), h.workflow_store, h.bus);
  other.subscribe();
  h.activate(kDocument);
  h.io.restart();
  h.io.run();  // the bus notice's refresh coroutine
  EXPECT_EQ(other.active()->version, 1);
  // A third that missed the notice catches up on its next poll.
  RoutingWorkflowService late(h.io.get_executor(), h.workflow_store, h.bus);
  EXPECT_EQ(late.active()->version, 0);
  run(h.io, [&]() -> boost::asio::awaitable<int> { co_await late.refresh(); co_return 0; }());
  EXPECT_EQ(late.active()->version, 1);
  // Rollback to nothing earlier is refused; after a second version it goes back to the first.
  EXPECT_FALSE(run(h.io, h.workflows.rollback(std::nullopt, std::nullopt)));
  h.activate(R"({"default": {"steps": [{"queue": "other"}]}})");
  EXPECT_EQ(h.workflows.active()->version, 2);
  auto back = run(h.io, h.workflows.rollback(std::nullopt, std::nullopt));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 1);
  h.io.restart();
  h.io.run();
  EXPECT_EQ(other.active()->version, 1);
  EXPECT_EQ(other.active()->rules.size(), 2u);
}

TEST(RoutingEngine, SimulateTracesTheRuleStepsAndEveryCandidate) {
  Harness h;
  h.activate(kDocument);
  SimulationInput input;
  input.text = "I want a refund";
  input.customer.tier = "vip";
  auto trace = run(h.io, h.engine.simulate(input));
  ASSERT_TRUE(trace);
  EXPECT_EQ((*trace)["rule"], "vip refund");
  EXPECT_EQ((*trace)["decision"], "queue");
  EXPECT_EQ((*trace)["facts"]["intent"], "refund");
  ASSERT_EQ((*trace)["rules_tried"].size(), 2u);
  EXPECT_EQ((*trace)["rules_tried"][0]["matched"], false);
  ASSERT_EQ((*trace)["steps"].size(), 2u);
  const auto& candidates = (*trace)["steps"][0]["candidates"];
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[1]["reason"], "missing skill refund");
  EXPECT_EQ(candidates[0]["eligible"], true);
  input.channel = "pigeon";
  EXPECT_FALSE(run(h.io, h.engine.simulate(input)));
}

TEST(IntentService, UploadedExamplesAndRulesServeAfterTraining) {
  Harness h;
  ASSERT_TRUE(run(h.io, h.intents.start()));
  EXPECT_EQ(h.intent_store.rows.size(), 6u);  // seeded with the shipped set
  EXPECT_EQ(h.intents.classify("I want a refund", 3).intent, "refund");
  ASSERT_TRUE(run(h.io, h.intents.put_examples({{"the app crashes on login", "bug"},
                                                {"app crashed again", "bug"},
                                                {"cancel my plan", "cancel"},
                                                {"please cancel the subscription", "cancel"}})));
  EXPECT_NE(h.intents.classify("the app crashes", 3).intent, "bug");  // the old model until train
  ASSERT_TRUE(run(h.io, h.intents.train()));
  EXPECT_EQ(h.intents.classify("the app crashes", 3).intent, "bug");
  ASSERT_TRUE(run(h.io, h.intents.put_definitions({{"vip", "", {"platinum"}, {}, {}}})));
  ASSERT_TRUE(run(h.io, h.intents.train()));
  const auto ruled = h.intents.classify("I am a PLATINUM member", 3);
  EXPECT_EQ(ruled.intent, "vip");
  EXPECT_TRUE(ruled.matched_rule);

  auto bad = run(h.io, h.intents.put_definitions({{"x", "", {}, {"(unclosed"}, {}}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "/intents/0/patterns/0");
  auto bad_name = run(h.io, h.intents.put_examples({{"text", "Bad Name"}}));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().field, "/examples/0/intent");
}

}  // namespace
}  // namespace cc::services
