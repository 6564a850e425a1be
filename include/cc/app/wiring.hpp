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
#include "cc/api/attachment_routes.hpp"
#include "cc/services/attachment_service.hpp"
#include "cc/store/pg/pg_attachment_store.hpp"
// --- end attachments includes ---
// --- identity includes ---
#include "cc/api/customer_routes.hpp"
#include "cc/services/customer_service.hpp"
#include "cc/services/identity_text.hpp"
#include "cc/store/pg/pg_customer_store.hpp"
// --- end identity includes ---
// --- tickets includes ---
#include "cc/api/ticket_routes.hpp"
#include "cc/services/polling_loop.hpp"
#include "cc/services/sla_engine.hpp"
#include "cc/services/ticket_service.hpp"
#include "cc/store/pg/pg_ticket_lifecycle_store.hpp"
#include "cc/store/pg/pg_ticket_repository.hpp"
// --- end tickets includes ---
// --- routing engine includes ---
#include "cc/api/routing_routes.hpp"
#include "cc/services/routing_setup.hpp"
#include "cc/store/pg/pg_routing_store.hpp"
#include "cc/api/bot_routes.hpp"
#include "cc/store/pg/pg_bot_store.hpp"
// --- end routing engine includes ---
// --- assignment includes ---
#include "cc/api/queue_routes.hpp"
#include "cc/services/assignment_hooks.hpp"
#include "cc/services/default_router.hpp"
#include "cc/services/workflow_router.hpp"
#include "cc/services/queue_service.hpp"
#include "cc/store/pg/pg_assignment_store.hpp"
#include "cc/store/pg/pg_assignment_voice.hpp"
// --- end assignment includes ---
// --- sip includes ---
#include "cc/channels/voice/sip_service.hpp"
#include "cc/channels/voice/voice_config.hpp"
#include "cc/channels/voice/voice_routes.hpp"
#include "cc/store/pg/pg_voice_calls.hpp"
// --- end sip includes ---
// --- workbench includes ---
#include "cc/api/canned_reply_routes.hpp"
#include "cc/api/report_routes.hpp"
#include "cc/services/canned_reply_service.hpp"
#include "cc/services/report_service.hpp"
#include "cc/store/pg/pg_canned_reply_store.hpp"
#include "cc/store/pg/pg_report_store.hpp"
// --- end workbench includes ---

