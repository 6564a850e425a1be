#pragma once
// The routing workflow: an admin's versioned JSON document (first-match rules with conditions
// in the cc::routing expression language, ordered steps, actions, a default, what happens when
// the steps run out, priority aging, business hours) compiled once per version into an
// immutable CompiledWorkflow shared by every router thread. Pure: no I/O, no clock of its own.
// The document format is described in docs/routing.md.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/business_calendar.hpp"
#include "cc/routing/expression.hpp"
#include "cc/services/routing_plan.hpp"

namespace cc::services {

// One problem in a document: the JSON pointer of the field, and for a condition the 1-based
// line/column and byte offset inside that condition's text.
struct WorkflowError {
  std::string pointer;
  std::string message;
  std::optional<routing::SourcePosition> position;
};

struct WorkflowStep {
  RoutingStep step;
  bool last_agent = false;  // agent: "last_agent" (resolved per task from customer.last_agent_id)
  std::optional<routing::CompiledExpression> skip_if;
};

struct TicketAction {
  std::string type = "question";
  std::string priority = "normal";
};

struct WorkflowActions {
  bool bot_first = false;                        // the FAQ bot answers before a human
  std::map<std::string, std::string> auto_reply;  // language ("zh", "en", "*") -> text
  std::optional<TicketAction> create_ticket;
  std::vector<std::string> tags;
  bool notify_supervisor = false;
  bool block = false;  // spam: stored, never queued
};

struct WorkflowRule {
  std::string name;
  std::optional<routing::CompiledExpression> condition;  // empty for the default
  std::string condition_text;
  std::vector<WorkflowStep> steps;  // may be empty when an action ends the task (ticket, block)
  WorkflowActions actions;
  bool any_time = false;  // applies outside business hours too
};

struct PriorityAging {
  std::chrono::seconds every{0};  // 0: no aging
  int bump = 0;
  int max = 1000;
};

struct OutsideHours {
  enum class Action { queue, ticket, close };
  Action action = Action::queue;
  std::string queue;  // for queue; empty: the matched rule's steps
  std::string message;  // sent to the customer (close, or as a notice before queue/ticket)
};

struct CompiledWorkflow {
  int version = 0;
  std::vector<WorkflowRule> rules;
  WorkflowRule default_rule;
  RoutingPlan::WhenExhausted when_exhausted = RoutingPlan::WhenExhausted::default_queue;
  std::string exhausted_queue = "default";
  std::string close_message;
  PriorityAging aging;
  std::optional<domain::BusinessCalendar> calendar;
  std::chrono::seconds calendar_offset{0};  // the calendar's zone, for time.* facts
  std::optional<OutsideHours> outside_hours;
};

struct WorkflowCompileResult {
  std::shared_ptr<const CompiledWorkflow> workflow;  // null when errors is not empty
  std::vector<WorkflowError> errors;
};

inline constexpr std::size_t kMaxWorkflowRules = 2000;
inline constexpr std::size_t kMaxWorkflowSteps = 20;
inline constexpr std::size_t kMaxWorkflowDocumentBytes = 4 * 1024 * 1024;

WorkflowCompileResult compile_workflow(const nlohmann::json& document, int version);
// The workflow used while no version was ever activated: everything to queue "default".
std::shared_ptr<const CompiledWorkflow> builtin_workflow();

// Which rule applies: the first whose condition holds (rules flagged any_time only, when outside
// business hours and an outside-hours action exists); the default when none does.
struct RuleChoice {
  const WorkflowRule* rule = nullptr;
  int index = -1;  // -1: the default
  bool outside_hours = false;
};
RuleChoice choose_rule(const CompiledWorkflow& workflow, const routing::Facts& facts,
                       domain::TimePoint now);

// Queue facts for a step's skip_if: the step's queue. Implemented by the router over its
// QueueStatsSource; may answer nothing.
class StepFacts {
 public:
  virtual ~StepFacts() = default;
  virtual const routing::Facts& for_queue(const std::string& queue) const = 0;
};

struct PlanInput {
  domain::Id conversation_id = 0;
  domain::Channel channel = domain::Channel::webchat;
  std::string language;
  std::optional<domain::Id> last_agent_id;
  domain::TimePoint entered_at{};
};

// The plan for a chosen rule: steps whose skip_if holds are left out; "last_agent" steps name the
// customer's last agent or are left out when there is none; an empty queue inherits the previous
// step's (the first: the exhausted queue). Empty steps -> nullopt.
// `skipped`, when given, receives one line per step left out and why (for simulate's trace).
std::optional<RoutingPlan> build_plan(const CompiledWorkflow& workflow, const WorkflowRule& rule,
                                      const StepFacts& facts, const PlanInput& input,
                                      std::vector<std::string>* skipped = nullptr);

// The step's priority after aging: base + bump for every full `every` waited, capped at max.
int aged_priority(int base, const PriorityAging& aging, domain::TimePoint entered_at,
                  domain::TimePoint now);

}  // namespace cc::services
