#include "cc/store/pg/pg_rows.hpp"

#include <stdexcept>

namespace cc::store {
namespace {

#define CC_MILLIS(column) "(extract(epoch from " column ") * 1000)::bigint"

template <class E, class Parse>
E parse_or_throw(const pqxx::field& field, Parse parse) {
  const auto value = parse(field.c_str());
  if (!value) throw std::runtime_error(std::string("unexpected value in column ") + field.name());
  return *value;
}

std::optional<domain::Id> optional_id(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<domain::Id>();
}

}  // namespace

const std::string kConversationColumns =
    "c.id, c.customer_id, c.channel_account_id, c.channel, c.status, c.assignee_id, "
    "c.last_message_preview, c.customer_address, " CC_MILLIS("c.created_at") " AS created_ms, " CC_MILLIS(
        "c.last_message_at") " AS last_message_ms, " CC_MILLIS("c.closed_at") " AS closed_ms, "
    "(SELECT display_name FROM customers WHERE id = c.customer_id) AS customer_name";

const std::string kMessageColumns =
    "m.id, m.conversation_id, m.direction, m.sender_type, m.sender_agent_id, m.content, "
    "m.content_type, m.delivery_status, m.metadata::text AS metadata, " CC_MILLIS(
        "m.created_at") " AS created_ms";

const std::string kAgentColumns =
    "a.id, a.email, a.name, a.role, a.status, a.active, a.sip_uri, " CC_MILLIS("a.created_at") " AS created_ms";

const std::string kChannelAccountColumns =
    "ca.id, ca.channel, ca.name, ca.config::text AS config, ca.active, " CC_MILLIS(
        "ca.created_at") " AS created_ms";

domain::TimePoint time_from_millis(std::int64_t millis) {
  return domain::TimePoint(std::chrono::milliseconds(millis));
}

std::int64_t millis_of(domain::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

domain::Conversation conversation_from(const pqxx::row& row) {
  domain::Conversation c;
  c.id = row["id"].as<domain::Id>();
  c.customer_id = row["customer_id"].as<domain::Id>();
  c.channel_account_id = row["channel_account_id"].as<domain::Id>();
  c.channel = parse_or_throw<domain::Channel>(row["channel"], domain::parse_channel);
  c.status = parse_or_throw<domain::ConversationStatus>(row["status"],
                                                        domain::parse_conversation_status);
  c.assignee_id = optional_id(row["assignee_id"]);
  c.last_message_preview = row["last_message_preview"].c_str();
  c.customer_address = row["customer_address"].c_str();
  c.customer_name = row["customer_name"].is_null() ? "" : row["customer_name"].c_str();
  c.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  c.last_message_at = time_from_millis(row["last_message_ms"].as<std::int64_t>());
  if (!row["closed_ms"].is_null()) c.closed_at = time_from_millis(row["closed_ms"].as<std::int64_t>());
  return c;
}

domain::Message message_from(const pqxx::row& row) {
  domain::Message m;
  m.id = row["id"].as<domain::Id>();
  m.conversation_id = row["conversation_id"].as<domain::Id>();
  m.direction = parse_or_throw<domain::Direction>(row["direction"], domain::parse_direction);
  m.sender_type = row["sender_type"].c_str();
  m.sender_agent_id = optional_id(row["sender_agent_id"]);
  m.content = row["content"].c_str();
  m.content_type = row["content_type"].c_str();
  m.delivery_status = row["delivery_status"].c_str();
  m.metadata_json = row["metadata"].c_str();
  if (m.metadata_json == "{}") m.metadata_json.clear();
  m.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  return m;
}

domain::Agent agent_from(const pqxx::row& row) {
  domain::Agent a;
  a.id = row["id"].as<domain::Id>();
  a.email = row["email"].c_str();
  a.name = row["name"].c_str();
  a.role = parse_or_throw<domain::Role>(row["role"], domain::parse_role);
  a.status = parse_or_throw<domain::AgentStatus>(row["status"], domain::parse_agent_status);
  a.active = row["active"].as<bool>();
  a.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  if (!row["sip_uri"].is_null()) a.sip_uri = row["sip_uri"].c_str();
  return a;
}

domain::ChannelAccount channel_account_from(const pqxx::row& row) {
  domain::ChannelAccount ca;
  ca.id = row["id"].as<domain::Id>();
  ca.channel = parse_or_throw<domain::Channel>(row["channel"], domain::parse_channel);
  ca.name = row["name"].c_str();
  ca.config_json = row["config"].c_str();
  ca.active = row["active"].as<bool>();
  ca.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  return ca;
}

}  // namespace cc::store
