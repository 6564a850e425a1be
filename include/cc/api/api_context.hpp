#pragma once
// The services the REST and WebSocket handlers call, handed to the route registrars by app/.
// Everything here outlives the server's io_context run.
#include "cc/metrics/registry.hpp"
#include "cc/services/agent_service.hpp"
#include "cc/services/auth_service.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/outbox_service.hpp"
#include "cc/services/ports/event_bus.hpp"
#include "cc/services/ports/health_probe.hpp"

namespace cc::api {

class AgentHub;

struct ApiContext {
  services::AuthService& auth;
  services::AgentService& agents;
  services::ChannelAccountService& channel_accounts;
  services::ConversationService& conversations;
  services::EventDispatcher& events;
  services::HealthProbe& health;
  services::EventBus& bus;
  metrics::Registry& metrics;
  AgentHub& hub;
  services::OutboxService& outbox;
};

}  // namespace cc::api
