// Evaluating a CompiledWorkflow for one task: which rule, which steps, which step is active now
// and at what priority. Pure: the caller passes the facts and the time.
#include <algorithm>

#include "cc/services/routing_workflow.hpp"

namespace cc::services {

RuleChoice choose_rule(const CompiledWorkflow& workflow, const routing::Facts& facts,
                       domain::TimePoint now) {
  RuleChoice choice;
  choice.outside_hours =
      workflow.calendar.has_value() && workflow.outside_hours.has_value() && !workflow.calendar->is_open(now);
  for (std::size_t i = 0; i < workflow.rules.size(); ++i) {
    const auto& rule = workflow.rules[i];
    if (choice.outside_hours && !rule.any_time) continue;
    if (rule.condition && rule.condition->evaluate(facts)) {
      choice.rule = &rule;
      choice.index = static_cast<int>(i);
      return choice;
    }
  }
  choice.rule = &workflow.default_rule;
  return choice;
}

std::optional<RoutingPlan> build_plan(const CompiledWorkflow& workflow, const WorkflowRule& rule,
                                      const StepFacts& facts, const PlanInput& input,
                                      std::vector<std::string>* skipped) {
  RoutingPlan plan;
  plan.conversation_id = input.conversation_id;
  plan.channel = input.channel;
  plan.workflow_version = workflow.version;
  plan.rule = rule.name;
  plan.when_exhausted = workflow.when_exhausted;
  plan.exhausted_queue = workflow.exhausted_queue;
  plan.close_message = workflow.close_message;
  plan.language = input.language;
  plan.entered_at = input.entered_at;
  std::string queue = workflow.exhausted_queue;
  for (std::size_t i = 0; i < rule.steps.size(); ++i) {
    const auto& step = rule.steps[i];
    RoutingStep out = step.step;
    if (out.queue.empty()) out.queue = queue;
    queue = out.queue;
    if (step.last_agent) {
      if (!input.last_agent_id) {  // a new customer has no last agent: skip the step
        if (skipped) skipped->push_back("step " + std::to_string(i) + ": the customer has no last agent");
        continue;
      }
      out.agent_id = input.last_agent_id;
    }
    if (step.skip_if && step.skip_if->evaluate(facts.for_queue(out.queue))) {
      if (skipped) skipped->push_back("step " + std::to_string(i) + ": skip_if held for queue " + out.queue);
      continue;
    }
    plan.steps.push_back(std::move(out));
  }
  if (plan.steps.empty()) return std::nullopt;
  return plan;
}

int aged_priority(int base, const PriorityAging& aging, domain::TimePoint entered_at,
                  domain::TimePoint now) {
  if (aging.every.count() <= 0 || aging.bump <= 0 || now <= entered_at) return base;
  const auto periods = std::chrono::duration_cast<std::chrono::seconds>(now - entered_at) / aging.every;
  const long long aged = static_cast<long long>(base) + static_cast<long long>(periods) * aging.bump;
  return static_cast<int>(std::min<long long>(std::max(base, aging.max), aged));
}

}  // namespace cc::services
