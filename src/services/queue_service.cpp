#include "cc/services/queue_service.hpp"

#include "cc/services/agent_profile_rules.hpp"
#include "cc/services/input_rules.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

using nlohmann::json;

json to_json(const QueueSettings& queue) {
  json members = json::array();
  for (const auto id : queue.members) members.push_back(id_text(id));
  return {{"id", id_text(queue.id)},
          {"key", queue.key},
          {"name", queue.name},
          {"strategy", to_string(queue.strategy)},
          {"offer_timeout_seconds", queue.offer_timeout_seconds},
          {"wrap_up_seconds", queue.wrap_up_seconds},
          {"offline_action", to_string(queue.offline_action)},
          {"offline_grace_seconds", queue.offline_grace_seconds},
          {"transfer_queue", queue.transfer_queue.empty() ? json(nullptr) : json(queue.transfer_queue)},
          {"members", std::move(members)}};
}

json to_json(const AgentRoutingProfile& profile) {
  json skills = json::array();
  for (const auto& [skill, level] : profile.skills) skills.push_back({{"skill", skill}, {"level", level}});
  return {{"agent_id", id_text(profile.agent_id)},
          {"skills", std::move(skills)},
          {"languages", profile.languages},
          {"capacity", profile.capacity}};
}

std::optional<Error> check_queue_draft(const QueueDraft& draft) {
  if (auto error = check_routing_key(draft.key, "/key")) return error;
  if (auto error = check_display_name(draft.name)) return error;
  if (draft.offer_timeout_seconds < 0 || draft.offer_timeout_seconds > 600) {
    return Error::invalid("must be 0 to 600", "/offer_timeout_seconds");
  }
  if (draft.wrap_up_seconds < 0 || draft.wrap_up_seconds > 3600) {
    return Error::invalid("must be 0 to 3600", "/wrap_up_seconds");
  }
  if (draft.offline_grace_seconds < 0 || draft.offline_grace_seconds > 86400) {
    return Error::invalid("must be 0 to 86400", "/offline_grace_seconds");
  }
  if (draft.offline_action == OfflineAction::transfer) {
    if (draft.transfer_queue.empty()) return Error::invalid("transfer needs a transfer_queue", "/transfer_queue");
  }
  if (!draft.transfer_queue.empty()) {
    if (auto error = check_routing_key(draft.transfer_queue, "/transfer_queue")) return error;
  }
  if (draft.members && draft.members->size() > 5000) return Error::invalid("at most 5000 members", "/members");
  return std::nullopt;
}

std::optional<Error> check_routing_profile(const AgentRoutingProfile& profile) {
  if (profile.skills.size() > 100) return Error::invalid("at most 100 skills", "/skills");
  for (const auto& [skill, level] : profile.skills) {
    if (auto error = check_routing_key(skill, "/skills")) return error;
    if (level < 1 || level > 10) return Error::invalid("a level is 1 to 10", "/skills");
  }
  if (profile.languages.size() > 20) return Error::invalid("at most 20 languages", "/languages");
  for (const auto& language : profile.languages) {
    if (auto error = check_routing_key(language, "/languages")) return error;
  }
  for (const auto& [channel, slots] : profile.capacity) {
    if (!domain::parse_channel(channel)) return Error::invalid("unknown channel " + channel, "/capacity");
    if (slots < 0 || slots > 1000) return Error::invalid("capacity is 0 to 1000", "/capacity/" + channel);
  }
  return std::nullopt;
}

boost::asio::awaitable<Result<std::vector<QueueSettings>>> QueueService::list() {
  co_return co_await store_.list_queues();
}

boost::asio::awaitable<Result<QueueSettings>> QueueService::get(std::string key) {
  co_return co_await store_.get_queue(std::move(key));
}

boost::asio::awaitable<Result<QueueSettings>> QueueService::create(QueueDraft draft, domain::Id actor) {
  if (auto error = check_queue_draft(draft)) co_return *error;
  auto created = co_await store_.create_queue(std::move(draft));
  if (created) {
    auto entry = audit_entry(actor, "queue.created", "queue", created->key, to_json(*created));
    co_await audit_.record(std::move(entry));
    assignment_.wake();
  }
  co_return created;
}

boost::asio::awaitable<Result<QueueSettings>> QueueService::update(std::string key, QueueDraft draft,
                                                                   domain::Id actor) {
  if (auto error = check_queue_draft(draft)) co_return *error;
  auto updated = co_await store_.update_queue(std::move(key), std::move(draft));
  if (updated) {
    auto entry = audit_entry(actor, "queue.updated", "queue", updated->key, to_json(*updated));
    co_await audit_.record(std::move(entry));
    assignment_.wake();  // members or strategy may make waiting tasks assignable
  }
  co_return updated;
}

boost::asio::awaitable<Result<AgentRoutingProfile>> QueueService::profile(domain::Id agent_id) {
  co_return co_await store_.get_profile(agent_id);
}

boost::asio::awaitable<Result<AgentRoutingProfile>> QueueService::set_profile(AgentRoutingProfile profile,
                                                                              domain::Id actor) {
  if (auto error = check_routing_profile(profile)) co_return *error;
  auto stored = co_await store_.put_profile(std::move(profile));
  if (stored) {
    auto entry = audit_entry(actor, "agent.routing_updated", "agent", id_text(stored->agent_id),
                             to_json(*stored));
    co_await audit_.record(std::move(entry));
    assignment_.wake();  // capacity raised or a skill added
  }
  co_return stored;
}

}  // namespace cc::services
