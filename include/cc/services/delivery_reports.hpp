#pragma once
// Applies a provider's delivery report (SMS status callback, e-mail bounce, API channel status)
// to the outbound message it names, and tells the conversation's agent and the integrations.
// Used by channel adapters; thread-safe.
#include <boost/asio/awaitable.hpp>

#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/conversation_repository.hpp"
#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

class DeliveryReports {
 public:
  DeliveryReports(OutboxRepository& outbox, ConversationRepository& conversations,
                  EventDispatcher& events);
  // status: queued, sent, delivered, undelivered, failed (others are refused as invalid).
  // not_found when no message of this account carries the provider id.
  boost::asio::awaitable<Status> record(domain::Id channel_account_id,
                                        std::string provider_message_id, std::string status,
                                        std::string error = {});

 private:
  OutboxRepository& outbox_;
  ConversationRepository& conversations_;
  EventDispatcher& events_;
};

}  // namespace cc::services
