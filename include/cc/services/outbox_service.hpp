#pragma once
// What agents and supervisors see of outbound delivery: the outbox rows (dead letters and
// messages in doubt above all), an agent's retry of one, and each channel account's circuit.
// Agents see rows of conversations they may view; supervisors and admins see all. Thread-safe.
#include <boost/asio/awaitable.hpp>

#include "cc/services/circuit_board.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/outbox_dispatcher.hpp"
#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

class OutboxService {
 public:
  OutboxService(OutboxRepository& outbox, OutboxDispatcher& dispatcher,
                ConversationService& conversations, CircuitBoard& circuits);

  boost::asio::awaitable<Result<domain::Page<OutboxEntry>>> list(const domain::Principal& viewer,
                                                                 OutboxQuery query);
  boost::asio::awaitable<Result<OutboxEntry>> retry(const domain::Principal& actor,
                                                    domain::Id outbox_id);
  CircuitStatus circuit(domain::Id channel_account_id) { return circuits_.status(channel_account_id); }

 private:
  OutboxRepository& outbox_;
  OutboxDispatcher& dispatcher_;
  ConversationService& conversations_;
  CircuitBoard& circuits_;
};

}  // namespace cc::services
