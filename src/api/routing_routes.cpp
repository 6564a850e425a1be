// /api/v1/routing/*: the workflow draft (ETag/If-Match), validate, activate, versions,
// rollback, and simulate.
#include <algorithm>

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/route_table.hpp"
#include "cc/api/routing_routes.hpp"
#include "cc/domain/time_format.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

const char* kTemplate = R"({"rules": [], "default": {"steps": [{"queue": "default"}]}})";

std::string etag_of(long long revision) { return "\"" + std::to_string(revision) + "\""; }

net::Response plain_problem(const net::Request& request, status code, const char* title, std::string detail) {
  nlohmann::json body{{"type", "about:blank"}, {"title", title}, {"status", static_cast<unsigned>(code)},
                      {"detail", std::move(detail)}};
  return net::make_response(request, code, body.dump(), "application/problem+json");
}

// 422 listing every error: its JSON pointer and, inside a condition, line/column/offset.
net::Response invalid_workflow(const net::Request& request, const std::vector<services::WorkflowError>& errors) {
  auto list = nlohmann::json::array();
  for (const auto& e : errors) {
    nlohmann::json item{{"pointer", e.pointer}, {"detail", e.message}};
    if (e.position) {
      item["line"] = e.position->line;
      item["column"] = e.position->column;
      item["offset"] = e.position->offset;
    }
    list.push_back(std::move(item));
  }
  nlohmann::json body{{"type", "https://contact-center.dev/problems/invalid"},
                      {"title", "Invalid request"},
                      {"status", 422},
                      {"detail", std::to_string(errors.size()) + " error(s) in the routing workflow"},
                      {"errors", std::move(list)}};
  return net::make_response(request, status::unprocessable_entity, body.dump(), "application/problem+json");
}

awaitable<Result<domain::Principal>> admin(RoutingApiContext& r, net::RequestContext& context) {
  co_return co_await authenticate_role(context, r.api.auth, domain::Role::admin);
}

awaitable<net::Response> get_workflow(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto draft = co_await r.workflows.draft();
  if (!draft) co_return problem_response(context.request, draft.error());
  auto response = net::make_response(context.request, status::ok,
                                     draft->document.empty() ? std::string(kTemplate) : draft->document,
                                     "application/json");
  response.set(net::http::field::etag, etag_of(draft->revision));
  response.set(net::http::field::cache_control, "no-store");
  co_return response;
}

awaitable<net::Response> put_workflow(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await admin(r, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  const auto if_match = context.header("If-Match");
  if (!if_match) {
    co_return plain_problem(context.request, status::precondition_required, "Precondition required",
                            "send If-Match with the ETag of GET /api/v1/routing/workflow");
  }
  std::string tag(*if_match);
  if (tag.starts_with("W/")) tag = tag.substr(2);
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') {
    co_return plain_problem(context.request, status::precondition_failed, "Precondition failed",
                            "If-Match must be the draft's ETag");
  }
  const auto revision = parse_id(tag.substr(1, tag.size() - 2));
  const long long expected = tag == "\"0\"" ? 0 : (revision ? *revision : -1);
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto saved = co_await r.workflows.save_draft(*body, expected, principal->agent_id);
  if (!saved && saved.error().code == ErrorCode::conflict) {
    co_return plain_problem(context.request, status::precondition_failed, "Precondition failed",
                            saved.error().detail);
  }
  if (!saved) co_return problem_response(context.request, saved.error());
  auto response = net::make_response(context.request, status::ok, saved->document, "application/json");
  response.set(net::http::field::etag, etag_of(saved->revision));
  co_return response;
}

