#include "cc/api/webhook_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/responses.hpp"
#include "cc/domain/time_format.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

nlohmann::json subscription_json(const services::WebhookSubscription& s) {
  auto filters = nlohmann::json::object();
  if (s.filters.channel) filters["channel"] = *s.filters.channel;
  if (s.filters.queue) filters["queue"] = *s.filters.queue;
  if (s.filters.tag) filters["tag"] = *s.filters.tag;
  nlohmann::json json{{"id", std::to_string(s.id)},       {"url", s.url},
                      {"events", s.events},               {"filters", std::move(filters)},
                      {"description", s.description},     {"paused", s.paused},
                      {"created_at", domain::format_time(s.created_at)},
                      {"updated_at", domain::format_time(s.updated_at)}};
  json["previous_secret_expires_at"] =
      s.previous_secret_expires_at ? nlohmann::json(domain::format_time(*s.previous_secret_expires_at))
                                   : nlohmann::json(nullptr);
  return json;
}

nlohmann::json delivery_json(const services::WebhookDelivery& d) {
  auto optional_int = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json json{{"id", std::to_string(d.id)},
                      {"subscription_id", std::to_string(d.subscription_id)},
                      {"webhook_id", d.webhook_id},
                      {"event_type", d.event_type},
                      {"status", d.status},
                      {"attempts", d.attempts},
                      {"response_code", optional_int(d.response_code)},
                      {"latency_ms", optional_int(d.latency_ms)},
                      {"last_error", d.last_error},
                      {"next_attempt_at", domain::format_time(d.next_attempt_at)},
                      {"created_at", domain::format_time(d.created_at)},
                      {"updated_at", domain::format_time(d.updated_at)}};
  json["delivered_at"] = d.delivered_at ? nlohmann::json(domain::format_time(*d.delivered_at))
                                        : nlohmann::json(nullptr);
  json["order_key"] = d.order_key ? nlohmann::json(*d.order_key) : nlohmann::json(nullptr);
  json["payload"] = nlohmann::json::parse(d.payload, nullptr, false);
  return json;
}

Result<std::vector<std::string>> events_of(const nlohmann::json& body) {
  const auto it = body.find("events");
  if (it == body.end() || !it->is_array() || it->size() > 50) {
    return Error::invalid("events must be an array of at most 50 event types", "/events");
  }
  const auto& events = *it;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!events[i].is_string() || events[i].get_ref<const std::string&>().size() > 64) {
      return Error::invalid("each event type is a short string", "/events/" + std::to_string(i));
    }
    out.push_back(events[i].get<std::string>());
  }
  return out;
}

Result<services::WebhookFilters> filters_of(const nlohmann::json& body) {
  services::WebhookFilters filters;
  const auto it = body.find("filters");
  if (it == body.end() || it->is_null()) return filters;
  if (!it->is_object()) return Error::invalid("filters must be an object", "/filters");
  for (const auto& [key, value] : it->items()) {
    if (key != "channel" && key != "queue" && key != "tag") {
      return Error::invalid("filters may name channel, queue and tag", "/filters/" + key.substr(0, 32));
    }
    if (value.is_null()) continue;
    if (!value.is_string()) return Error::invalid("a filter is a string", "/filters/" + key);
    auto text = value.get<std::string>();
    if (key == "channel") filters.channel = std::move(text);
    if (key == "queue") filters.queue = std::move(text);
    if (key == "tag") filters.tag = std::move(text);
  }
  return filters;
}

awaitable<Result<domain::Principal>> admin(WebhookApiContext& w, net::RequestContext& context) {
  co_return co_await authenticate_role(context, w.api.auth, domain::Role::admin);
}

awaitable<net::Response> create(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto url = required_string(*body, "url", 2048);
  if (!url) co_return problem_response(context.request, url.error());
  auto events = events_of(*body);
  if (!events) co_return problem_response(context.request, events.error());
  auto filters = filters_of(*body);
  if (!filters) co_return problem_response(context.request, filters.error());
  auto description = optional_string(*body, "description", 500);
  if (!description) co_return problem_response(context.request, description.error());
  services::WebhookSubscriptionInput input{std::move(*url), std::move(*events), std::move(*filters),
                                           description->value_or("")};
  auto created = co_await w.webhooks.create(std::move(input), principal->agent_id);
  if (!created) co_return problem_response(context.request, created.error());
  auto json = subscription_json(created->subscription);
  json["secret"] = created->secret;  // shown this once
  auto response = json_response(context.request, status::created, json);
  response.set(net::http::field::location,
               "/api/v1/webhook-subscriptions/" + std::to_string(created->subscription.id));
  co_return response;
}

awaitable<net::Response> list(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto result = co_await w.webhooks.list(page->after, page->limit);
  co_return page_response(context.request, result, subscription_json);
}

awaitable<net::Response> get(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await w.webhooks.get(*id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, subscription_json(*result));
}

