#include "cc/channels/email/email_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "cc/async/log.hpp"
#include "cc/channels/email/email_config.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::email {
namespace {

using boost::asio::awaitable;
namespace http = net::http;

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("email"); }

bool authenticated(const net::RequestContext& context, const std::string& secret) {
  if (secret.empty()) return false;  // no secret configured: the webhook is off
  if (const auto given = context.header("X-Webhook-Secret")) {
    return crypto::constant_time_equal(*given, secret);
  }
  if (auto signature = context.header("X-Webhook-Signature")) {
    if (!signature->starts_with("sha256=")) return false;
    signature->remove_prefix(7);
    const auto expected = crypto::to_hex(crypto::hmac_sha256(secret, context.request.body()));
    return crypto::constant_time_equal(*signature, expected);
  }
  return false;
}

awaitable<net::Response> receive_webhook(EmailContext& email, net::RequestContext& context) {
  const auto& request = context.request;
  domain::Id account_id = 0;
  const auto id_text = context.param("channel_account_id");
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), account_id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || account_id <= 0) {
    co_return problem::problem_response(request, Error::not_found("no such email channel"));
  }
  auto account = co_await email.accounts.get(account_id);
  if (!account) {
    co_return problem::problem_response(request, account.error().code == ErrorCode::not_found
                                                     ? Error::not_found("no such email channel")
                                                     : account.error());
  }
  if (account->channel != domain::Channel::email || !account->active) {
    co_return problem::problem_response(request, Error::not_found("no such email channel"));
  }
  auto config = parse_email_config(nlohmann::json::parse(account->config_json, nullptr, false));
  if (!config) co_return problem::problem_response(request, Error::not_found("no such email channel"));
  if (!authenticated(context, config->webhook_secret)) {
    logger()->warn("[{}] email webhook for account {}: secret missing or wrong", context.request_id, account_id);
    co_return problem::problem_response(request, Error::unauthorized("X-Webhook-Secret or X-Webhook-Signature is missing or wrong"));
  }
  auto type = context.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  if (type != "message/rfc822") {
    co_return problem::problem_response(
        request, Error{ErrorCode::unsupported_media, "send the raw message as message/rfc822", {}});
  }
  if (request.body().empty()) {
    co_return problem::problem_response(request, Error{ErrorCode::malformed, "the body is empty", {}});
  }
  std::string recipient = config->addresses.front();
  if (const auto to = context.header("X-Original-To"); to && !to->empty() && to->size() < 320) {
    recipient.assign(*to);
  }
  auto receipt = co_await email.receiver.receive(account_id, std::move(recipient), request.body(), std::nullopt);
  if (!receipt) co_return problem::problem_response(request, receipt.error());
  co_return problem::json_response(request, http::status::ok,
                                   {{"message_id", std::to_string(receipt->message_id)},
                                    {"conversation_id", std::to_string(receipt->conversation_id)},
                                    {"duplicate", receipt->duplicate},
                                    {"routable", receipt->routable},
                                    {"bounce_applied", receipt->bounce_applied}});
}

}  // namespace

void add_email_routes(net::Router& router, EmailContext& email) {
  auto* e = &email;
  router.add(http::verb::post, "/webhooks/email/{channel_account_id}",
             [e](net::RequestContext& context) { return receive_webhook(*e, context); });
}

}  // namespace cc::channels::email
