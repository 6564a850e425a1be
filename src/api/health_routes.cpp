#include "cc/problem/problem.hpp"
#include "cc/api/routes.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;

// Ready while PostgreSQL answers: it holds every durable write. Redis only carries events between
// instances (clients catch up from PostgreSQL by sequence), so without it the instance stays in
// the load balancer's rotation and says "degraded" instead of dropping out: taking every instance
// out because a shared Redis is down would turn a degradation into an outage.
awaitable<net::Response> readiness(ApiContext& api, net::RequestContext& context) {
  const bool database = co_await api.health.database_ready();
  const bool redis = api.bus.connected();
  const char* status = !database ? "unavailable" : (redis ? "ready" : "degraded");
  co_return json_response(context.request,
                          database ? net::http::status::ok : net::http::status::service_unavailable,
                          {{"status", status},
                           {"checks", {{"postgres", database ? "up" : "down"},
                                       {"redis", redis ? "up" : "down"}}}});
}

}  // namespace

void add_health_routes(net::Router& router, ApiContext& api) {
  router.add(net::http::verb::get, "/healthz", [](net::RequestContext& context) -> awaitable<net::Response> {
    co_return json_response(context.request, net::http::status::ok, {{"status", "alive"}});
  });
  router.add(net::http::verb::get, "/readyz",
             [api = &api](net::RequestContext& context) { return readiness(*api, context); });
  router.add(net::http::verb::get, "/metrics",
             [api = &api](net::RequestContext& context) -> awaitable<net::Response> {
               co_return net::make_response(context.request, net::http::status::ok,
                                            api->metrics.render(),
                                            "text/plain; version=0.0.4; charset=utf-8");
             });
}

}  // namespace cc::api
