#include "cc/problem/problem.hpp"
#include "cc/api/routes.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;

awaitable<net::Response> readiness(ApiContext& api, net::RequestContext& context) {
  const bool database = co_await api.health.database_ready();
  const bool redis = api.bus.connected();
  const bool ready = database && redis;
  co_return json_response(context.request,
                          ready ? net::http::status::ok : net::http::status::service_unavailable,
                          {{"status", ready ? "ready" : "unavailable"},
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
