#include "cc/api/queue_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/services/json_views.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;
namespace svc = cc::services;

Result<int> int_field(const nlohmann::json& body, const char* key, int fallback) {
  const auto it = body.find(key);
  if (it == body.end()) return fallback;
  if (!it->is_number_integer()) return Error::invalid(std::string(key) + " must be an integer", std::string("/") + key);
  const auto value = it->get<long long>();
  if (value < -1000000 || value > 1000000) return Error::invalid("out of range", std::string("/") + key);
  return static_cast<int>(value);
}

// Fills `draft` from the body; fields absent keep the draft's values (defaults or current).
Status apply_queue_body(const nlohmann::json& body, svc::QueueDraft& draft) {
  if (auto name = optional_string(body, "name", 200); !name) {
    return name.error();
  } else if (*name) {
    draft.name = **name;
  }
  if (auto strategy = optional_string(body, "strategy", 32); !strategy) {
    return strategy.error();
  } else if (*strategy) {
    const auto parsed = svc::parse_queue_strategy(**strategy);
    if (!parsed) {
      return Error::invalid("strategy is longest_idle, least_busy, round_robin, fewest_today or ring_all",
                            "/strategy");
    }
    draft.strategy = *parsed;
  }
  if (auto action = optional_string(body, "offline_action", 32); !action) {
    return action.error();
  } else if (*action) {
    const auto parsed = svc::parse_offline_action(**action);
    if (!parsed) return Error::invalid("offline_action is keep, requeue or transfer", "/offline_action");
    draft.offline_action = *parsed;
  }
  if (const auto it = body.find("transfer_queue"); it != body.end()) {
    if (it->is_null()) {
      draft.transfer_queue.clear();
    } else if (auto transfer = optional_string(body, "transfer_queue", 64); !transfer) {
      return transfer.error();
    } else {
      draft.transfer_queue = **transfer;
    }
  }
  for (auto [key, target] : {std::pair{"offer_timeout_seconds", &draft.offer_timeout_seconds},
                             std::pair{"wrap_up_seconds", &draft.wrap_up_seconds},
                             std::pair{"offline_grace_seconds", &draft.offline_grace_seconds}}) {
    auto value = int_field(body, key, *target);
    if (!value) return value.error();
    *target = *value;
  }
  if (const auto it = body.find("members"); it != body.end()) {
    if (!it->is_array() || it->size() > 5000) return Error::invalid("members is an array of agent ids", "/members");
    std::vector<domain::Id> members;
    for (const auto& member : *it) {
      const auto id = member.is_string() ? parse_id(member.get<std::string>()) : std::nullopt;
      if (!id) return Error::invalid("members is an array of agent ids (strings)", "/members");
      members.push_back(*id);
    }
    draft.members = std::move(members);
  }
  return Ok{};
}

awaitable<net::Response> list_queues(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto queues = co_await c.queues.list();
  if (!queues) co_return problem_response(context.request, queues.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& queue : *queues) items.push_back(svc::to_json(queue));
  co_return json_response(context.request, status::ok, page_json(std::move(items), std::nullopt));
}

awaitable<net::Response> get_queue(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto queue = co_await c.queues.get(std::string(context.param("key")));
  if (!queue) co_return problem_response(context.request, queue.error());
  co_return json_response(context.request, status::ok, svc::to_json(*queue));
}

awaitable<net::Response> create_queue(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto key = required_string(*body, "key", 64);
  if (!key) co_return problem_response(context.request, key.error());
  svc::QueueDraft draft;
  draft.key = *key;
  draft.name = *key;
  if (auto applied = apply_queue_body(*body, draft); !applied) {
    co_return problem_response(context.request, applied.error());
  }
  auto queue = co_await c.queues.create(std::move(draft), principal->agent_id);
  if (!queue) co_return problem_response(context.request, queue.error());
  auto response = json_response(context.request, status::created, svc::to_json(*queue));
  response.set(net::http::field::location, "/api/v1/queues/" + queue->key);
  co_return response;
}

awaitable<net::Response> update_queue(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  const std::string key(context.param("key"));
  auto current = co_await c.queues.get(key);
  if (!current) co_return problem_response(context.request, current.error());
  svc::QueueDraft draft{current->key, current->name, current->strategy, current->offer_timeout_seconds,
                        current->wrap_up_seconds, current->offline_action, current->offline_grace_seconds,
                        current->transfer_queue, std::nullopt};
  if (auto applied = apply_queue_body(*body, draft); !applied) {
    co_return problem_response(context.request, applied.error());
  }
  auto queue = co_await c.queues.update(key, std::move(draft), principal->agent_id);
  if (!queue) co_return problem_response(context.request, queue.error());
  co_return json_response(context.request, status::ok, svc::to_json(*queue));
}

