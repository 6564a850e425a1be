#pragma once
// The generic API channel's outbound half: an agent's reply is POSTed to the account's
// callback_url as a Standard-Webhooks-signed JSON (webhook-id "msg_<outbox id>", so the app
// can dedupe a resend). 2xx sent, 408/429/5xx/timeouts retry, other answers fail. Called by the
// outbox dispatcher on its strand; holds no state.
#include <nlohmann/json.hpp>

#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/webhook_transport.hpp"

namespace cc::channels::api {

// The body sent for one outbox row: {"type":"message.outbound","timestamp","data":{...}}.
nlohmann::json outbound_message_body(const services::OutboxItem& item, domain::TimePoint now);
std::string outbound_webhook_id(domain::Id outbox_id);  // "msg_<outbox id>"

class ApiChannelSender final : public services::ChannelSender {
 public:
  explicit ApiChannelSender(services::WebhookTransport& transport) : transport_(transport) {}
  boost::asio::awaitable<services::SendOutcome> send(const services::OutboxItem& item) override;
  // The app dedupes on webhook-id, so sending again after a crash is safe.
  boost::asio::awaitable<services::ReconcileOutcome> reconcile(
      const services::OutboxItem& item) override;

 private:
  services::WebhookTransport& transport_;
};

}  // namespace cc::channels::api