namespace cc::app {

// --- assignment functions ---
services::AssignmentOptions assignment_options(const Config& config);
services::DefaultRouterOptions default_router_options(const Config& config);
// --- end assignment functions ---

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
  // assignment: the engine and the built-in router (see the assignment block below).
  store::PgAssignmentStore assignment_store{pool};
  services::AssignmentService assignment{io.get_executor(), assignment_store, agent_repository, events,
                                         assignment_options(config)};
  services::DefaultRouter default_router{assignment_store, default_router_options(config)};
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
  store::PgAttachmentStore attachment_store{pool};
  services::AttachmentService attachments{attachment_store, conversations};
  api::AttachmentApiContext attachment_api{api, attachments};
  // --- end attachments members ---
  // --- tickets members ---
  store::PgTicketRepository ticket_repository{pool};
  services::SlaEngine sla{ticket_repository, events, [] { return std::chrono::system_clock::now(); }};
  store::PgTicketLifecycleStore ticket_lifecycle_store{pool};
  services::TicketService tickets{ticket_repository, ticket_lifecycle_store, conversations, events, sla,
                                  services::TicketSettings{config.tickets.csat_message, config.tickets.csat_enabled,
                                                           config.tickets.auto_close_days,
                                                           config.tickets.followup_after_hours,
                                                           config.tickets.followup_message}};
  api::TicketApiContext ticket_api{api, tickets, ticket_repository};
  // The SLA timer pass; serve() starts it and stops it before the outbox.
  services::PollingLoop sla_timers{io.get_executor(), "sla", [engine = &sla] { return engine->run_pass(50); }, 50,
                                   std::chrono::milliseconds(config.tickets.sla_poll_ms)};
  // Auto-close of solved tickets and silent-customer follow-ups; started and stopped with sla_timers.
  services::PollingLoop ticket_lifecycle{io.get_executor(), "ticket-lifecycle",
                                         [service = &tickets] { return service->run_lifecycle_pass(50); }, 50,
                                         std::chrono::milliseconds(config.tickets.lifecycle_poll_ms)};
  // --- end tickets members ---
  // --- identity members ---
  store::PgCustomerStore customer_store{pool};
  services::CustomerService customers{customer_store, audit, events, agent_repository, tickets,
                                      std::chrono::hours(config.identity.contradiction_window_hours)};
  // --- end identity members ---
  // --- routing engine members ---
  services::RoutingData routing_data = services::load_routing_data(config.routing.data_dir);
  store::PgIntentStore routing_intent_store{pool};
  store::PgWorkflowStore routing_workflow_store{pool};
  store::PgRoutingContextSource routing_context{pool};
  services::IntentService routing_intents{routing_intent_store, bus, routing_data.shipped_examples,
                                          routing_data.train_options};
  services::RoutingWorkflowService routing_workflows{io.get_executor(), routing_workflow_store, bus};
  store::PgBotStore bot_store{pool};
  services::BotService bot{bot_store, routing_data.normalizer,
                           services::BotOptions{config.routing.bot_answer_threshold_percent / 100.0,
                                                config.routing.faq_suggest_threshold_percent / 100.0,
                                                config.routing.bot_max_unresolved_turns}};
  services::RoutingEngine routing{services::RoutingEngineDeps{
      routing_intents, routing_workflows, routing_context, assignment, tickets,
      services::automated_sender(conversations), routing_data.sentiment, &assignment.queue_stats(), {}, &bot,
      services::automated_sender(conversations, "bot"), services::supervisor_notifier(events, bot_store),
      services::conversation_closer(conversations)}};
  api::RoutingApiContext routing_api{api, routing_intents, routing_workflows, routing};
  api::BotApiContext bot_api{api, bot};
  // Agents' views mask sensitive words while this Wiring lives (routing.mask_sensitive_words).
  services::AgentMaskingScope agent_masking{bot, config.routing.mask_sensitive_words};
  // Ingest routes through this: the active workflow, or the default router before one exists.
  services::WorkflowRouter workflow_router{routing_workflows, routing, default_router};
  // --- end routing engine members ---
  // --- assignment members ---
  services::QueueService queues{assignment_store, assignment, audit};
  services::ConversationNotifier assignment_notifier{conversations};
  services::AssignmentWakeSink assignment_wake{assignment};
  api::AssignmentApiContext assignment_api{api, queues, assignment};
  // Steps ran out under a ticket/close plan: a ticket (TicketCreator) or the closing message.
  services::ExhaustedTaskCloser assignment_exhausted{conversations, tickets};
  // services::CallDecisionStore for the SIP side: the engine's rules for who takes a call.
  store::PgAssignmentVoice assignment_voice{pool};
  // --- end assignment members ---
  // --- sip members ---
  store::PgVoiceCalls voice_calls{pool};
  channels::voice::VoiceContext voice{channel_accounts, ingest, voice_calls, tickets};
  // Built here when sip.enabled; serve() starts it and shuts it down before the outbox.
  std::unique_ptr<channels::voice::SipService> sip_service;
  // --- end sip members ---
  // --- workbench members ---
  store::PgCannedReplyStore canned_reply_store{pool};
  services::CannedReplyService canned_replies{canned_reply_store};
  api::CannedReplyApiContext canned_reply_api{api, canned_replies};
  store::PgReportStore report_store{pool};
  services::ReportService reports{report_store, [] { return std::chrono::system_clock::now(); }};
  api::ReportApiContext report_api{api, reports};
  // --- end workbench members ---

  net::StaticFiles static_files;
  net::Router router;
};

std::string default_instance_id();

}  // namespace cc::app
