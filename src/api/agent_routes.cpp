#include "cc/api/json_body.hpp"
#include "cc/api/responses.hpp"
#include "cc/problem/problem.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/services/agent_profile_rules.hpp"
#include "cc/services/json_views.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;
using net::http::status;

Result<std::optional<domain::Role>> role_field(const nlohmann::json& body) {
  auto text = optional_string(body, "role", 16);
  if (!text) return text.error();
  if (!*text) return std::optional<domain::Role>{};
  const auto role = domain::parse_role(**text);
  if (!role) return Error::invalid("role must be agent, supervisor or admin", "/role");
  return std::optional<domain::Role>(*role);
}

// "sip_uri": a sip:/sips: URI sets it, null or "" clears it, absent leaves it.
Result<std::optional<std::string>> sip_uri_field(const nlohmann::json& body) {
  const auto it = body.find("sip_uri");
  if (it == body.end()) return std::optional<std::string>{};
  if (it->is_null()) return std::optional<std::string>(std::string());
  auto text = optional_string(body, "sip_uri", services::kMaxSipUriBytes);
  if (!text) return text.error();
  if (!(*text)->empty()) {
    if (auto error = services::check_sip_uri(**text)) return *error;
  }
  return *text;
}

awaitable<net::Response> create_agent(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto email = required_string(*body, "email", 254);
  if (!email) co_return problem_response(context.request, email.error());
  auto password = required_string(*body, "password", 200);
  if (!password) co_return problem_response(context.request, password.error());
  auto name = required_string(*body, "name", 200);
  if (!name) co_return problem_response(context.request, name.error());
  auto role = role_field(*body);
  if (!role) co_return problem_response(context.request, role.error());
  services::AgentDraft draft{*email, *password, *name, role->value_or(domain::Role::agent)};
  auto agent = co_await api.agents.create(std::move(draft), principal->agent_id);
  if (!agent) co_return problem_response(context.request, agent.error());
  auto response = json_response(context.request, status::created, services::to_json(*agent));
  response.set(net::http::field::location, "/api/v1/agents/" + std::to_string(agent->id));
  co_return response;
}

awaitable<net::Response> list_agents(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto agents = co_await api.agents.list(page->after, page->limit);
  co_return page_response(context.request, agents);
}

awaitable<net::Response> get_agent(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto agent = co_await api.agents.get(*id);
  co_return record_response(context.request, agent);
}

awaitable<net::Response> update_agent(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto name = optional_string(*body, "name", 200);
  if (!name) co_return problem_response(context.request, name.error());
  auto password = optional_string(*body, "password", 200);
  if (!password) co_return problem_response(context.request, password.error());
  auto role = role_field(*body);
  if (!role) co_return problem_response(context.request, role.error());
  auto active = optional_bool(*body, "active");
  if (!active) co_return problem_response(context.request, active.error());
  auto sip_uri = sip_uri_field(*body);
  if (!sip_uri) co_return problem_response(context.request, sip_uri.error());
  if (*id == principal->agent_id && (*active == false || (*role && *role != domain::Role::admin))) {
    co_return problem_response(context.request,
                               Error::conflict("an admin cannot deactivate or demote themselves"));
  }
  services::AgentChanges changes{*name, *password, *role, *active, *sip_uri};
  auto agent = co_await api.agents.update(*id, std::move(changes), principal->agent_id);
  co_return record_response(context.request, agent);
}

}  // namespace

void add_agent_routes(net::Router& router, ApiContext& api) {
  using net::http::verb;
  router.add(verb::post, "/api/v1/agents", [a = &api](auto& c) { return create_agent(*a, c); });
  router.add(verb::get, "/api/v1/agents", [a = &api](auto& c) { return list_agents(*a, c); });
  router.add(verb::get, "/api/v1/agents/{id}", [a = &api](auto& c) { return get_agent(*a, c); });
  router.add(verb::patch, "/api/v1/agents/{id}", [a = &api](auto& c) { return update_agent(*a, c); });
}

}  // namespace cc::api
