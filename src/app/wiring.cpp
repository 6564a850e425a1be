#include "cc/app/wiring.hpp"

#include <unistd.h>

#include "cc/api/routes.hpp"

namespace cc::app {

std::string default_instance_id() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

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
      ingest(io.get_executor(), ingest_store, assignment, agent_repository, events, metrics),
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
  // --- end attachments wiring ---
  // --- identity wiring ---
  // --- end identity wiring ---
  // --- tickets wiring ---
  // --- end tickets wiring ---
  // --- routing engine wiring ---
  // --- end routing engine wiring ---
  // --- assignment wiring ---
  // --- end assignment wiring ---
  // --- sip wiring ---
  // --- end sip wiring ---
  router.set_fallback([files = &static_files](net::RequestContext& context) { return files->serve(context); });
}

}  // namespace cc::app
