#include "cc/services/assignment_plan_json.hpp"

#include <nlohmann/json.hpp>

namespace cc::services {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 3> kExhausted{"default_queue", "ticket", "close"};

json step_json(const RoutingStep& step) {
  json out{{"queue", step.queue}, {"skills", step.skills}, {"priority_bump", step.priority_bump},
           {"timeout_seconds", step.timeout.count()}};
  if (step.priority) out["priority"] = *step.priority;
  if (step.agent_id) out["agent_id"] = *step.agent_id;
  return out;
}

RoutingStep step_from(const json& in) {
  RoutingStep step;
  step.queue = in.value("queue", std::string());
  step.skills = in.value("skills", std::vector<std::string>{});
  if (in.contains("priority") && in["priority"].is_number_integer()) step.priority = in["priority"].get<int>();
  step.priority_bump = in.value("priority_bump", 0);
  if (in.contains("agent_id") && in["agent_id"].is_number_integer()) {
    step.agent_id = in["agent_id"].get<domain::Id>();
  }
  step.timeout = std::chrono::seconds(in.value("timeout_seconds", 0LL));
  return step;
}

}  // namespace

std::string plan_to_json(const RoutingPlan& plan) {
  json steps = json::array();
  for (const auto& step : plan.steps) steps.push_back(step_json(step));
  return json{{"workflow_version", plan.workflow_version},
              {"rule", plan.rule},
              {"steps", std::move(steps)},
              {"when_exhausted", kExhausted[static_cast<std::size_t>(plan.when_exhausted)]},
              {"exhausted_queue", plan.exhausted_queue},
              {"close_message", plan.close_message},
              {"language", plan.language}}
      .dump();
}

RoutingPlan plan_from_json(const std::string& text, domain::Id conversation_id,
                           domain::Channel channel, domain::TimePoint entered_at) {
  RoutingPlan plan;
  plan.conversation_id = conversation_id;
  plan.channel = channel;
  plan.entered_at = entered_at;
  plan.rule = "default";
  try {
    const auto in = json::parse(text);
    plan.workflow_version = in.value("workflow_version", 0);
    plan.rule = in.value("rule", std::string("default"));
    for (const auto& step : in.value("steps", json::array())) plan.steps.push_back(step_from(step));
    const auto exhausted = in.value("when_exhausted", std::string("default_queue"));
    for (std::size_t i = 0; i < kExhausted.size(); ++i) {
      if (exhausted == kExhausted[i]) plan.when_exhausted = static_cast<RoutingPlan::WhenExhausted>(i);
    }
    plan.exhausted_queue = in.value("exhausted_queue", std::string("default"));
    plan.close_message = in.value("close_message", std::string());
    plan.language = in.value("language", std::string());
  } catch (const json::exception&) {
    plan.steps.clear();
  }
  if (plan.steps.empty()) plan.steps.push_back(RoutingStep{"default", {}, std::nullopt, 0, std::nullopt, {}});
  return plan;
}

}  // namespace cc::services