awaitable<net::Response> validate(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await admin(r, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  nlohmann::json document;
  if (context.request.body().empty()) {
    auto draft = co_await r.workflows.draft();
    if (!draft) co_return problem_response(context.request, draft.error());
    document = nlohmann::json::parse(draft->document.empty() ? std::string(kTemplate) : draft->document,
                                     nullptr, false);
  } else {
    auto body = parse_json_object(context);
    if (!body) co_return problem_response(context.request, body.error());
    document = std::move(*body);
  }
  const auto errors = services::RoutingWorkflowService::validate(document);
  if (!errors.empty()) co_return invalid_workflow(context.request, errors);
  co_return json_response(context.request, status::ok, nlohmann::json{{"valid", true}});
}

awaitable<net::Response> activate(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await admin(r, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto outcome = co_await r.workflows.activate(principal->agent_id);
  if (!outcome) co_return problem_response(context.request, outcome.error());
  if (!outcome->errors.empty()) co_return invalid_workflow(context.request, outcome->errors);
  co_return json_response(context.request, status::ok, nlohmann::json{{"version", outcome->version}});
}

awaitable<net::Response> versions(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto list = co_await r.workflows.versions();
  if (!list) co_return problem_response(context.request, list.error());
  auto items = nlohmann::json::array();
  for (const auto& v : *list) {
    nlohmann::json item{{"version", v.version}, {"active", v.active},
                        {"created_at", domain::format_time(v.created_at)}};
    item["created_by"] = v.created_by ? nlohmann::json(std::to_string(*v.created_by)) : nlohmann::json(nullptr);
    if (context.query("documents") == "true") item["document"] = nlohmann::json::parse(v.document, nullptr, false);
    items.push_back(std::move(item));
  }
  co_return json_response(context.request, status::ok,
                          nlohmann::json{{"items", std::move(items)},
                                         {"running_version", r.workflows.active()->version}});
}

awaitable<net::Response> rollback(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await admin(r, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  std::optional<int> version;
  if (!context.request.body().empty()) {
    auto body = parse_json_object(context);
    if (!body) co_return problem_response(context.request, body.error());
    if (const auto it = body->find("version"); it != body->end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 1000000000) {
        co_return problem_response(context.request, Error::invalid("version must be a positive integer", "/version"));
      }
      version = static_cast<int>(it->get<long long>());
    }
  }
  auto result = co_await r.workflows.rollback(version, principal->agent_id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, nlohmann::json{{"version", *result}});
}

Result<services::SimulationInput> simulation_of(const nlohmann::json& body) {
  services::SimulationInput input;
  const auto message = body.find("message");
  if (message == body.end() || !message->is_object()) return Error::invalid("message must be an object", "/message");
  auto text = required_string(*message, "text", services::kMaxClassifiedTextBytes);
  if (!text) return Error::invalid(text.error().detail, "/message/text");
  input.text = std::move(*text);
  auto channel = optional_string(*message, "channel", 32);
  if (!channel) return Error::invalid(channel.error().detail, "/message/channel");
  input.channel = channel->value_or("webchat");
  auto account = optional_string(*message, "channel_account", 32);
  if (!account) return Error::invalid(account.error().detail, "/message/channel_account");
  input.channel_account = account->value_or("");
  if (const auto count = message->find("message_count"); count != message->end() && count->is_number_integer()) {
    input.message_count = static_cast<int>(std::clamp<long long>(count->get<long long>(), 1, 100000));
  }
  const auto customer = body.find("customer");
  if (customer == body.end() || customer->is_null()) return input;
  if (!customer->is_object()) return Error::invalid("customer must be an object", "/customer");
  auto tier = optional_string(*customer, "tier", 64);
  if (!tier) return Error::invalid(tier.error().detail, "/customer/tier");
  input.customer.tier = tier->value_or("standard");
  auto language = optional_string(*customer, "language", 16);
  if (!language) return Error::invalid(language.error().detail, "/customer/language");
  input.customer.language = language->value_or("");
  auto known = optional_bool(*customer, "known");
  if (!known) return Error::invalid(known.error().detail, "/customer/known");
  input.customer.known = known->value_or(false);
  if (const auto tags = customer->find("tags"); tags != customer->end() && !tags->is_null()) {
    if (!tags->is_array() || tags->size() > 100) return Error::invalid("tags must be an array of strings", "/customer/tags");
    for (const auto& tag : *tags) {
      if (!tag.is_string() || tag.get_ref<const std::string&>().size() > 64) {
        return Error::invalid("tags must be an array of short strings", "/customer/tags");
      }
      input.customer.tags.push_back(tag.get<std::string>());
    }
  }
  if (const auto attributes = customer->find("attributes"); attributes != customer->end() && !attributes->is_null()) {
    if (!attributes->is_object()) return Error::invalid("attributes must be an object", "/customer/attributes");
    input.customer.attributes = *attributes;
  }
  if (const auto last = customer->find("last_agent_id"); last != customer->end() && !last->is_null()) {
    const auto id = last->is_string() ? parse_id(last->get<std::string>()) : std::nullopt;
    if (!id) return Error::invalid("last_agent_id must be an agent id", "/customer/last_agent_id");
    input.customer.last_agent_id = *id;
  }
  return input;
}

awaitable<net::Response> simulate(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto input = simulation_of(*body);
  if (!input) co_return problem_response(context.request, input.error());
  auto trace = co_await r.engine.simulate(std::move(*input));
  if (!trace) co_return problem_response(context.request, trace.error());
  co_return json_response(context.request, status::ok, *trace);
}

}  // namespace

void add_routing_routes(net::Router& router, RoutingApiContext& context) {
  using net::http::verb;
  add_route_table<RoutingApiContext>(router, context,
                                     {{verb::get, "/api/v1/routing/workflow", &get_workflow},
                                      {verb::put, "/api/v1/routing/workflow", &put_workflow},
                                      {verb::post, "/api/v1/routing/workflow/validate", &validate},
                                      {verb::get, "/api/v1/routing/workflow/versions", &versions},
                                      {verb::post, "/api/v1/routing/workflow/activate", &activate},
                                      {verb::post, "/api/v1/routing/workflow/rollback", &rollback},
                                      {verb::post, "/api/v1/routing/simulate", &simulate}});
}

}  // namespace cc::api
