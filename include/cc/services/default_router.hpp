#pragma once
// The built-in router used while no routing workflow is active: every routable conversation
// goes to one step in queue "default"; customers whose tier is in the VIP set get a higher
// priority. The lead swaps in the routing engine's ConversationRouter at integration.
#include <set>
#include <string>

#include "cc/services/ports/assignment_store.hpp"
#include "cc/services/routing_plan.hpp"

namespace cc::services {

struct DefaultRouterOptions {
  std::string queue = "default";
  std::set<std::string> vip_tiers{"vip"};
  int vip_priority = 100;
  int standard_priority = 0;
};

class DefaultRouter final : public ConversationRouter {
 public:
  DefaultRouter(AssignmentStore& store, DefaultRouterOptions options = {})
      : store_(store), options_(std::move(options)) {}
  boost::asio::awaitable<RoutingDecision> route(const IngestResult& result) override;

 private:
  AssignmentStore& store_;
  DefaultRouterOptions options_;
};

}  // namespace cc::services
