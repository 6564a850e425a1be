#pragma once
// REST for the routing engine: intents (definitions, examples, train, classify), the routing
// workflow (draft with ETag/If-Match, validate, activate, versions, rollback) and simulate.
// app/ calls each registrar once.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/intent_service.hpp"
#include "cc/services/routing_engine.hpp"
#include "cc/services/routing_workflow_service.hpp"

namespace cc::api {

struct RoutingApiContext {
  ApiContext& api;
  services::IntentService& intents;
  services::RoutingWorkflowService& workflows;
  services::RoutingEngine& engine;
};

void add_intent_routes(net::Router& router, RoutingApiContext& context);
void add_routing_routes(net::Router& router, RoutingApiContext& context);

}  // namespace cc::api
