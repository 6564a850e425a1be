// RoutingEngine, RoutingWorkflowService and IntentService over in-memory fakes: routing
// decisions and actions, draft revisions (ETag), activation reaching a second instance through
// the bus and through the poll, rollback, simulate's trace, training and classify.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <map>

#include "cc/services/routing_engine.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> awaitable) {
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  return std::move(*result);
}

class FakeBus final : public EventBus {
 public:
  void publish(const std::string& topic, std::string payload) override {
    for (auto& [t, s] : subscribers_) if (t == topic) s(payload);
  }
  void subscribe(const std::string& topic, Subscriber s) override { subscribers_.emplace_back(topic, std::move(s)); }
  bool connected() const override { return true; }

 private:
  std::vector<std::pair<std::string, Subscriber>> subscribers_;
};

class MemoryIntentStore final : public IntentStore {
 public:
  boost::asio::awaitable<Result<std::vector<IntentDefinition>>> definitions() override { co_return defs; }
  boost::asio::awaitable<Status> replace_definitions(std::vector<IntentDefinition> d) override {
    defs = std::move(d);
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::vector<routing::LabelledExample>>> examples() override { co_return rows; }
  boost::asio::awaitable<Status> replace_examples(std::vector<routing::LabelledExample> e) override {
    rows = std::move(e);
    co_return Ok{};
  }
  boost::asio::awaitable<Status> seed_examples(std::vector<routing::LabelledExample> shipped) override {
    if (rows.empty()) rows = std::move(shipped);
    co_return Ok{};
  }
  std::vector<IntentDefinition> defs;
  std::vector<routing::LabelledExample> rows;
};

class MemoryWorkflowStore final : public WorkflowStore {
 public:
  boost::asio::awaitable<Result<WorkflowDraft>> draft() override { co_return draft_; }
  boost::asio::awaitable<Result<WorkflowDraft>> save_draft(std::string document, long long expected,
                                                           std::optional<domain::Id>) override {
    if (expected != draft_.revision) co_return Error::conflict("stale");
    draft_.document = std::move(document);
    ++draft_.revision;
    co_return draft_;
  }
  boost::asio::awaitable<Result<int>> add_active_version(std::string document, std::optional<domain::Id>) override {
    WorkflowVersion v;
    v.version = static_cast<int>(versions_.size()) + 1;
    v.document = std::move(document);
    versions_.push_back(v);
    active_ = v.version;
    co_return v.version;
  }
  boost::asio::awaitable<Result<Ok>> set_active(int version, std::optional<domain::Id>) override {
    active_ = version;
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::optional<WorkflowVersion>>> active() override {
    if (active_ == 0) co_return std::optional<WorkflowVersion>();
    co_return std::optional<WorkflowVersion>(versions_[static_cast<std::size_t>(active_ - 1)]);
  }
  boost::asio::awaitable<Result<int>> active_version() override { co_return active_; }
  boost::asio::awaitable<Result<std::vector<WorkflowVersion>>> versions(int) override {
    auto out = versions_;
    std::reverse(out.begin(), out.end());
    co_return out;
  }
  boost::asio::awaitable<Result<WorkflowVersion>> version(int number) override {
    if (number < 1 || number > static_cast<int>(versions_.size())) co_return Error::not_found("no");
    co_return versions_[static_cast<std::size_t>(number - 1)];
  }

 private:
  WorkflowDraft draft_;
  std::vector<WorkflowVersion> versions_;
  int active_ = 0;
};

class FakeContext final : public RoutingContextSource {
 public:
  boost::asio::awaitable<Result<RoutingLookup>> lookup(domain::Id customer_id, domain::Id) override {
    RoutingLookup out;
    out.customer.id = customer_id;
    out.customer.tier = customer_id == 7 ? "vip" : "standard";
    co_return out;
  }
};

class FakeTaskQueue final : public TaskQueue {
 public:
  boost::asio::awaitable<Status> enqueue(RoutingPlan plan) override {
    plans.push_back(std::move(plan));
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::vector<CandidateVerdict>>> candidates(RoutingStep step, domain::Channel) override {
    std::vector<CandidateVerdict> out;
    out.push_back({1, "Ann", true, ""});
    out.push_back({2, "Bob", false, step.skills.empty() ? "offline" : "missing skill " + step.skills[0]});
    co_return out;
  }
  std::vector<RoutingPlan> plans;
};

class FakeTickets final : public TicketCreator {
 public:
  boost::asio::awaitable<Result<domain::Id>> create_ticket(NewTicket ticket) override {
    tickets.push_back(std::move(ticket));
    co_return domain::Id{100};
  }
  std::vector<NewTicket> tickets;
};

std::vector<routing::LabelledExample> shipped() {
  return {{"I want a refund", "refund"},       {"refund my money please", "refund"},
          {"give me my money back", "refund"}, {"where is my parcel", "shipping"},
          {"when will my order ship", "shipping"}, {"track my delivery", "shipping"}};
}

const char* kDocument = R"({
  "rules": [
    {"name": "spam", "when": "text MATCHES \"(?i)casino\"", "actions": {"block": true}},
    {"name": "vip refund", "when": "intent == 'refund' AND customer.tier == 'vip'",
     "steps": [{"queue": "vip", "skills": ["refund"], "priority": 800, "timeout": 60}, {"queue": "general"}],
     "actions": {"auto_reply": {"en": "A specialist is on the way.", "zh": "专员马上到。"},
                 "create_ticket": {"type": "return", "priority": "high"}}}
  ],
  "default": {"steps": [{"queue": "general"}]}
})";

struct Harness {
  boost::asio::io_context io;
  FakeBus bus;
  MemoryIntentStore intent_store;
  MemoryWorkflowStore workflow_store;
  FakeContext context;
  FakeTaskQueue queue;
  FakeTickets tickets;
  std::vector<std::pair<domain::Id, std::string>> sent;
  IntentService intents{intent_store, bus, shipped(), routing::TrainOptions{}};
  RoutingWorkflowService workflows{io.get_executor(), workflow_store, bus};
  RoutingEngine engine{RoutingEngineDeps{
      intents, workflows, context, queue, tickets,
      [this](domain::Id id, std::string text) -> boost::asio::awaitable<Status> {
        sent.emplace_back(id, std::move(text));
        co_return Ok{};
      },
      nullptr, nullptr, {}}};

  void activate(const char* document) {
    auto draft = run(io, workflows.draft());
    ASSERT_TRUE(run(io, workflows.save_draft(json::parse(document), draft->revision, std::nullopt)));
    auto outcome = run(io, workflows.activate(std::nullopt));
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->errors.empty());
  }
};

IngestResult inbound(domain::Id customer, std::string text, bool created = true) {
  IngestResult result;
  result.conversation_created = created;
  result.conversation.id = 55;
  result.conversation.customer_id = customer;
  result.conversation.channel = domain::Channel::webchat;
  result.message.content = std::move(text);
  return result;
}

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
