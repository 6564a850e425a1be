#include "cc/api/json_body.hpp"
#include "cc/api/responses.hpp"
#include "cc/problem/problem.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/services/json_views.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;
using net::http::status;

awaitable<net::Response> create_account(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto channel_text = required_string(*body, "channel", 16);
  if (!channel_text) co_return problem_response(context.request, channel_text.error());
  const auto channel = domain::parse_channel(*channel_text);
  if (!channel) {
    co_return problem_response(context.request,
                               Error::invalid("channel must be webchat, wechat, sms, email, voice or api",
                                              "/channel"));
  }
  auto name = required_string(*body, "name", 200);
  if (!name) co_return problem_response(context.request, name.error());
  auto config = body->value("config", nlohmann::json::object());
  auto account =
      co_await api.channel_accounts.create(*channel, *name, std::move(config), principal->agent_id);
  if (!account) co_return problem_response(context.request, account.error());
  auto response = json_response(context.request, status::created, services::to_json(*account));
  response.set(net::http::field::location, "/api/v1/channel-accounts/" + std::to_string(account->id));
  co_return response;
}

awaitable<net::Response> list_accounts(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto accounts = co_await api.channel_accounts.list(page->after, page->limit);
  co_return page_response(context.request, accounts);
}

awaitable<net::Response> get_account(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto account = co_await api.channel_accounts.get(*id);
  co_return record_response(context.request, account);
}

awaitable<net::Response> update_account(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto name = optional_string(*body, "name", 200);
  if (!name) co_return problem_response(context.request, name.error());
  auto active = optional_bool(*body, "active");
  if (!active) co_return problem_response(context.request, active.error());
  std::optional<nlohmann::json> config;
  if (body->contains("config")) config = (*body)["config"];
  auto account = co_await api.channel_accounts.update(*id, *name, std::move(config), *active,
                                                      principal->agent_id);
  co_return record_response(context.request, account);
}

}  // namespace

void add_channel_account_routes(net::Router& router, ApiContext& api) {
  using net::http::verb;
  router.add(verb::post, "/api/v1/channel-accounts", [a = &api](auto& c) { return create_account(*a, c); });
  router.add(verb::get, "/api/v1/channel-accounts", [a = &api](auto& c) { return list_accounts(*a, c); });
  router.add(verb::get, "/api/v1/channel-accounts/{id}", [a = &api](auto& c) { return get_account(*a, c); });
  router.add(verb::patch, "/api/v1/channel-accounts/{id}", [a = &api](auto& c) { return update_account(*a, c); });
}

}  // namespace cc::api
