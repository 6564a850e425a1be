#include "cc/domain/enums.hpp"

#include <array>
#include <utility>

namespace cc::domain {
namespace {

// One table per enum keeps the wire names in a single place for both directions.
template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<Channel, 6> kChannels{{{Channel::webchat, "webchat"},
                                           {Channel::wechat, "wechat"},
                                           {Channel::sms, "sms"},
                                           {Channel::email, "email"},
                                           {Channel::voice, "voice"},
                                           {Channel::api, "api"}}};
constexpr NameTable<Role, 3> kRoles{
    {{Role::agent, "agent"}, {Role::supervisor, "supervisor"}, {Role::admin, "admin"}}};
constexpr NameTable<AgentStatus, 3> kAgentStatuses{{{AgentStatus::online, "online"},
                                                    {AgentStatus::away, "away"},
                                                    {AgentStatus::offline, "offline"}}};
constexpr NameTable<Direction, 2> kDirections{
    {{Direction::inbound, "inbound"}, {Direction::outbound, "outbound"}}};
constexpr NameTable<ConversationStatus, 3> kConversationStatuses{
    {{ConversationStatus::queued, "queued"},
     {ConversationStatus::open, "open"},
     {ConversationStatus::closed, "closed"}}};

template <class E, std::size_t N>
std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [key, name] : table) {
    if (key == value) return name;
  }
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> parse(const NameTable<E, N>& table, std::string_view text) {
  for (const auto& [key, name] : table) {
    if (name == text) return key;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Channel value) { return name_of(kChannels, value); }
std::string_view to_string(Role value) { return name_of(kRoles, value); }
std::string_view to_string(AgentStatus value) { return name_of(kAgentStatuses, value); }
std::string_view to_string(Direction value) { return name_of(kDirections, value); }
std::string_view to_string(ConversationStatus value) {
  return name_of(kConversationStatuses, value);
}

std::optional<Channel> parse_channel(std::string_view text) { return parse(kChannels, text); }
std::optional<Role> parse_role(std::string_view text) { return parse(kRoles, text); }
std::optional<AgentStatus> parse_agent_status(std::string_view text) {
  return parse(kAgentStatuses, text);
}
std::optional<Direction> parse_direction(std::string_view text) {
  return parse(kDirections, text);
}
std::optional<ConversationStatus> parse_conversation_status(std::string_view text) {
  return parse(kConversationStatuses, text);
}

}  // namespace cc::domain
