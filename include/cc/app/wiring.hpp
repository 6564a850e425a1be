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
#include "cc/net/http_client.hpp"
#include "cc/net/http_server.hpp"
#include "cc/net/static_files.hpp"
#include "cc/services/delivery_reports.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/redis/redis_event_bus.hpp"
// --- sms includes ---
#include "cc/channels/sms/sms_routes.hpp"
#include "cc/channels/sms/sms_sender.hpp"
#include "cc/store/pg/pg_opt_out_store.hpp"
// --- end sms includes ---
// --- email includes ---
#include "cc/channels/email/email_config.hpp"
#include "cc/channels/email/email_receiver.hpp"
#include "cc/channels/email/email_routes.hpp"
#include "cc/channels/email/email_sender.hpp"
#include "cc/net/smtp_server.hpp"
#include "cc/store/pg/pg_email_thread_store.hpp"
// --- end email includes ---
// --- wechat includes ---
#include "cc/channels/wechat/wechat_config.hpp"
#include "cc/channels/wechat/wechat_routes.hpp"
#include "cc/channels/wechat/wechat_sender.hpp"
#include "cc/store/pg/pg_access_token_store.hpp"
#include "cc/store/redis/redis_access_token_store.hpp"
// --- end wechat includes ---
// --- api channel and webhook includes ---
#include "cc/api/webhook_routes.hpp"
#include "cc/channels/api/api_channel_routes.hpp"
#include "cc/channels/api/api_channel_sender.hpp"
#include "cc/channels/api/http_webhook_transport.hpp"
#include "cc/services/webhook_dispatcher.hpp"
#include "cc/services/webhook_service.hpp"
#include "cc/store/pg/pg_webhook_repository.hpp"
// --- end api channel and webhook includes ---
// --- attachments includes ---
// --- end attachments includes ---
// --- identity includes ---
// --- end identity includes ---
// --- tickets includes ---
// --- end tickets includes ---
// --- routing engine includes ---
// --- end routing engine includes ---
// --- assignment includes ---
// --- end assignment includes ---
// --- sip includes ---
// --- end sip includes ---

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
  services::CircuitBoard circuits{metrics};
  services::OutboxDispatcher outbox;
  services::ConversationService conversations{conversation_repository, events, outbox};
  services::IngestService ingest;
  services::OutboxService outbox_service{outbox_repository, outbox, conversations, circuits};
  services::DeliveryReports delivery_reports{outbox_repository, conversation_repository, events};

  api::AgentHub agent_hub;
  channels::webchat::VisitorHub visitor_hub;
  channels::webchat::WebchatSender webchat_sender{bus};
  api::ApiContext api;
  channels::webchat::WebchatContext webchat;

  // Shared by every adapter that calls a provider's API.
  net::HttpClient http_client{io.get_executor()};
  // --- wechat members ---
  // Access tokens shared by every instance: Redis (its own connection, opened on first use),
  // PostgreSQL behind it.
  store::RedisAccessTokenStore wechat_token_cache{io, config.redis.host, config.redis.port};
  store::PgAccessTokenStore wechat_token_table{pool};
  channels::wechat::WechatAccessTokens wechat_tokens{http_client, wechat_token_cache, wechat_token_table};
  channels::wechat::WechatSender wechat_sender{http_client, wechat_tokens};
  channels::wechat::WechatContext wechat{channel_accounts, ingest, auth, wechat_tokens, http_client};
  // --- end wechat members ---
  // --- sms members ---
  store::PgOptOutStore sms_opt_outs{pool};
  channels::sms::SmsSender sms_sender{http_client, sms_opt_outs};
  channels::sms::SmsContext sms{channel_accounts, ingest, sms_opt_outs, delivery_reports, auth};
  // --- end sms members ---
  // --- api channel and webhook members ---
  store::PgWebhookRepository webhook_repository{pool};
  channels::api::HttpWebhookTransport webhook_transport{http_client};
  services::WebhookService webhooks{io.get_executor(), webhook_repository, audit};
  services::WebhookDispatcher webhook_dispatcher{io.get_executor(), webhook_repository,
                                                 webhook_transport, metrics};
  channels::api::ApiChannelSender api_channel_sender{webhook_transport};
  channels::api::ApiChannelContext api_channel{channel_accounts, ingest, delivery_reports};
  api::WebhookApiContext webhook_api{api, webhooks};
  // --- end api channel and webhook members ---
  // --- email members ---
  store::PgEmailThreadStore email_threads{pool};
  channels::email::EmailReceiver email_receiver{channel_accounts, ingest, delivery_reports, email_threads};
  channels::email::EmailContext email{channel_accounts, email_receiver};
  channels::email::EmailSender email_sender{io.get_executor(), email_threads, config.smtp.hostname};
  // Built here when smtp.enabled; serve() starts it after the HTTP listener and shuts it down
  // before the outbox (see src/channels/email/README.md).
  std::unique_ptr<net::SmtpServer> smtp_server;
  // --- end email members ---
  // --- attachments members ---
  // --- end attachments members ---
  // --- identity members ---
  // --- end identity members ---
  // --- tickets members ---
  // --- end tickets members ---
  // --- routing engine members ---
  // --- end routing engine members ---
  // --- assignment members ---
  // --- end assignment members ---
  // --- sip members ---
  // --- end sip members ---

  net::StaticFiles static_files;
  net::Router router;
};

std::string default_instance_id();

}  // namespace cc::app
