// Customers: GET /api/v1/customers?q=, GET /api/v1/customers/{id}/profile,
// POST /api/v1/customers/{id}/unmerge, merge suggestions (list, confirm, reject).
#include "cc/api/customer_routes.hpp"
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/responses.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

net::Response json_page_response(const net::Request& request, const Result<domain::Page<nlohmann::json>>& page) {
  return page_response(request, page, [](const nlohmann::json& item) { return item; });
}

awaitable<net::Response> search(ApiContext& api, services::CustomerService& customers, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto result = co_await customers.search(context.query("q").value_or(""), page->after, page->limit);
  co_return json_page_response(context.request, result);
}

awaitable<net::Response> profile(ApiContext& api, services::CustomerService& customers, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await customers.profile(*principal, *id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, *result);
}

awaitable<net::Response> unmerge(ApiContext& api, services::CustomerService& customers, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await customers.unmerge(*principal, *id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, *result);
}

awaitable<net::Response> suggestions(ApiContext& api, services::CustomerService& customers,
                                     net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto result = co_await customers.suggestions(context.query("status").value_or("pending"), page->after, page->limit);
  co_return json_page_response(context.request, result);
}

awaitable<net::Response> decide(ApiContext& api, services::CustomerService& customers, net::RequestContext& context,
                                bool confirm) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await customers.decide(*principal, *id, confirm);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, *result);
}

}  // namespace

void add_customer_routes(net::Router& router, ApiContext& api, services::CustomerService& customers) {
  using net::http::verb;
  auto* a = &api;
  auto* s = &customers;
  router.add(verb::get, "/api/v1/customers", [a, s](auto& c) { return search(*a, *s, c); });
  router.add(verb::get, "/api/v1/customers/{id}/profile", [a, s](auto& c) { return profile(*a, *s, c); });
  router.add(verb::post, "/api/v1/customers/{id}/unmerge", [a, s](auto& c) { return unmerge(*a, *s, c); });
  router.add(verb::get, "/api/v1/customer-merge-suggestions", [a, s](auto& c) { return suggestions(*a, *s, c); });
  router.add(verb::post, "/api/v1/customer-merge-suggestions/{id}/confirm",
             [a, s](auto& c) { return decide(*a, *s, c, true); });
  router.add(verb::post, "/api/v1/customer-merge-suggestions/{id}/reject",
             [a, s](auto& c) { return decide(*a, *s, c, false); });
}

}  // namespace cc::api
