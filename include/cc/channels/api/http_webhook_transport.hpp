#pragma once
// services::WebhookTransport over net::HttpClient: one POST per call, a deadline covering the
// whole exchange and a small cap on the response kept. Shared by the webhook dispatcher and the
// API channel's sender; thread-safe (the client is).
#include "cc/net/http_client.hpp"
#include "cc/services/ports/webhook_transport.hpp"

namespace cc::channels::api {

class HttpWebhookTransport final : public services::WebhookTransport {
 public:
  explicit HttpWebhookTransport(net::HttpClient& client) : client_(client) {}
  boost::asio::awaitable<services::WebhookResponse> post(services::WebhookPost request) override;

 private:
  net::HttpClient& client_;
};

}  // namespace cc::channels::api
