#pragma once
// Port: conversations and their messages, as agents read and answer them.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct ConversationQuery {
  std::optional<domain::Id> only_for_agent;  // agents: theirs plus the queue; nullopt: all
  std::optional<domain::ConversationStatus> status;
  std::optional<domain::Channel> channel;
  std::optional<domain::Id> after;  // keyset: ids below this one (newest first)
  int limit = 50;
};

struct ReplyOutcome {
  domain::Message message;
  domain::Conversation conversation;
  bool replayed = false;  // the Idempotency-Key was seen before: nothing new was stored
};

class ConversationRepository {
 public:
  virtual ~ConversationRepository() = default;
  virtual boost::asio::awaitable<Result<domain::Page<domain::Conversation>>> list(
      ConversationQuery query) = 0;
  virtual boost::asio::awaitable<Result<domain::Conversation>> get(domain::Id id) = 0;
  // Oldest first, ids above `after`.
  virtual boost::asio::awaitable<Result<domain::Page<domain::Message>>> messages(
      domain::Id conversation_id, std::optional<domain::Id> after, int limit) = 0;
  // A customer's messages on one channel account across their conversations, oldest first.
  virtual boost::asio::awaitable<Result<domain::Page<domain::Message>>> customer_messages(
      domain::Id customer_id, domain::Id channel_account_id, std::optional<domain::Id> after,
      int limit) = 0;
  // Stores the agent's reply and its outbox row in one transaction; claims a queued
  // conversation for the agent. conflict when the conversation is closed.
  virtual boost::asio::awaitable<Result<ReplyOutcome>> append_reply(
      domain::Id conversation_id, domain::Id agent_id, std::string content,
      std::optional<std::string> idempotency_key) = 0;
  virtual boost::asio::awaitable<Result<domain::Conversation>> close(domain::Id conversation_id) = 0;
  // Stores a message the server writes to the customer itself (sender_type "bot" or "system":
  // a bot answer, a survey, a follow-up) with its outbox row, in one transaction. Does not
  // claim the conversation; works on a closed one too (a survey after closing).
  virtual boost::asio::awaitable<Result<ReplyOutcome>> append_automated(
      domain::Id conversation_id, std::string sender_type, std::string content) = 0;
  // The customer's conversation on this account that is not closed, if any.
  virtual boost::asio::awaitable<Result<std::optional<domain::Conversation>>> live_conversation(
      domain::Id customer_id, domain::Id channel_account_id) = 0;
};

}  // namespace cc::services
