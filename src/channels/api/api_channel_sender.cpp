#include "cc/channels/api/api_channel_sender.hpp"

#include "cc/domain/time_format.hpp"
#include "cc/services/webhook_policy.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::channels::api {
namespace {

using Kind = services::SendOutcome::Kind;

services::SendOutcome outcome_of(Kind kind, std::string error, std::string reason = {}) {
  services::SendOutcome outcome;
  outcome.kind = kind;
  outcome.error = std::move(error);
  outcome.reason = std::move(reason);
  return outcome;
}

}  // namespace

std::string outbound_webhook_id(domain::Id outbox_id) { return "msg_" + std::to_string(outbox_id); }

nlohmann::json outbound_message_body(const services::OutboxItem& item, domain::TimePoint now) {
  auto metadata = nlohmann::json::object();
  if (!item.message.metadata_json.empty()) {
    auto parsed = nlohmann::json::parse(item.message.metadata_json, nullptr, false);
    if (parsed.is_object()) metadata = std::move(parsed);
  }
  nlohmann::json data{{"id", outbound_webhook_id(item.id)},
                      {"message_id", std::to_string(item.message_id)},
                      {"conversation_id", std::to_string(item.conversation_id)},
                      {"channel_account_id", std::to_string(item.channel_account_id)},
                      {"recipient", item.recipient},
                      {"sender_type", item.message.sender_type},
                      {"content", item.message.content},
                      {"content_type", item.message.content_type},
                      {"metadata", std::move(metadata)},
                      {"created_at", domain::format_time(item.message.created_at)}};
  return {{"type", "message.outbound"}, {"timestamp", domain::format_time(now)}, {"data", std::move(data)}};
}

boost::asio::awaitable<services::SendOutcome> ApiChannelSender::send(
    const services::OutboxItem& item) {
  auto config = nlohmann::json::parse(item.account_config_json, nullptr, false);
  if (!config.is_object() || !config.contains("callback_url") ||
      !config["callback_url"].is_string()) {
    co_return outcome_of(Kind::failed, "the API channel account has no callback_url", "config");
  }
  const auto url = config["callback_url"].get<std::string>();
  std::vector<std::string> secrets;
  if (config.contains("webhook_secret") && config["webhook_secret"].is_string()) {
    secrets.push_back(config["webhook_secret"].get<std::string>());
  }
  if (secrets.empty() || !services::webhook_secret_bytes(secrets.front())) {
    co_return outcome_of(Kind::failed, "the API channel account has no webhook_secret", "config");
  }
  const auto now = std::chrono::system_clock::now();
  const auto body = outbound_message_body(item, now).dump(-1, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
  const auto id = outbound_webhook_id(item.id);
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  services::WebhookPost post{url, services::webhook_headers(secrets, id, timestamp, body), body};
  post.headers.emplace_back("user-agent", "cc-api-channel/1");
  auto response = co_await transport_.post(std::move(post));

  const auto verdict = services::classify_webhook_response(response, std::chrono::system_clock::now());
  switch (verdict.kind) {
    case services::WebhookVerdict::Kind::delivered: {
      auto sent = outcome_of(Kind::sent, {});
      // The app reports status back under the id it was given in data.id.
      sent.provider_message_id = id;
      co_return sent;
    }
    case services::WebhookVerdict::Kind::retry: {
      auto retry = outcome_of(Kind::retry, verdict.error, "unavailable");
      retry.retry_after = verdict.retry_after;
      co_return retry;
    }
    case services::WebhookVerdict::Kind::give_up:
      break;
  }
  co_return outcome_of(Kind::failed, "the app refused the message: " + verdict.error, "rejected");
}

boost::asio::awaitable<services::ReconcileOutcome> ApiChannelSender::reconcile(
    const services::OutboxItem& item) {
  (void)item;
  co_return services::ReconcileOutcome{services::ReconcileOutcome::Kind::absent, {}};
}

}  // namespace cc::channels::api
