#pragma once
// Admin REST for outbound webhooks (subscriptions, delivery log, replay) and for the API
// channel's credentials; app/ calls each registrar once.
#include <functional>

#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/webhook_service.hpp"

namespace cc::api {

struct WebhookApiContext {
  ApiContext& api;
  services::WebhookService& webhooks;
};

void add_webhook_routes(net::Router& router, WebhookApiContext& context);
// POST /api/v1/channel-accounts/{id}/api-credentials: a new key and webhook secret for an
// account of type api, shown once (the key is stored as its SHA-256).
void add_api_channel_admin_routes(net::Router& router, WebhookApiContext& context);

}  // namespace cc::api
