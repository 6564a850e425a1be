#pragma once
// The facts one routing task offers the workflow's conditions (names: cc::routing::
// is_routing_fact_name): the message and its classification, the customer, the queue a step
// targets (through QueueStatsSource) and the time in the workflow calendar's zone. Built per
// task on the router's coroutine; not shared between threads.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/routing/expression_value.hpp"
#include "cc/services/routing_workflow.hpp"

namespace cc::services {

struct CustomerContext {
  domain::Id id = 0;
  std::string tier = "standard";
  std::vector<std::string> tags;
  nlohmann::json attributes = nlohmann::json::object();
  bool known = false;  // had a conversation before this one
  std::string language;
  std::optional<domain::Id> last_agent_id;
};

struct TaskContext {
  std::string channel;
  std::string channel_account;  // its id, as text
  std::string text;
  std::string intent;
  double intent_confidence = 0;
  std::string sentiment = "neutral";
  double sentiment_score = 0;
  bool escalate = false;
  std::string language;
  int message_count = 1;
  int bot_turns = 0;
  std::optional<double> bot_confidence;
  CustomerContext customer;
};

struct QueueStats {
  int length = 0;
  double oldest_wait_seconds = 0;
};

// Port: waiting tasks per queue. Answers from memory (the lead backs it by a snapshot of the
// assignment tables refreshed in the background); nothing when the queue is unknown.
class QueueStatsSource {
 public:
  virtual ~QueueStatsSource() = default;
  virtual std::optional<QueueStats> stats(std::string_view queue) const = 0;
};

class TaskFacts final : public routing::Facts, public StepFacts {
 public:
  // queue.* refer to `queue` (a rule condition: the exhausted/default queue) until for_queue().
  TaskFacts(const TaskContext& task, const QueueStatsSource* queues, const CompiledWorkflow& workflow,
            domain::TimePoint now);

  std::optional<routing::Value> lookup(std::string_view name) const override;
  const routing::Facts& for_queue(const std::string& queue) const override;

 private:
  std::optional<routing::Value> time_fact(std::string_view name) const;

  const TaskContext& task_;
  const QueueStatsSource* queues_;
  const CompiledWorkflow& workflow_;
  domain::TimePoint now_;
  mutable std::string queue_;
};

// "zh" when the text has Han characters, "en" when it has Latin letters, else "".
std::string detect_language(std::string_view text);

routing::Value json_to_value(const nlohmann::json& value);

}  // namespace cc::services
