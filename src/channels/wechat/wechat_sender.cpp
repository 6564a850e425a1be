#include "cc/channels/wechat/wechat_sender.hpp"

#include "cc/async/log.hpp"
#include "cc/channels/wechat/wechat_api.hpp"

namespace cc::channels::wechat {

using boost::asio::awaitable;
using services::SendOutcome;

namespace {

SendOutcome give_up(SendOutcome::Kind kind, std::string error, std::string reason) {
  SendOutcome outcome;
  outcome.kind = kind;
  outcome.error = std::move(error);
  outcome.reason = std::move(reason);
  return outcome;
}

// A token that could not be had: the network or a busy platform is worth retrying; a refused
// app_id/app_secret is not (until an admin fixes the account).
SendOutcome token_failure(const Error& error) {
  return error.code == ErrorCode::unavailable
             ? give_up(SendOutcome::Kind::retry, error.detail, "token_unavailable")
             : give_up(SendOutcome::Kind::failed, error.detail, "auth");
}

}  // namespace

awaitable<net::ClientResponse> WechatSender::post(const WechatConfig& config, const std::string& token,
                                                  const std::string& body) {
  net::ClientRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = config.api_base_url + "/cgi-bin/message/custom/send?" +
                net::form_encode({{"access_token", token}});
  request.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  request.body = body;
  request.timeout = std::chrono::seconds(10);
  request.max_response_bytes = 64 * 1024;
  co_return co_await http_.send(std::move(request));
}

awaitable<SendOutcome> WechatSender::send(const services::OutboxItem& item) {
  const auto log = async::module_logger("wechat");
  auto config = parse_wechat_config_text(item.account_config_json);
  if (!config) co_return give_up(SendOutcome::Kind::failed, config.error().detail, "bad_config");
  if (item.recipient.empty()) {
    co_return give_up(SendOutcome::Kind::failed, "the conversation has no openid to send to", "no_address");
  }
  auto body = custom_message_body(item.recipient, item.message);
  if (!body) co_return give_up(SendOutcome::Kind::failed, body.error().detail, "bad_message");

  auto token = co_await tokens_.token(*config);
  if (!token) co_return token_failure(token.error());
  auto response = co_await post(*config, *token, *body);
  auto verdict = classify_send_response(response);
  if (verdict.token_rejected) {
    log->info("outbox {}: WeChat refused the access token ({}); refreshing once", item.id,
              verdict.outcome.error);
    auto fresh = co_await tokens_.refresh(*config, *token);
    if (!fresh) co_return token_failure(fresh.error());
    response = co_await post(*config, *fresh, *body);
    verdict = classify_send_response(response);
  }
  log->debug("outbox {}: WeChat send took {} ms: {}", item.id, response.elapsed.count(),
             verdict.outcome.error.empty() ? "ok" : verdict.outcome.error);
  co_return verdict.outcome;
}

}  // namespace cc::channels::wechat
