#pragma once
// What agents do with conversations: list, read, reply (through the outbox), close. Enforces
// who may see what before touching the store, and emits the matching agent events.
#include <boost/asio/awaitable.hpp>

#include "cc/services/event_dispatcher.hpp"
#include "cc/services/input_rules.hpp"
#include "cc/services/outbox_dispatcher.hpp"
#include "cc/services/ports/conversation_repository.hpp"

namespace cc::services {

struct ConversationFilter {
  std::optional<domain::ConversationStatus> status;
  std::optional<domain::Channel> channel;
  std::optional<domain::Id> after;
  int limit = 50;
};

class ConversationService {
 public:
  ConversationService(ConversationRepository& conversations, EventDispatcher& events,
                      OutboxDispatcher& outbox);

  boost::asio::awaitable<Result<domain::Page<domain::Conversation>>> list(
      const domain::Principal& viewer, ConversationFilter filter);
  boost::asio::awaitable<Result<domain::Conversation>> get(const domain::Principal& viewer,
                                                           domain::Id id);
  boost::asio::awaitable<Result<domain::Page<domain::Message>>> messages(
      const domain::Principal& viewer, domain::Id id, std::optional<domain::Id> after, int limit);
  boost::asio::awaitable<Result<ReplyOutcome>> reply(const domain::Principal& author, domain::Id id,
                                                     std::string content,
                                                     std::optional<std::string> idempotency_key);
  boost::asio::awaitable<Result<domain::Conversation>> close(const domain::Principal& actor,
                                                             domain::Id id);
  // A message the server itself sends the customer (sender "bot" or "system"): stored with its
  // outbox row, then announced like an agent's reply. Callers are trusted modules, not agents.
  boost::asio::awaitable<Result<ReplyOutcome>> send_automated(domain::Id conversation_id,
                                                              std::string sender_type,
                                                              std::string content);
  // Typing indicators, relayed without being stored.
  boost::asio::awaitable<Status> agent_typing(const domain::Principal& agent, domain::Id id);
  boost::asio::awaitable<void> customer_typing(domain::Id customer_id, domain::Id channel_account_id);
  // What a web visitor sees: their messages on one channel account, oldest first.
  boost::asio::awaitable<Result<domain::Page<domain::Message>>> customer_history(
      domain::Id customer_id, domain::Id channel_account_id, std::optional<domain::Id> after,
      int limit);

 private:
  ConversationRepository& conversations_;
  EventDispatcher& events_;
  OutboxDispatcher& outbox_;
};


}  // namespace cc::services
