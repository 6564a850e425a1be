#include "cc/channels/wechat/wechat_routes.hpp"

#include <charconv>

#include "cc/async/log.hpp"
#include "cc/channels/wechat/wechat_inbound.hpp"
#include "cc/channels/wechat/wechat_media.hpp"
#include "cc/channels/wechat/wechat_push.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::wechat {
namespace {

using boost::asio::awaitable;
namespace http = net::http;

const char* mode_name(PushMode mode) {
  switch (mode) {
    case PushMode::plaintext: return "plaintext";
    case PushMode::compatible: return "compatible";
    case PushMode::safe: return "safe";
  }
  return "?";
}

net::Response plain_text(const net::Request& request, std::string body) {
  auto response = net::make_response(request, http::status::ok, std::move(body), "text/plain; charset=utf-8");
  response.set("X-Content-Type-Options", "nosniff");
  return response;
}

PushQuery query_of(const net::RequestContext& context) {
  PushQuery query;
  query.signature = context.query("signature").value_or("");
  query.timestamp = context.query("timestamp").value_or("");
  query.nonce = context.query("nonce").value_or("");
  query.encrypt_type = context.query("encrypt_type").value_or("");
  query.msg_signature = context.query("msg_signature").value_or("");
  return query;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

awaitable<net::Response> verify_server_url(WechatContext& wechat, net::RequestContext& context) {
  const auto& request = context.request;
  auto account = co_await wechat_account(wechat, context.param("channel_account_id"));
  if (!account) co_return problem::problem_response(request, account.error());
  const auto echostr = context.query("echostr").value_or("");
  if (!verify_url(account->config, query_of(context)) || echostr.empty() || echostr.size() > 512) {
    async::module_logger("wechat")->warn("[{}] account {}: URL verification refused", context.request_id,
                                         account->id);
    co_return problem::problem_response(request, Error::unauthorized("the signature does not match"));
  }
  co_return plain_text(request, echostr);
}

awaitable<net::Response> receive_push(WechatContext& wechat, net::RequestContext& context) {
  const auto& request = context.request;
  const auto log = async::module_logger("wechat");
  auto account = co_await wechat_account(wechat, context.param("channel_account_id"));
  if (!account) co_return problem::problem_response(request, account.error());
  if (request.body().size() > kMaxXmlBytes) {
    co_return problem::problem_response(request, Error{ErrorCode::too_large, "the push is larger than 64 KiB", {}});
  }
  auto opened = open_push(account->config, query_of(context), request.body(), now_seconds(),
                          wechat.timestamp_window);
  if (!opened) {
    log->warn("[{}] account {}: push refused: {}", context.request_id, account->id, opened.error().detail);
    co_return problem::problem_response(request, opened.error());
  }
  auto message = inbound_from_push(opened->xml, account->id, account->config.app_id);
  if (!message) {
    log->warn("[{}] account {}: push not understood: {}", context.request_id, account->id,
              message.error().detail);
    co_return problem::problem_response(request, message.error());
  }
  const auto provider_id = message->provider_message_id;
  const auto type = message->content_type;
  auto stored = co_await wechat.ingest.ingest(std::move(*message));  // returns after COMMIT
  if (!stored) {
    log->warn("[{}] account {}: push {} not stored: {}", context.request_id, account->id, provider_id,
              stored.error().detail);
    co_return problem::problem_response(request, stored.error());
  }
  log->info("[{}] account {}: {} push {} ({}) stored as message {}{}", context.request_id, account->id,
            mode_name(opened->mode), provider_id, type, stored->message.id,
            stored->duplicate ? " (a retry)" : "");
  // The platform's documented acknowledgement; a retry gets it again.
  co_return plain_text(request, "success");
}

}  // namespace

awaitable<Result<WechatAccount>> wechat_account(WechatContext& wechat, std::string_view id_text) {
  domain::Id id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || id <= 0) {
    co_return Error::not_found("no such WeChat channel");
  }
  auto account = co_await wechat.accounts.get(id);
  if (!account) {
    co_return account.error().code == ErrorCode::not_found ? Error::not_found("no such WeChat channel")
                                                           : account.error();
  }
  if (account->channel != domain::Channel::wechat || !account->active) {
    co_return Error::not_found("no such WeChat channel");
  }
  auto config = parse_wechat_config_text(account->config_json);
  if (!config) {
    async::module_logger("wechat")->error("account {}: unusable config: {}", id, config.error().detail);
    co_return Error::unavailable("the WeChat channel is misconfigured");
  }
  co_return WechatAccount{id, std::move(*config)};
}

void add_wechat_routes(net::Router& router, WechatContext& wechat) {
  using http::verb;
  auto* w = &wechat;
  router.add(verb::get, "/webhooks/wechat/{channel_account_id}",
             [w](net::RequestContext& c) { return verify_server_url(*w, c); });
  router.add(verb::post, "/webhooks/wechat/{channel_account_id}",
             [w](net::RequestContext& c) { return receive_push(*w, c); });
  router.add(verb::get, "/api/v1/channels/wechat/{channel_account_id}/media/{media_id}",
             [w](net::RequestContext& c) { return fetch_media(*w, c); });
}

}  // namespace cc::channels::wechat
