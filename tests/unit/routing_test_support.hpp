#pragma once
// In-memory fakes of the routing engine's ports and a Harness wiring them (shared by
// routing_engine_test.cpp and routing_bot_loop_test.cpp).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <tuple>

#include "cc/services/bot_service.hpp"
#include "cc/services/routing_engine.hpp"

namespace cc::services::testing {

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

class MemoryBotStore final : public BotStore {
 public:
  boost::asio::awaitable<Result<BotRevisions>> revisions() override { co_return revs; }
  boost::asio::awaitable<Result<std::vector<StoredFaq>>> faq_entries() override { co_return faq; }
  boost::asio::awaitable<Result<StoredFaq>> save_faq(std::optional<domain::Id> id, FaqEntry entry) override {
    StoredFaq stored{id.value_or(static_cast<domain::Id>(faq.size()) + 1), std::move(entry)};
    stored.entry.id = std::to_string(stored.id);
    std::erase_if(faq, [&](const StoredFaq& f) { return f.id == stored.id; });
    faq.push_back(stored);
    ++revs.faq;
    co_return stored;
  }
  boost::asio::awaitable<Status> delete_faq(domain::Id id) override {
    std::erase_if(faq, [&](const StoredFaq& f) { return f.id == id; });
    ++revs.faq;
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::vector<StoredSensitiveWord>>> sensitive_words() override { co_return words; }
  boost::asio::awaitable<Status> replace_sensitive_words(std::vector<StoredSensitiveWord> w) override {
    words = std::move(w);
    ++revs.words;
    co_return Ok{};
  }
  boost::asio::awaitable<Status> add_hit(SensitiveHit hit) override {
    flagged.push_back(std::move(hit));
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::vector<SensitiveHit>>> hits(bool, domain::Id, int) override { co_return flagged; }
  boost::asio::awaitable<Status> mark_reviewed(domain::Id) override { co_return Ok{}; }
  boost::asio::awaitable<Result<BotState>> bot_state(domain::Id conversation_id) override {
    co_return states[conversation_id];
  }
  boost::asio::awaitable<Status> save_bot_state(domain::Id conversation_id, BotState state) override {
    states[conversation_id] = std::move(state);
    co_return Ok{};
  }
  boost::asio::awaitable<Status> tag(domain::Id conversation_id, domain::Id customer_id,
                                     std::vector<std::string> t) override {
    for (auto& tag : t) tags.emplace_back(conversation_id, customer_id, std::move(tag));
    co_return Ok{};
  }
  boost::asio::awaitable<Status> block_spam(domain::Id conversation_id, domain::Id) override {
    blocked.push_back(conversation_id);
    co_return Ok{};
  }
  boost::asio::awaitable<Result<std::vector<domain::Id>>> supervisor_ids() override {
    co_return std::vector<domain::Id>{90, 91};
  }

  BotRevisions revs;
  std::vector<StoredFaq> faq;
  std::vector<StoredSensitiveWord> words;
  std::vector<SensitiveHit> flagged;
  std::map<domain::Id, BotState> states;
  std::vector<std::tuple<domain::Id, domain::Id, std::string>> tags;
  std::vector<domain::Id> blocked;
};

inline std::vector<routing::LabelledExample> shipped() {
  return {{"I want a refund", "refund"},       {"refund my money please", "refund"},
          {"give me my money back", "refund"}, {"where is my parcel", "shipping"},
          {"when will my order ship", "shipping"}, {"track my delivery", "shipping"}};
}

inline constexpr const char* kDocument = R"({
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
  std::vector<std::pair<domain::Id, std::string>> sent;      // sender "system"
  std::vector<std::pair<domain::Id, std::string>> bot_sent;  // sender "bot"
  std::vector<std::pair<domain::Id, std::string>> notices;   // supervisor notices: conversation, rule
  std::vector<domain::Id> closed;                             // conversations the engine closed
  std::optional<domain::TimePoint> now;                       // unset: the system clock
  MemoryBotStore bot_store;
  BotService bot{bot_store, nullptr};
  IntentService intents{intent_store, bus, shipped(), routing::TrainOptions{}};
  RoutingWorkflowService workflows{io.get_executor(), workflow_store, bus};
  RoutingEngine engine{RoutingEngineDeps{
      intents, workflows, context, queue, tickets,
      [this](domain::Id id, std::string text) -> boost::asio::awaitable<Status> {
        sent.emplace_back(id, std::move(text));
        co_return Ok{};
      },
      nullptr, nullptr,
      [this] { return now ? *now : std::chrono::system_clock::now(); },
      &bot,
      [this](domain::Id id, std::string text) -> boost::asio::awaitable<Status> {
        bot_sent.emplace_back(id, std::move(text));
        co_return Ok{};
      },
      [this](domain::Id id, std::string rule, std::string) -> boost::asio::awaitable<void> {
        notices.emplace_back(id, std::move(rule));
        co_return;
      },
      [this](domain::Id id) -> boost::asio::awaitable<Status> {
        closed.push_back(id);
        co_return Ok{};
      }}};

  void activate(const char* document) {
    auto draft = run(io, workflows.draft());
    ASSERT_TRUE(run(io, workflows.save_draft(json::parse(document), draft->revision, std::nullopt)));
    auto outcome = run(io, workflows.activate(std::nullopt));
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->errors.empty());
  }
};

inline IngestResult inbound(domain::Id customer, std::string text, bool created = true) {
  IngestResult result;
  result.conversation_created = created;
  result.conversation.id = 55;
  result.conversation.customer_id = customer;
  result.conversation.channel = domain::Channel::webchat;
  result.message.content = std::move(text);
  return result;
}

}  // namespace cc::services::testing
