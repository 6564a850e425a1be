#pragma once
// Port: pushes an event to the agent's WebSocket sessions on this instance, if any.
// Implemented by api/agent_hub; must not block.
#include "cc/services/ports/agent_event_store.hpp"

namespace cc::services {

class AgentNotifier {
 public:
  virtual ~AgentNotifier() = default;
  virtual void deliver(const AgentEvent& event) = 0;
};

}  // namespace cc::services
