#include "cc/services/default_router.hpp"

namespace cc::services {

boost::asio::awaitable<RoutingDecision> DefaultRouter::route(const IngestResult& result) {
  RoutingDecision decision;
  if (result.duplicate || !result.routable || result.conversation.assignee_id) co_return decision;
  int priority = options_.standard_priority;
  if (!options_.vip_tiers.empty()) {
    // A failed lookup routes at standard priority rather than not at all.
    auto tier = co_await store_.customer_tier(result.conversation.customer_id);
    if (tier && options_.vip_tiers.contains(*tier)) priority = options_.vip_priority;
  }
  RoutingPlan plan;
  plan.conversation_id = result.conversation.id;
  plan.channel = result.conversation.channel;
  plan.rule = "default";
  plan.steps.push_back(RoutingStep{options_.queue, {}, priority, 0, std::nullopt, {}});
  plan.exhausted_queue = options_.queue;
  plan.entered_at = std::chrono::system_clock::now();
  decision.kind = RoutingDecision::Kind::queue;
  decision.plan = std::move(plan);
  co_return decision;
}

}  // namespace cc::services