awaitable<net::Response> get_profile(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate(context, c.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  if (principal->role == domain::Role::agent && principal->agent_id != *id) {
    co_return problem_response(context.request, Error::forbidden("agents see only their own profile"));
  }
  auto profile = co_await c.queues.profile(*id);
  if (!profile) co_return problem_response(context.request, profile.error());
  co_return json_response(context.request, status::ok, svc::to_json(*profile));
}

Result<svc::AgentRoutingProfile> profile_from(const nlohmann::json& body, domain::Id agent_id) {
  svc::AgentRoutingProfile profile;
  profile.agent_id = agent_id;
  const auto skills = body.find("skills");
  if (skills != body.end()) {
    if (!skills->is_array() || skills->size() > 100) return Error::invalid("skills is an array", "/skills");
    for (const auto& item : *skills) {
      if (!item.is_object() || !item.contains("skill") || !item["skill"].is_string() || item["skill"].size() > 64) {
        return Error::invalid("each skill is {skill, level}", "/skills");
      }
      const auto level = item.value("level", 1);
      profile.skills[item["skill"].get<std::string>()] = level;
    }
  }
  const auto languages = body.find("languages");
  if (languages != body.end()) {
    if (!languages->is_array() || languages->size() > 20) return Error::invalid("languages is an array", "/languages");
    for (const auto& language : *languages) {
      if (!language.is_string() || language.size() > 64) return Error::invalid("languages are strings", "/languages");
      profile.languages.push_back(language.get<std::string>());
    }
  }
  const auto capacity = body.find("capacity");
  if (capacity == body.end()) return profile;
  if (!capacity->is_object() || capacity->size() > 16) {
    return Error::invalid("capacity is an object of channel -> slots", "/capacity");
  }
  for (const auto& [channel, slots] : capacity->items()) {
    if (!slots.is_number_integer()) return Error::invalid("slots are integers", "/capacity/" + channel);
    const auto value = slots.get<long long>();
    profile.capacity[channel] = static_cast<int>(std::clamp<long long>(value, -1, 100000));
  }
  return profile;
}

awaitable<net::Response> put_profile(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto profile = profile_from(*body, *id);
  if (!profile) co_return problem_response(context.request, profile.error());
  auto stored = co_await c.queues.set_profile(std::move(profile).value(), principal->agent_id);
  if (!stored) co_return problem_response(context.request, stored.error());
  co_return json_response(context.request, status::ok, svc::to_json(*stored));
}

awaitable<net::Response> queue_candidates(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, c.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  svc::RoutingStep step;
  step.queue = std::string(context.param("key"));
  const auto channel = domain::parse_channel(context.query("channel").value_or("webchat"));
  if (!channel) co_return problem_response(context.request, Error::invalid("unknown channel", "channel"));
  if (auto skills = context.query("skills"); skills && !skills->empty()) {
    if (skills->size() > 1024) co_return problem_response(context.request, Error::invalid("too long", "skills"));
    for (std::size_t start = 0; start <= skills->size();) {
      const auto comma = std::min(skills->find(',', start), skills->size());
      if (comma > start) step.skills.push_back(skills->substr(start, comma - start));
      start = comma + 1;
    }
  }
  auto verdicts = co_await c.assignment.candidates(std::move(step), *channel);
  if (!verdicts) co_return problem_response(context.request, verdicts.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : *verdicts) {
    items.push_back({{"agent_id", svc::id_text(v.agent_id)}, {"name", v.name}, {"eligible", v.eligible},
                     {"reason", v.reason}});
  }
  co_return json_response(context.request, status::ok, nlohmann::json{{"items", std::move(items)}});
}

}  // namespace

void add_queue_routes(net::Router& router, AssignmentApiContext& context) {
  using net::http::verb;
  auto* c = &context;
  router.add(verb::get, "/api/v1/queues", [c](auto& r) { return list_queues(*c, r); });
  router.add(verb::post, "/api/v1/queues", [c](auto& r) { return create_queue(*c, r); });
  router.add(verb::get, "/api/v1/queues/{key}", [c](auto& r) { return get_queue(*c, r); });
  router.add(verb::patch, "/api/v1/queues/{key}", [c](auto& r) { return update_queue(*c, r); });
  router.add(verb::get, "/api/v1/queues/{key}/candidates", [c](auto& r) { return queue_candidates(*c, r); });
  router.add(verb::get, "/api/v1/agents/{id}/routing", [c](auto& r) { return get_profile(*c, r); });
  router.add(verb::put, "/api/v1/agents/{id}/routing", [c](auto& r) { return put_profile(*c, r); });
}

}  // namespace cc::api
