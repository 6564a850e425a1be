#include "cc/channels/sms/sms_sender.hpp"

#include "cc/async/log.hpp"
#include "cc/channels/sms/sms_config.hpp"
#include "cc/channels/sms/twilio_api.hpp"

namespace cc::channels::sms {
namespace {

using services::ReconcileOutcome;
using services::SendOutcome;

SendOutcome refusal(SendOutcome::Kind kind, std::string error, std::string reason) {
  SendOutcome result;
  result.kind = kind;
  result.error = std::move(error);
  result.reason = std::move(reason);
  return result;
}

}  // namespace

boost::asio::awaitable<SendOutcome> SmsSender::send(const services::OutboxItem& item) {
  auto log = async::module_logger("sms");
  auto config = parse_sms_config(item.account_config_json);
  if (!config) co_return refusal(SendOutcome::Kind::failed, config.error().detail, "config");
  if (item.recipient.empty()) {
    co_return refusal(SendOutcome::Kind::undeliverable,
                      "the customer has no phone number on this account", "no_address");
  }
  auto opted_out = co_await opt_outs_.contains(item.channel_account_id, item.recipient);
  if (!opted_out) co_return refusal(SendOutcome::Kind::retry, opted_out.error().detail, "database");
  if (*opted_out) {
    log->info("outbox {}: account {} recipient opted out; not sent", item.id,
              item.channel_account_id);
    co_return refusal(SendOutcome::Kind::undeliverable, "the recipient replied STOP", "opted_out");
  }
  auto request =
      send_request(*config, item.channel_account_id, item.recipient, item.message.content);
  auto response = co_await http_.send(std::move(request));
  auto outcome = interpret_send_response(response);
  log->debug("outbox {}: account {} POST Messages.json -> {} {} in {} ms", item.id,
             item.channel_account_id, response.status, response.transport_error,
             response.elapsed.count());
  co_return outcome;
}

boost::asio::awaitable<ReconcileOutcome> SmsSender::reconcile(const services::OutboxItem& item) {
  auto config = parse_sms_config(item.account_config_json);
  if (!config) co_return ReconcileOutcome{};
  auto request = list_request(*config, item.recipient, item.message.created_at);
  auto response = co_await http_.send(std::move(request));
  auto outcome = interpret_list_response(response, item.message.content, item.message.created_at);
  async::module_logger("sms")->info("outbox {}: reconcile with the provider's message list -> {}",
                                    item.id,
                                    outcome.kind == ReconcileOutcome::Kind::delivered ? "delivered"
                                    : outcome.kind == ReconcileOutcome::Kind::absent  ? "absent"
                                                                                      : "unknown");
  co_return outcome;
}

}  // namespace cc::channels::sms
