#pragma once
// Owns every long-lived object of a running server, constructed in dependency order and
// destroyed in reverse. Built by serve() and by seed_demo(), which needs the same services.
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "cc/api/agent_hub.hpp"
#include "cc/api/api_context.hpp"
#include "cc/app/config.hpp"
#include "cc/channels/webchat/visitor_hub.hpp"
#include "cc/channels/webchat/webchat_routes.hpp"
#include "cc/channels/webchat/webchat_sender.hpp"
#include "cc/net/http_server.hpp"
#include "cc/net/static_files.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/redis/redis_event_bus.hpp"

namespace cc::app {

struct Wiring {
  Wiring(const Config& config, boost::asio::io_context& io);

  const Config& config;
  boost::asio::io_context& io;
  metrics::Registry metrics;
  boost::asio::thread_pool cpu{2};  // password hashing, off the I/O threads
  store::PgPool pool;
  store::PgAgentRepository agent_repository{pool};
  store::PgTokenRepository token_repository{pool};
  store::PgChannelAccountRepository channel_account_repository{pool};
  store::PgConversationRepository conversation_repository{pool};
  store::PgIngestStore ingest_store{pool};
  store::PgAgentEventStore event_store{pool};
  store::PgOutboxRepository outbox_repository{pool};
  store::PgHealthProbe health{pool};
  store::PgAuditLog audit{pool};
  store::RedisEventBus bus;

  services::EventDispatcher events{event_store, bus};
  services::AssignmentService assignment{conversation_repository, events};
  services::AuthService auth;
  services::AgentService agents;
  services::ChannelAccountService channel_accounts{channel_account_repository, audit};
  services::OutboxDispatcher outbox;
  services::ConversationService conversations{conversation_repository, events, outbox};
  services::IngestService ingest;

  api::AgentHub agent_hub;
  channels::webchat::VisitorHub visitor_hub;
  channels::webchat::WebchatSender webchat_sender{bus};
  api::ApiContext api;
  channels::webchat::WebchatContext webchat;
  net::StaticFiles static_files;
  net::Router router;
};

std::string default_instance_id();

}  // namespace cc::app
