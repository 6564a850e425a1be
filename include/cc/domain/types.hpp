#pragma once
// Plain records that cross module boundaries. Ids are 64-bit database keys; the API prints them
// as strings. Times are UTC system_clock points.
#include <chrono>
#include <cstddef>
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

// A file that came with an inbound message (e-mail attachment or inline image). Stored with the
// message, in the same transaction, in the attachments table.
struct InboundAttachment {
  std::string filename;      // UTF-8, as the sender named it ("" when unnamed)
  std::string content_type;  // lower-case type/subtype
  std::string content;       // the decoded bytes; empty when omitted
  std::string content_id;    // without angle brackets; inline parts are referenced as cid:<id>
  bool inline_part = false;
  // Non-empty: the adapter did not keep the bytes (over its size or count limit); the message
  // metadata lists the file with this reason and `size`, and nothing is stored for it.
  std::string omitted_reason;
  std::size_t size = 0;  // decoded size in bytes (content.size() when kept)
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
  // Where replies to this customer go on this channel (openid, phone, email address, visitor
  // id). Stored on the conversation; the outbox sends agent replies there.
  std::string reply_address;
  // Channel-specific details as a JSON object text ("" = none): media ids, location, subject,
  // attachments. Shown to agents beside the content.
  std::string metadata_json;
  // False for messages stored for the record but never offered to agents (auto-replies, bulk
  // mail, opt-out keywords already handled by the adapter).
  bool routable = true;
  // Threaded channels (e-mail): the conversation this message replies to, when the adapter found
  // one; it is joined if it is still open and belongs to the same customer and account.
  std::optional<Id> conversation_hint;
  // Threaded channels: a message that replies to nothing starts a conversation of its own even
  // when the customer has another one open.
  bool starts_thread = false;
  // Files that came with it. When non-empty the store writes metadata `attachments` (kept files
  // with their ids, omitted ones with the reason) and links metadata `html`'s cid: references
  // to the download route.
  std::vector<InboundAttachment> attachments;
};

struct Message {
  Id id = 0;
  Id conversation_id = 0;
  Direction direction = Direction::inbound;
  std::string sender_type;  // customer, agent, bot, system
  std::optional<Id> sender_agent_id;
  std::string content;
  std::string content_type = "text";
  std::string delivery_status;  // received, queued, sent, delivered, undelivered, failed
  std::string metadata_json;    // JSON object text; "" when none
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
  std::string customer_address;  // the customer's address on this channel (see InboundMessage)
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
  std::optional<std::string> sip_uri;  // sip:/sips: address of the agent's phone on the PBX
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
