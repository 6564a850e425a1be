#pragma once
// Glue between the assignment engine and the rest, built in app/wiring: customer notices go out
// through ConversationService::send_automated; a closed conversation (its slot freed, or its
// wrap-up started) wakes the engine's loop.
#include "cc/services/assignment_service.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/ports/domain_event_sink.hpp"

namespace cc::services {

class ConversationNotifier final : public CustomerNotifier {
 public:
  explicit ConversationNotifier(ConversationService& conversations) : conversations_(conversations) {}
  boost::asio::awaitable<void> tell(domain::Id conversation_id, std::string text) override;

 private:
  ConversationService& conversations_;
};

class AssignmentWakeSink final : public DomainEventSink {
 public:
  explicit AssignmentWakeSink(AssignmentService& assignment) : assignment_(assignment) {}
  void publish(DomainEvent event) override;

 private:
  AssignmentService& assignment_;
};

}  // namespace cc::services
