#pragma once
// Glue between the assignment engine and the rest, built in app/wiring: customer notices go out
// through ConversationService::send_automated; a closed conversation (its slot freed, or its
// wrap-up started) wakes the engine's loop.
#include "cc/services/assignment_service.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/ports/domain_event_sink.hpp"
#include "cc/services/ports/ticket_creator.hpp"

namespace cc::services {

class ConversationNotifier final : public CustomerNotifier {
 public:
  explicit ConversationNotifier(ConversationService& conversations) : conversations_(conversations) {}
  boost::asio::awaitable<void> tell(domain::Id conversation_id, std::string text) override;

 private:
  ConversationService& conversations_;
};

// Ends a task whose steps ran out: `ticket` opens a ticket linked to the conversation (the
// customer is told its number), `close` sends the plan's close_message; either way the
// conversation is then closed. The task was claimed once (state 'exhausted'), so several
// instances never open two tickets for it; a failed ticket leaves the conversation queued for an
// agent to pick up by hand.
class ExhaustedTaskCloser final : public ExhaustedTaskHandler {
 public:
  ExhaustedTaskCloser(ConversationService& conversations, TicketCreator& tickets)
      : conversations_(conversations), tickets_(tickets) {}
  boost::asio::awaitable<void> handle(ExhaustedTask task) override;

 private:
  ConversationService& conversations_;
  TicketCreator& tickets_;
};

class AssignmentWakeSink final : public DomainEventSink {
 public:
  explicit AssignmentWakeSink(AssignmentService& assignment) : assignment_(assignment) {}
  void publish(DomainEvent event) override;

 private:
  AssignmentService& assignment_;
};

}  // namespace cc::services
