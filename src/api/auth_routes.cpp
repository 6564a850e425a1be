#include "cc/api/json_body.hpp"
#include "cc/api/responses.hpp"
#include "cc/problem/problem.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/domain/time_format.hpp"
#include "cc/services/json_views.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;
using net::http::status;

awaitable<net::Response> login(ApiContext& api, net::RequestContext& context) {
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto email = required_string(*body, "email", 254);
  if (!email) co_return problem_response(context.request, email.error());
  auto password = required_string(*body, "password", 200);
  if (!password) co_return problem_response(context.request, password.error());
  auto result = co_await api.auth.login(*email, *password);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok,
                          {{"token", result->token},
                           {"expires_at", domain::format_time(result->expires_at)},
                           {"agent", services::to_json(result->agent)}});
}

awaitable<net::Response> logout(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto revoked = co_await api.auth.logout(bearer_token(context));
  if (!revoked) co_return problem_response(context.request, revoked.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

awaitable<net::Response> me(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto agent = co_await api.agents.get(principal->agent_id);
  co_return record_response(context.request, agent);
}

awaitable<net::Response> set_my_status(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto text = required_string(*body, "status", 16);
  if (!text) co_return problem_response(context.request, text.error());
  const auto value = domain::parse_agent_status(*text);
  if (!value) {
    co_return problem_response(context.request,
                               Error::invalid("status must be online, away or offline", "/status"));
  }
  auto agent = co_await api.agents.set_status(principal->agent_id, *value);
  co_return record_response(context.request, agent);
}

}  // namespace

void add_auth_routes(net::Router& router, ApiContext& api) {
  using net::http::verb;
  router.add(verb::post, "/api/v1/auth/login", [a = &api](auto& c) { return login(*a, c); });
  router.add(verb::post, "/api/v1/auth/logout", [a = &api](auto& c) { return logout(*a, c); });
  router.add(verb::get, "/api/v1/me", [a = &api](auto& c) { return me(*a, c); });
  router.add(verb::put, "/api/v1/me/status", [a = &api](auto& c) { return set_my_status(*a, c); });
}

}  // namespace cc::api
