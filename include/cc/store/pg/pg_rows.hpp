#pragma once
// Column lists and row readers shared by the PostgreSQL repositories, so every query returns a
// record in the same shape. Timestamps travel as epoch milliseconds (no text parsing).
#include <pqxx/pqxx>
#include <string>

#include "cc/domain/types.hpp"

namespace cc::store {

// "SELECT <columns> FROM conversations c ..." — the alias is fixed: c, m, a.
extern const std::string kConversationColumns;
extern const std::string kMessageColumns;
extern const std::string kAgentColumns;
extern const std::string kChannelAccountColumns;

domain::Conversation conversation_from(const pqxx::row& row);
domain::Message message_from(const pqxx::row& row);
domain::Agent agent_from(const pqxx::row& row);
domain::ChannelAccount channel_account_from(const pqxx::row& row);

domain::TimePoint time_from_millis(std::int64_t millis);
std::int64_t millis_of(domain::TimePoint time);

}  // namespace cc::store
