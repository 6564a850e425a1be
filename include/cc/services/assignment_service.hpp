#pragma once
// Hands waiting conversations to agents: the online agent with the fewest open conversations.
// The routing issue replaces the policy; the contract (claim atomically, then emit
// conversation.assigned) stays.
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/assignment_store.hpp"

namespace cc::services {

class AssignmentService {
 public:
  AssignmentService(AssignmentStore& store, EventDispatcher& events);
  boost::asio::awaitable<std::optional<domain::Conversation>> try_assign(domain::Id conversation_id);
  // Runs when capacity appears (an agent comes online): assigns the queue, oldest first.
  boost::asio::awaitable<int> assign_waiting();

 private:
  AssignmentStore& store_;
  EventDispatcher& events_;
};

}  // namespace cc::services
