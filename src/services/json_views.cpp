#include "cc/services/json_views.hpp"

#include <memory>
#include <mutex>

#include "cc/domain/time_format.hpp"
#include "cc/services/agent_text_filter.hpp"

namespace cc::services {

using nlohmann::json;

std::string id_text(domain::Id id) { return std::to_string(id); }

json optional_id(const std::optional<domain::Id>& id) {
  return id ? json(id_text(*id)) : json(nullptr);
}

// --- routing engine: agent text filter ---
namespace {
std::mutex agent_filter_mutex;
std::shared_ptr<const AgentTextFilter> agent_filter;

std::string for_agents(const std::string& text) {
  std::shared_ptr<const AgentTextFilter> filter;
  {
    std::lock_guard lock(agent_filter_mutex);
    filter = agent_filter;
  }
  return filter && *filter ? (*filter)(text) : text;
}
}  // namespace

void set_agent_text_filter(AgentTextFilter filter) {
  auto next = std::make_shared<const AgentTextFilter>(std::move(filter));
  std::lock_guard lock(agent_filter_mutex);
  agent_filter = std::move(next);
}
// --- end routing engine: agent text filter ---

json to_json(const domain::Message& message) {
  json metadata = message.metadata_json.empty()
                      ? json::object()
                      : json::parse(message.metadata_json, nullptr, false);
  if (!metadata.is_object()) metadata = json::object();
  auto content = message.direction == domain::Direction::inbound ? for_agents(message.content) : message.content;
  if (content != message.content) metadata["masked"] = true;
  return {{"id", id_text(message.id)},
          {"conversation_id", id_text(message.conversation_id)},
          {"direction", domain::to_string(message.direction)},
          {"sender_type", message.sender_type},
          {"sender_agent_id", optional_id(message.sender_agent_id)},
          {"content", std::move(content)},
          {"content_type", message.content_type},
          {"delivery_status", message.delivery_status},
          {"metadata", std::move(metadata)},
          {"created_at", domain::format_time(message.created_at)}};
}

json to_json(const domain::Conversation& conversation) {
  return {{"id", id_text(conversation.id)},
          {"channel", domain::to_string(conversation.channel)},
          {"channel_account_id", id_text(conversation.channel_account_id)},
          {"status", domain::to_string(conversation.status)},
          {"customer_id", id_text(conversation.customer_id)},
          {"customer_name", conversation.customer_name},
          {"assignee_id", optional_id(conversation.assignee_id)},
          {"last_message_preview", for_agents(conversation.last_message_preview)},
          {"created_at", domain::format_time(conversation.created_at)},
          {"last_message_at", domain::format_time(conversation.last_message_at)},
          {"closed_at", conversation.closed_at ? json(domain::format_time(*conversation.closed_at))
                                               : json(nullptr)}};
}

json to_json(const domain::Agent& agent) {
  return {{"id", id_text(agent.id)},
          {"email", agent.email},
          {"name", agent.name},
          {"role", domain::to_string(agent.role)},
          {"status", domain::to_string(agent.status)},
          {"active", agent.active},
          {"created_at", domain::format_time(agent.created_at)},
          {"sip_uri", agent.sip_uri ? json(*agent.sip_uri) : json(nullptr)}};
}

static bool names_a_secret(const std::string& key) {
  for (const char* word : {"secret", "token", "password", "key"}) {
    if (key.find(word) != std::string::npos) return true;
  }
  return false;
}

json mask_secrets(const json& config) {
  if (config.is_array()) {
    json out = json::array();
    for (const auto& item : config) out.push_back(mask_secrets(item));
    return out;
  }
  if (!config.is_object()) return config;
  json out = json::object();
  for (const auto& [key, value] : config.items()) {
    if (names_a_secret(key) && value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      // Show the last 4 characters of long secrets so admins can tell them apart.
      out[key] = text.size() > 12 ? "****" + text.substr(text.size() - 4) : std::string("****");
    } else {
      out[key] = mask_secrets(value);
    }
  }
  return out;
}

json to_json(const domain::ChannelAccount& account) {
  json config = json::parse(account.config_json, nullptr, false);
  if (config.is_discarded()) config = json::object();
  return {{"id", id_text(account.id)},
          {"channel", domain::to_string(account.channel)},
          {"name", account.name},
          {"config", mask_secrets(config)},
          {"active", account.active},
          {"created_at", domain::format_time(account.created_at)}};
}

json to_json(const OutboxEntry& entry) {
  return {{"id", id_text(entry.id)},
          {"message_id", id_text(entry.message_id)},
          {"conversation_id", id_text(entry.conversation_id)},
          {"channel_account_id", id_text(entry.channel_account_id)},
          {"status", entry.status},
          {"attempts", entry.attempts},
          {"last_error", entry.last_error.empty() ? json(nullptr) : json(entry.last_error)},
          {"failure_reason",
           entry.failure_reason.empty() ? json(nullptr) : json(entry.failure_reason)},
          {"provider_message_id",
           entry.provider_message_id.empty() ? json(nullptr) : json(entry.provider_message_id)},
          {"failover_from", optional_id(entry.failover_from)},
          {"created_at", domain::format_time(entry.created_at)},
          {"updated_at", domain::format_time(entry.updated_at)}};
}

json to_json(const CircuitStatus& status) {
  return {{"channel_account_id", id_text(status.channel_account_id)},
          {"state", domain::to_string(status.state)},
          {"calls_in_window", status.calls},
          {"failures_in_window", status.failures},
          {"times_opened", status.times_opened},
          {"retry_in_ms", status.retry_in.count()}};
}

}  // namespace cc::services
