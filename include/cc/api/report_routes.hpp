#pragma once
// /api/v1/reports/...: the supervisor dashboard's figures (supervisors and admins): queues,
// agents, sla, first-response, csat, messages-per-hour, hot-words. Shapes in web/openapi.json.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/report_service.hpp"

namespace cc::api {

struct ReportApiContext {
  ApiContext& api;
  services::ReportService& reports;
};

void add_report_routes(net::Router& router, ReportApiContext& context);

}  // namespace cc::api
