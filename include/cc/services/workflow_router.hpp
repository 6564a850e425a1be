#pragma once
// The router ingest uses: the routing engine once an admin has activated a workflow, the
// built-in default router (one queue, VIPs first) before that.
#include "cc/services/default_router.hpp"
#include "cc/services/routing_engine.hpp"
#include "cc/services/routing_workflow_service.hpp"

namespace cc::services {

class WorkflowRouter final : public ConversationRouter {
 public:
  WorkflowRouter(RoutingWorkflowService& workflows, RoutingEngine& engine, DefaultRouter& fallback)
      : workflows_(workflows), engine_(engine), fallback_(fallback) {}

  boost::asio::awaitable<RoutingDecision> route(const IngestResult& result) override {
    const bool workflow_active = workflows_.active()->version > 0;
    if (workflow_active) co_return co_await engine_.route(result);
    co_return co_await fallback_.route(result);
  }

 private:
  RoutingWorkflowService& workflows_;
  RoutingEngine& engine_;
  DefaultRouter& fallback_;
};

}  // namespace cc::services
