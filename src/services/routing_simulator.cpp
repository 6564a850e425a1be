// RoutingEngine::simulate: the decision for a made-up message and customer, with every reason:
// which rules were tried, the one that matched, the steps kept or skipped and, per step, each
// agent the assignment engine considered and why it could or could not take the task.
#include "cc/services/routing_engine.hpp"

namespace cc::services {
namespace {

nlohmann::json step_json(const RoutingStep& step) {
  nlohmann::json json{{"queue", step.queue},
                      {"skills", step.skills},
                      {"priority_bump", step.priority_bump},
                      {"timeout", step.timeout.count()}};
  json["priority"] = step.priority ? nlohmann::json(*step.priority) : nlohmann::json(nullptr);
  json["agent_id"] = step.agent_id ? nlohmann::json(std::to_string(*step.agent_id)) : nlohmann::json(nullptr);
  return json;
}

std::string_view exhausted_name(RoutingPlan::WhenExhausted when) {
  switch (when) {
    case RoutingPlan::WhenExhausted::default_queue: return "default_queue";
    case RoutingPlan::WhenExhausted::ticket: return "ticket";
    case RoutingPlan::WhenExhausted::close: return "close";
  }
  return "default_queue";
}

nlohmann::json actions_json(const WorkflowActions& a) {
  nlohmann::json json{{"bot_first", a.bot_first}, {"tags", a.tags},
                      {"notify_supervisor", a.notify_supervisor}, {"block", a.block},
                      {"auto_reply", a.auto_reply}};
  json["create_ticket"] = a.create_ticket ? nlohmann::json{{"type", a.create_ticket->type},
                                                          {"priority", a.create_ticket->priority}}
                                          : nlohmann::json(nullptr);
  return json;
}

}  // namespace

boost::asio::awaitable<Result<nlohmann::json>> RoutingEngine::simulate(SimulationInput input) {
  const auto at = now();
  auto task = classify(input.text, input.channel);
  task.channel_account = input.channel_account;
  task.customer = std::move(input.customer);
  task.message_count = input.message_count;
  const auto channel = domain::parse_channel(input.channel);
  if (!channel) co_return Error::invalid("unknown channel", "/message/channel");

  const auto workflow = deps_.workflows.active();
  const TaskFacts facts(task, deps_.queue_stats, *workflow, at);
  const auto choice = choose_rule(*workflow, facts, at);
  nlohmann::json trace;
  trace["workflow_version"] = workflow->version;
  trace["facts"] = {{"intent", task.intent},
                    {"intent_confidence", task.intent_confidence},
                    {"sentiment", task.sentiment},
                    {"sentiment_score", task.sentiment_score},
                    {"escalate", task.escalate},
                    {"language", task.language}};
  auto tried = nlohmann::json::array();
  for (std::size_t i = 0; i < workflow->rules.size(); ++i) {
    const auto& rule = workflow->rules[i];
    const bool matched = static_cast<int>(i) == choice.index;
    std::string why = matched ? "condition held" : "condition did not hold";
    if (choice.outside_hours && !rule.any_time) why = "outside business hours";
    tried.push_back({{"rule", rule.name}, {"matched", matched}, {"reason", why}});
    if (matched) break;
  }
  trace["rules_tried"] = std::move(tried);
  trace["rule"] = choice.rule->name;
  trace["outside_hours"] = choice.outside_hours;
  trace["actions"] = actions_json(choice.rule->actions);
  if (choice.rule->actions.block) {
    trace["decision"] = "blocked";
    co_return trace;
  }
  std::vector<std::string> skipped;
  PlanInput plan_input{0, *channel, task.language, task.customer.last_agent_id, at};
  auto plan = build_plan(*workflow, *choice.rule, facts, plan_input, &skipped);
  trace["skipped_steps"] = skipped;
  if (!plan) {
    trace["decision"] = choice.rule->actions.create_ticket ? "ticket" : "exhausted_queue";
    co_return trace;
  }
  trace["decision"] = "queue";
  trace["when_exhausted"] = {{"action", exhausted_name(plan->when_exhausted)},
                             {"queue", plan->exhausted_queue}};
  auto steps = nlohmann::json::array();
  for (const auto& step : plan->steps) {
    auto json = step_json(step);
    auto verdicts = co_await deps_.queue.candidates(step, *channel);
    auto candidates = nlohmann::json::array();
    if (verdicts) {
      for (const auto& v : *verdicts) {
        candidates.push_back({{"agent_id", std::to_string(v.agent_id)}, {"name", v.name},
                              {"eligible", v.eligible}, {"reason", v.reason}});
      }
    } else {
      json["candidates_error"] = verdicts.error().detail;
    }
    json["candidates"] = std::move(candidates);
    steps.push_back(std::move(json));
  }
  trace["steps"] = std::move(steps);
  co_return trace;
}

}  // namespace cc::services
