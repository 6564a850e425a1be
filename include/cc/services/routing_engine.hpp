#pragma once
// The routing engine: implements ConversationRouter. For an inbound message of a conversation no
// agent holds it builds the task's facts (intent, sentiment, language, customer, queue, time),
// picks the active workflow's rule, runs its actions (auto-reply, ticket, block) and returns the
// plan the assignment engine queues. Also answers simulate() with the full decision trace.
// Thread-safe: state lives in the services it reads (swapped shared_ptrs).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "cc/routing/sentiment.hpp"
#include "cc/services/intent_service.hpp"
#include "cc/services/polling_loop.hpp"
#include "cc/services/ports/ticket_creator.hpp"
#include "cc/services/routing_facts.hpp"
#include "cc/services/routing_plan.hpp"
#include "cc/services/routing_workflow_service.hpp"

namespace cc::services {

struct RoutingLookup {
  CustomerContext customer;
  int message_count = 1;
};

// Port: the customer's profile and the conversation's size (PostgreSQL in production).
class RoutingContextSource {
 public:
  virtual ~RoutingContextSource() = default;
  virtual boost::asio::awaitable<Result<RoutingLookup>> lookup(domain::Id customer_id,
                                                               domain::Id conversation_id) = 0;
};

// ConversationService::send_automated in production (sender "system").
using AutomatedSender =
    std::function<boost::asio::awaitable<Status>(domain::Id conversation_id, std::string content)>;
using RoutingClock = std::function<domain::TimePoint()>;
// Closes a conversation as the system (ConversationService::close in production).
using ConversationCloser = std::function<boost::asio::awaitable<Status>(domain::Id conversation_id)>;
// Tells supervisors and admins (agent WebSocket event) that a rule flagged a conversation.
using SupervisorNotifier =
    std::function<boost::asio::awaitable<void>(domain::Id conversation_id, std::string rule, std::string reason)>;
class BotService;

struct RoutingEngineDeps {
  IntentService& intents;
  RoutingWorkflowService& workflows;
  RoutingContextSource& context;
  TaskQueue& queue;
  TicketCreator& tickets;
  AutomatedSender send_automated;
  std::shared_ptr<const routing::SentimentAnalyzer> sentiment;  // null: neutral
  const QueueStatsSource* queue_stats = nullptr;
  RoutingClock clock;  // null: system_clock
  // Bot, tags, spam block (null: bot_first, tags and block only decide, nothing is stored).
  BotService* bot = nullptr;
  AutomatedSender send_bot;        // sender "bot"
  SupervisorNotifier notify_supervisor;  // null: logged only
  ConversationCloser close_conversation;  // null: outside-hours "close" answers but leaves it open
};

// What simulate() is given instead of a stored message.
struct SimulationInput {
  std::string text;
  std::string channel = "webchat";
  std::string channel_account;
  CustomerContext customer;
  int message_count = 1;
};

inline constexpr std::size_t kMaxClassifiedTextBytes = 4000;

class RoutingEngine final : public ConversationRouter {
 public:
  explicit RoutingEngine(RoutingEngineDeps deps);

  boost::asio::awaitable<RoutingDecision> route(const IngestResult& result) override;
  boost::asio::awaitable<Result<nlohmann::json>> simulate(SimulationInput input);

  // The task context for a text (classification, sentiment, language); public for tests/bench.
  TaskContext classify(std::string_view text, std::string channel) const;

  // Starts the one-second poll (active workflow version, retrain notices).
  void start(boost::asio::any_io_executor executor);
  void stop();

 private:
  domain::TimePoint now() const;
  boost::asio::awaitable<void> run_actions(const WorkflowActions& actions, const IngestResult& result,
                                           const TaskContext& task, const std::string& rule);
  // The bot's turn for a rule with bot_first: answered (or asked to rephrase) -> bot_answered;
  // handed off (or no bot) -> nullopt, and the caller queues the conversation.
  boost::asio::awaitable<std::optional<RoutingDecision>> bot_turn(const IngestResult& result, TaskContext& task);
  boost::asio::awaitable<RoutingDecision> block(const IngestResult& result, const std::string& why);

  RoutingEngineDeps deps_;
  std::unique_ptr<PollingLoop> poll_;
};

}  // namespace cc::services
