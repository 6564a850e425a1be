#include "cc/app/wiring.hpp"

#include <unistd.h>

#include "cc/api/routes.hpp"

namespace cc::app {

std::string default_instance_id() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// --- assignment functions ---
services::AssignmentOptions assignment_options(const Config& config) {
  services::AssignmentOptions options;
  const auto& a = config.assignment;
  options.poll = std::chrono::milliseconds(a.poll_ms);
  options.batch = static_cast<std::size_t>(a.batch);
  options.aging = std::chrono::seconds(a.aging_seconds);
  options.max_missed_offers = a.max_missed_offers;
  options.position_interval = std::chrono::seconds(a.position_interval_seconds);
  options.position_channels.clear();
  for (std::size_t start = 0; a.position_interval_seconds > 0 && start <= a.position_channels.size();) {
    const auto comma = std::min(a.position_channels.find(',', start), a.position_channels.size());
    const auto channel = domain::parse_channel(a.position_channels.substr(start, comma - start));
    // Voice and email have nowhere to show a system message while the customer waits.
    if (channel && *channel != domain::Channel::voice && *channel != domain::Channel::email) {
      options.position_channels.push_back(*channel);
    }
    start = comma + 1;
  }
  options.rate_window = std::chrono::seconds(a.expected_wait_window_seconds);
  return options;
}

services::DefaultRouterOptions default_router_options(const Config& config) {
  services::DefaultRouterOptions options;
  options.vip_tiers.clear();
  const auto& tiers = config.assignment.vip_tiers;
  for (std::size_t start = 0; start <= tiers.size();) {
    const auto comma = std::min(tiers.find(',', start), tiers.size());
    if (comma > start) options.vip_tiers.insert(tiers.substr(start, comma - start));
    start = comma + 1;
  }
  options.vip_priority = config.assignment.vip_priority;
  return options;
}
// --- end assignment functions ---

Wiring::Wiring(const Config& config, boost::asio::io_context& io)
    : config(config),
      io(io),
      pool(config.database.url, static_cast<std::size_t>(config.database.pool_size), metrics),
      bus(io, config.redis.host, config.redis.port,
          config.server.instance_id.empty() ? default_instance_id() : config.server.instance_id,
          config.redis.channel),
      auth(agent_repository, token_repository, audit, cpu.get_executor(),
           std::chrono::hours(config.security.token_ttl_hours)),
      agents(agent_repository, assignment, events, audit, cpu.get_executor()),
      outbox(io.get_executor(), outbox_repository, channel_account_repository, events, circuits,
             metrics),
      ingest(io.get_executor(), ingest_store, workflow_router, assignment, agent_repository, events, metrics),
      api{auth,   agents,  channel_accounts, conversations, events,
          health, bus,     metrics,          agent_hub,     outbox_service},
      webchat{channel_accounts, ingest_store, ingest, conversations, visitor_hub, bus,
              config.security.secret_key, std::chrono::hours(config.security.visitor_token_ttl_hours)},
      static_files(config.server.web_root,
                   {{"/", "workbench/index.html"},
                    {"/chat", "chat/index.html"},
                    {"/chat/", "chat/index.html"},
                    {"/api/openapi.json", "openapi.json"}}) {
  events.attach(agent_hub);
  visitor_hub.subscribe_to(bus);
  outbox.register_sender(domain::Channel::webchat, webchat_sender);

  api::add_health_routes(router, api);
  api::add_auth_routes(router, api);
  api::add_agent_routes(router, api);
  api::add_channel_account_routes(router, api);
  api::add_conversation_routes(router, api);
  api::add_outbox_routes(router, api);
  api::add_agent_websocket_route(router, api);
  channels::webchat::add_webchat_routes(router, webchat);
  // --- wechat wiring ---
  channel_accounts.add_config_validator(domain::Channel::wechat, channels::wechat::validate_wechat_config);
  outbox.register_sender(domain::Channel::wechat, wechat_sender);
  channels::wechat::add_wechat_routes(router, wechat);
  // --- end wechat wiring ---
  // --- sms wiring ---
  channel_accounts.add_config_validator(domain::Channel::sms, channels::sms::validate_sms_config);
  outbox.register_sender(domain::Channel::sms, sms_sender);
  channels::sms::add_sms_routes(router, sms);
  // --- end sms wiring ---
  // --- api channel and webhook wiring ---
  channel_accounts.add_config_validator(domain::Channel::api, channels::api::validate_api_channel_config);
  outbox.register_sender(domain::Channel::api, api_channel_sender);
  channels::api::add_api_channel_routes(router, api_channel);
  api::add_webhook_routes(router, webhook_api);
  api::add_api_channel_admin_routes(router, webhook_api);
  events.add_sink(webhooks);
  // serve() should also start the dispatcher at boot (pending rows after a restart); until it
  // does, the first captured event or replay starts it. start() is idempotent.
  webhooks.on_captured([dispatcher = &webhook_dispatcher] {
    dispatcher->start();
    dispatcher->wake();
  });
  // --- end api channel and webhook wiring ---
  // --- email wiring ---
  channel_accounts.add_config_validator(domain::Channel::email, channels::email::validate_email_config);
  channels::email::add_email_routes(router, email);
  outbox.register_sender(domain::Channel::email, email_sender);
  if (config.smtp.enabled) {
    net::SmtpServerOptions smtp_options;
    smtp_options.address = config.smtp.host;
    smtp_options.port = static_cast<std::uint16_t>(config.smtp.port);
    smtp_options.session.hostname = config.smtp.hostname;
    smtp_options.session.max_message_bytes = static_cast<std::size_t>(config.smtp.max_message_bytes);
    smtp_options.command_timeout = std::chrono::seconds(config.smtp.timeout_seconds);
    smtp_options.data_timeout = std::chrono::seconds(config.smtp.timeout_seconds);
    smtp_options.max_connections = static_cast<std::size_t>(config.smtp.max_connections);
    smtp_options.tls_certificate_file = config.smtp.tls_certificate_file;
    smtp_options.tls_private_key_file = config.smtp.tls_private_key_file;
    auto* receiver = &email_receiver;
    smtp_server = std::make_unique<net::SmtpServer>(
        io, std::move(smtp_options),
        [receiver](std::string address) { return receiver->check_recipient(std::move(address)); },
        [receiver](net::SmtpEnvelope envelope, std::string raw) {
          return receiver->deliver(std::move(envelope), std::move(raw));
        },
        metrics);
  }
  // --- end email wiring ---
  // --- attachments wiring ---
  api::add_attachment_routes(router, attachment_api);
  email_receiver.set_attachment_limits(static_cast<std::size_t>(config.attachments.max_bytes),
                                       static_cast<std::size_t>(config.attachments.max_count));
  // --- end attachments wiring ---
  // --- identity wiring ---
  {
    services::IdentityTextOptions identity_text{config.identity.default_region, config.security.secret_key,
                                                config.identity.extra_types};
    if (auto error = services::configure_identifier_catalog(domain::identifier_catalog(), identity_text);
        !error.empty()) {
      throw std::runtime_error(error);
    }
  }
  api::add_customer_routes(router, api, customers);
  api::add_business_event_routes(router, api, customers);
  // --- end identity wiring ---
  // --- tickets wiring ---
  api::add_ticket_routes(router, ticket_api);
  ingest.add_observer(tickets);
  // --- end tickets wiring ---
  // --- routing engine wiring ---
  routing_workflows.subscribe();
  api::add_intent_routes(router, routing_api);
  api::add_routing_routes(router, routing_api);
  api::add_faq_routes(router, bot_api);
  api::add_sensitive_word_routes(router, bot_api);
  ingest.add_observer(bot);  // compliance flags for sensitive words
  // --- end routing engine wiring ---
  // --- assignment wiring ---
  assignment.set_notifier(assignment_notifier);
  assignment.set_exhausted_handler(assignment_exhausted);
  // Tasks age by their workflow's priority_aging (the engine's default when it has none).
  assignment.set_aging_source([this]() -> std::optional<std::pair<int, services::TaskAging>> {
    const auto active = routing_workflows.active();
    if (!active || active->version <= 0 || active->aging.every.count() <= 0 || active->aging.bump <= 0) {
      return std::nullopt;
    }
    return std::pair{active->version, services::TaskAging{active->aging.every, active->aging.bump, active->aging.max}};
  });
  events.add_sink(assignment_wake);
  api::add_queue_routes(router, assignment_api);
  api::add_offer_routes(router, assignment_api);
  // --- end assignment wiring ---
  // --- sip wiring ---
  channel_accounts.add_config_validator(domain::Channel::voice, channels::voice::validate_voice_config);
  channels::voice::add_voice_routes(router, voice);
  if (config.sip.enabled) {
    channels::voice::SipServiceOptions sip_options;
    sip_options.transport.address = config.sip.host;
    sip_options.transport.port = static_cast<std::uint16_t>(config.sip.port);
    sip_options.transport.max_message_bytes = static_cast<std::size_t>(config.sip.max_message_bytes);
    sip_options.transport.max_connections = static_cast<std::size_t>(config.sip.max_connections);
    sip_options.transport.idle_timeout = std::chrono::seconds(config.sip.idle_timeout_seconds);
    sip_options.timers.t1 = std::chrono::milliseconds(config.sip.t1_ms);
    sip_options.timers.t2 = std::chrono::milliseconds(8 * config.sip.t1_ms);
    sip_options.ring_timeout_seconds = config.sip.ring_timeout_seconds;
    sip_service = std::make_unique<channels::voice::SipService>(io, std::move(sip_options), channel_accounts,
                                                                assignment_voice, customers, voice_calls,
                                                                voice_calls, events, metrics);
  }
  // --- end sip wiring ---
  // --- workbench wiring ---
  api::add_canned_reply_routes(router, canned_reply_api);
  api::add_report_routes(router, report_api);
  // --- end workbench wiring ---
  // --- scale wiring ---
  agent_hub.set_auth_timeout(std::chrono::seconds(config.http.ws_auth_timeout_seconds));
  // --- end scale wiring ---
  router.set_fallback([files = &static_files](net::RequestContext& context) { return files->serve(context); });
}

}  // namespace cc::app
