#pragma once
// The closed vocabularies of the product (channels, roles, statuses) and their wire names.
#include <optional>
#include <string_view>

namespace cc::domain {

enum class Channel { webchat, wechat, sms, email, voice, api };
enum class Role { agent, supervisor, admin };
enum class AgentStatus { online, away, offline };
enum class Direction { inbound, outbound };
enum class ConversationStatus { queued, open, closed };

std::string_view to_string(Channel value);
std::string_view to_string(Role value);
std::string_view to_string(AgentStatus value);
std::string_view to_string(Direction value);
std::string_view to_string(ConversationStatus value);

std::optional<Channel> parse_channel(std::string_view text);
std::optional<Role> parse_role(std::string_view text);
std::optional<AgentStatus> parse_agent_status(std::string_view text);
std::optional<Direction> parse_direction(std::string_view text);
std::optional<ConversationStatus> parse_conversation_status(std::string_view text);

// Supervisors and admins see every conversation; agents see theirs and the queue.
inline bool sees_all_conversations(Role role) { return role != Role::agent; }

}  // namespace cc::domain
