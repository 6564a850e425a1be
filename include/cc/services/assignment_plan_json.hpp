#pragma once
// RoutingPlan <-> JSON, as routing_tasks.plan stores it (steps, workflow_version, rule,
// entered_at in epoch milliseconds). Throws nothing: a malformed stored plan reads as the
// built-in default (one step, queue "default").
#include <string>

#include "cc/services/routing_plan.hpp"

namespace cc::services {

std::string plan_to_json(const RoutingPlan& plan);
RoutingPlan plan_from_json(const std::string& text, domain::Id conversation_id,
                           domain::Channel channel, domain::TimePoint entered_at);

}  // namespace cc::services
