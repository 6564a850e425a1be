#pragma once
// REST for the FAQ bot and compliance: /api/v1/faq (entries; suggestions for agents) and
// /api/v1/sensitive-words (the admin list; hits flagged for review). app/ calls each once.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/bot_service.hpp"

namespace cc::api {

struct BotApiContext {
  ApiContext& api;
  services::BotService& bot;
};

void add_faq_routes(net::Router& router, BotApiContext& context);
void add_sensitive_word_routes(net::Router& router, BotApiContext& context);

}  // namespace cc::api
