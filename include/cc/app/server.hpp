#pragma once
// The three things cc-server does: serve, migrate, and seed demo data. Each builds what it needs
// from the Config; serve wires every module together (the one place that knows them all).
#include "cc/app/config.hpp"

namespace cc::app {

int serve(const Config& config);
int migrate_only(const Config& config);
// Prints "METHOD /path" for every route, one a line (WebSocket routes as WS): the OpenAPI test
// compares this with docs.
int print_routes(const Config& config);
// Creates the first admin (CC_ADMIN_EMAIL / CC_ADMIN_PASSWORD), two demo agents and a web chat
// channel, unless they exist; prints webchat_channel_account_id=N.
int seed_demo(const Config& config, const EnvLookup& env);

}  // namespace cc::app
