#pragma once
// Route registrars of the api module; app/ calls each once while building the router.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"

namespace cc::api {

void add_health_routes(net::Router& router, ApiContext& api);
void add_auth_routes(net::Router& router, ApiContext& api);
void add_agent_routes(net::Router& router, ApiContext& api);
void add_channel_account_routes(net::Router& router, ApiContext& api);
void add_conversation_routes(net::Router& router, ApiContext& api);
void add_outbox_routes(net::Router& router, ApiContext& api);
void add_agent_websocket_route(net::Router& router, ApiContext& api);

}  // namespace cc::api