awaitable<net::Response> patch(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  services::WebhookSubscriptionPatch changes;
  auto url = optional_string(*body, "url", 2048);
  if (!url) co_return problem_response(context.request, url.error());
  changes.url = *url;
  auto description = optional_string(*body, "description", 500);
  if (!description) co_return problem_response(context.request, description.error());
  changes.description = *description;
  auto paused = optional_bool(*body, "paused");
  if (!paused) co_return problem_response(context.request, paused.error());
  changes.paused = *paused;
  if (body->contains("events")) {
    auto events = events_of(*body);
    if (!events) co_return problem_response(context.request, events.error());
    changes.events = std::move(*events);
  }
  if (body->contains("filters")) {
    auto filters = filters_of(*body);
    if (!filters) co_return problem_response(context.request, filters.error());
    changes.filters = std::move(*filters);
  }
  auto result = co_await w.webhooks.update(*id, std::move(changes), principal->agent_id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, subscription_json(*result));
}

awaitable<net::Response> remove(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await w.webhooks.remove(*id, principal->agent_id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

awaitable<net::Response> rotate(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  std::int64_t overlap = 86400;
  if (!context.request.body().empty()) {
    auto body = parse_json_object(context);
    if (!body) co_return problem_response(context.request, body.error());
    if (body->contains("overlap_seconds")) {
      const auto& value = (*body)["overlap_seconds"];
      if (!value.is_number_integer()) {
        co_return problem_response(context.request,
                                   Error::invalid("overlap_seconds must be an integer", "/overlap_seconds"));
      }
      overlap = value.get<std::int64_t>();
    }
  }
  auto result = co_await w.webhooks.rotate_secret(*id, std::chrono::seconds(overlap), principal->agent_id);
  if (!result) co_return problem_response(context.request, result.error());
  auto json = subscription_json(result->subscription);
  json["secret"] = result->secret;
  co_return json_response(context.request, status::ok, json);
}

awaitable<net::Response> deliveries(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  services::WebhookDeliveryQuery query;
  query.subscription_id = *id;
  query.status = context.query("status");
  query.after = page->after;
  query.limit = page->limit;
  auto result = co_await w.webhooks.deliveries(std::move(query));
  co_return page_response(context.request, result, delivery_json);
}

awaitable<net::Response> replay_one(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto result = co_await w.webhooks.replay(*id, principal->agent_id);
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::accepted, delivery_json(*result));
}

Result<domain::TimePoint> time_field(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || !body[key].is_string()) {
    return Error::invalid(std::string(key) + " must be an ISO-8601 UTC time", std::string("/") + key);
  }
  auto time = domain::parse_time(body[key].get<std::string>());
  if (!time) return Error::invalid(std::string(key) + " must be an ISO-8601 UTC time", std::string("/") + key);
  return *time;
}

awaitable<net::Response> replay_range(WebhookApiContext& w, net::RequestContext& context) {
  auto principal = co_await admin(w, context);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  const bool since = body->contains("since");
  auto from = time_field(*body, since ? "since" : "from");
  if (!from) co_return problem_response(context.request, from.error());
  Result<domain::TimePoint> to = std::chrono::system_clock::now() + std::chrono::seconds(1);
  if (!since) to = time_field(*body, "to");
  if (!to) co_return problem_response(context.request, to.error());
  auto count = co_await w.webhooks.replay_range(*id, *from, *to, principal->agent_id);
  if (!count) co_return problem_response(context.request, count.error());
  co_return json_response(context.request, status::accepted, nlohmann::json{{"replayed", *count}});
}

}  // namespace

void add_webhook_routes(net::Router& router, WebhookApiContext& context) {
  using net::http::verb;
  auto* w = &context;
  router.add(verb::post, "/api/v1/webhook-subscriptions", [w](auto& c) { return create(*w, c); });
  router.add(verb::get, "/api/v1/webhook-subscriptions", [w](auto& c) { return list(*w, c); });
  router.add(verb::get, "/api/v1/webhook-subscriptions/{id}", [w](auto& c) { return get(*w, c); });
  router.add(verb::patch, "/api/v1/webhook-subscriptions/{id}", [w](auto& c) { return patch(*w, c); });
  router.add(verb::delete_, "/api/v1/webhook-subscriptions/{id}", [w](auto& c) { return remove(*w, c); });
  router.add(verb::post, "/api/v1/webhook-subscriptions/{id}/rotate-secret",
             [w](auto& c) { return rotate(*w, c); });
  router.add(verb::get, "/api/v1/webhook-subscriptions/{id}/deliveries",
             [w](auto& c) { return deliveries(*w, c); });
  router.add(verb::post, "/api/v1/webhook-subscriptions/{id}/replay",
             [w](auto& c) { return replay_range(*w, c); });
  router.add(verb::post, "/api/v1/webhook-deliveries/{id}/replay",
             [w](auto& c) { return replay_one(*w, c); });
}

}  // namespace cc::api
