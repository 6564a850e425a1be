#pragma once
// Plain records that cross module boundaries. Ids are 64-bit database keys; the API prints them
// as strings. Times are UTC system_clock points.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/enums.hpp"

namespace cc::domain {

using Id = std::int64_t;
using TimePoint = std::chrono::system_clock::time_point;

struct Identifier {
  std::string type;   // e.g. web_visitor, email, phone, member_id
  std::string value;  // already normalised
  bool verified = false;
};

// One message as a channel adapter hands it to the ingest pipeline.
struct InboundMessage {
  Id channel_account_id = 0;
  Channel channel = Channel::webchat;
  std::string provider_message_id;  // dedupe key, unique per channel account
  std::vector<Identifier> identifiers;
  std::string content;
  std::string content_type = "text";
  std::optional<std::string> display_name;
  TimePoint provider_time{};
};

struct Message {
  Id id = 0;
  Id conversation_id = 0;
  Direction direction = Direction::inbound;
  std::string sender_type;  // customer, agent, bot, system
  std::optional<Id> sender_agent_id;
  std::string content;
  std::string content_type = "text";
  std::string delivery_status;  // received, queued, sent, delivered, failed
  TimePoint created_at{};
};

struct Conversation {
  Id id = 0;
  Id customer_id = 0;
  Id channel_account_id = 0;
  Channel channel = Channel::webchat;
  ConversationStatus status = ConversationStatus::queued;
  std::optional<Id> assignee_id;
  std::string customer_name;
  std::string last_message_preview;
  TimePoint created_at{};
  TimePoint last_message_at{};
  std::optional<TimePoint> closed_at;
};

struct Agent {
  Id id = 0;
  std::string email;
  std::string name;
  Role role = Role::agent;
  AgentStatus status = AgentStatus::offline;
  bool active = true;
  TimePoint created_at{};
};

struct ChannelAccount {
  Id id = 0;
  Channel channel = Channel::webchat;
  std::string name;
  std::string config_json;  // per-channel settings and secrets, as JSON text
  bool active = true;
  TimePoint created_at{};
};

// Who is calling the API, as established by a bearer token.
struct Principal {
  Id agent_id = 0;
  Role role = Role::agent;
  std::string token_hash;
};

// A page of a keyset-paginated list.
template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

}  // namespace cc::domain
