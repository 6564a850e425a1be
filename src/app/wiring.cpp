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
      outbox(io.get_executor(), outbox_repository, metrics),
      ingest(io.get_executor(), ingest_store, assignment, agent_repository, events, metrics),
      api{auth, agents, channel_accounts, conversations, events, health, bus, metrics, agent_hub},
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
  api::add_agent_websocket_route(router, api);
  channels::webchat::add_webchat_routes(router, webchat);
  router.set_fallback([files = &static_files](net::RequestContext& context) { return files->serve(context); });
}

}  // namespace cc::app
