#pragma once
// The contract between the routing workflow (rules, classification, bot: it decides *where* a
// conversation goes) and the assignment engine (queues, skills, capacity, offers: it decides
// *who* takes it, and when). Neither side includes the other; app/ wires them together.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"
#include "cc/services/ports/ingest_store.hpp"

namespace cc::services {

// One step of a matched rule. The task waits in the step until an eligible agent takes it or
// the step's timeout passes; then the next step applies.
struct RoutingStep {
  std::string queue;                   // queue key; empty: the previous step's queue
  std::vector<std::string> skills;     // the agent must hold every one
  std::optional<int> priority;         // absolute (0..1000, higher first); nullopt: keep
  int priority_bump = 0;               // added to the current priority
  std::optional<domain::Id> agent_id;  // a named agent, e.g. the customer's last agent
  std::chrono::seconds timeout{0};     // 0: no timeout; counted from RoutingPlan::entered_at
};

struct RoutingPlan {
  enum class WhenExhausted { default_queue, ticket, close };

  domain::Id conversation_id = 0;
  domain::Channel channel = domain::Channel::webchat;
  int workflow_version = 0;  // 0: the built-in default (no workflow active)
  std::string rule;          // the rule that matched; "default" when none did
  std::vector<RoutingStep> steps;  // at least one
  WhenExhausted when_exhausted = WhenExhausted::default_queue;
  std::string exhausted_queue = "default";
  std::string close_message;  // sent to the customer when when_exhausted == close
  std::string language;       // "zh", "en", ... for agent language matching; empty: any
  std::chrono::system_clock::time_point entered_at{};
};

// What the router did with an inbound message of a conversation no agent holds.
struct RoutingDecision {
  enum class Kind { queue, bot_answered, blocked, ignored };
  Kind kind = Kind::ignored;
  std::optional<RoutingPlan> plan;  // set when kind == queue
};

// Implemented by the routing workflow. Called after commit for every routable, non-duplicate
// inbound message whose conversation has no assignee.
class ConversationRouter {
 public:
  virtual ~ConversationRouter() = default;
  virtual boost::asio::awaitable<RoutingDecision> route(const IngestResult& result) = 0;
};

// One agent as the assignment engine sees it for a step: could it take the task now, and if
// not, why (offline, missing skill "refund", at chat capacity 5/5, ...). Used by simulate.
struct CandidateVerdict {
  domain::Id agent_id = 0;
  std::string name;
  bool eligible = false;
  std::string reason;
};

// Implemented by the assignment engine.
class TaskQueue {
 public:
  virtual ~TaskQueue() = default;
  // Queues the conversation under the plan (replacing any earlier plan of it) and tries to
  // assign it at once. Idempotent per conversation.
  // (Status, i.e. Result<Ok>: cc::Result<void> does not compile.)
  virtual boost::asio::awaitable<Status> enqueue(RoutingPlan plan) = 0;
  virtual boost::asio::awaitable<Result<std::vector<CandidateVerdict>>> candidates(
      RoutingStep step, domain::Channel channel) = 0;
};

}  // namespace cc::services
