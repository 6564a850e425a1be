// POST /api/v1/integration-keys (admin) and POST /api/v1/business-events (integration key as
// bearer): business systems push orders, payments, shipments, returns, exchanges, complaints.
#include "cc/api/customer_routes.hpp"
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

awaitable<net::Response> create_key(ApiContext& api, services::CustomerService& customers,
                                    net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto name = optional_string(*body, "name", 200);
  if (!name) co_return problem_response(context.request, name.error());
  auto created = co_await customers.create_integration_key(*principal, name->value_or("integration"));
  if (!created) co_return problem_response(context.request, created.error());
  co_return json_response(context.request, status::created, *created);
}

awaitable<net::Response> record_event(services::CustomerService& customers, net::RequestContext& context) {
  auto key = co_await customers.authenticate_key(std::string(bearer_token(context)));
  if (!key) co_return problem_response(context.request, key.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto event = services::parse_business_event(*body);
  if (!event) co_return problem_response(context.request, event.error());
  auto outcome = co_await customers.record_event(*key, std::move(*event));
  if (!outcome) co_return problem_response(context.request, outcome.error());
  nlohmann::json out = outcome->event;
  out["duplicate"] = !outcome->created;
  out["contradiction"] = outcome->contradiction ? *outcome->contradiction : nlohmann::json(nullptr);
  co_return json_response(context.request, outcome->created ? status::created : status::ok, out);
}

}  // namespace

void add_business_event_routes(net::Router& router, ApiContext& api, services::CustomerService& customers) {
  using net::http::verb;
  auto* a = &api;
  auto* s = &customers;
  router.add(verb::post, "/api/v1/integration-keys", [a, s](auto& c) { return create_key(*a, *s, c); });
  router.add(verb::post, "/api/v1/business-events", [s](auto& c) { return record_event(*s, c); });
}

}  // namespace cc::api
