#include "cc/services/assignment_hooks.hpp"

#include "cc/async/log.hpp"

namespace cc::services {

boost::asio::awaitable<void> ConversationNotifier::tell(domain::Id conversation_id, std::string text) {
  auto sent = co_await conversations_.send_automated(conversation_id, "system", std::move(text));
  if (!sent) {
    async::module_logger("assignment")
        ->warn("notice to conversation {} failed: {}", conversation_id, sent.error().detail);
  }
}

void AssignmentWakeSink::publish(DomainEvent event) {
  if (event.type == "conversation.closed") assignment_.wake();
}

}  // namespace cc::services
