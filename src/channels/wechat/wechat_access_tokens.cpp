#include "cc/channels/wechat/wechat_access_tokens.hpp"

#include "cc/async/log.hpp"
#include "cc/channels/wechat/wechat_api.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"

namespace cc::channels::wechat {

using boost::asio::awaitable;
using services::CachedAccessToken;

WechatAccessTokens::WechatAccessTokens(net::HttpClient& http, services::AccessTokenStore& cache,
                                       services::AccessTokenStore& durable,
                                       std::chrono::seconds refresh_margin)
    : http_(http), cache_(cache), durable_(durable), refresh_margin_(refresh_margin) {}

std::string WechatAccessTokens::cache_key(const WechatConfig& config) {
  const auto digest = crypto::to_hex(crypto::sha256(config.api_base_url + "\n" + config.app_secret));
  return "wechat:token:" + config.app_id + ":" + digest.substr(0, 16);
}

// A stored token that is not about to expire and is not `not_this`: Redis first, then
// PostgreSQL (whose hit warms Redis again).
awaitable<std::optional<CachedAccessToken>> WechatAccessTokens::stored(const std::string& key,
                                                                     const std::string& not_this) {
  const auto fresh_after = std::chrono::system_clock::now() + refresh_margin_;
  auto usable = [&](const Result<std::optional<CachedAccessToken>>& found) {
    return found && found->has_value() && (*found)->expires_at > fresh_after && (*found)->token != not_this;
  };
  auto cached = co_await cache_.get(key);
  if (usable(cached)) co_return **cached;
  auto durable = co_await durable_.get(key);
  if (!usable(durable)) co_return std::nullopt;
  auto warmed = co_await cache_.put(key, **durable);
  (void)warmed;  // a cold or absent Redis only costs a PostgreSQL read next time
  co_return **durable;
}

awaitable<Result<std::string>> WechatAccessTokens::fetch(const WechatConfig& config, const std::string& key) {
  net::ClientRequest request;
  request.url = config.api_base_url + "/cgi-bin/token?" +
                net::form_encode({{"grant_type", "client_credential"},
                                  {"appid", config.app_id},
                                  {"secret", config.app_secret}});
  request.timeout = std::chrono::seconds(5);
  request.max_response_bytes = 16 * 1024;
  auto response = co_await http_.send(std::move(request));
  auto token = parse_token_response(response, std::chrono::system_clock::now());
  if (!token) {
    async::module_logger("wechat")->warn("access token fetch for app {} failed: {}", config.app_id,
                                         token.error().detail);
    co_return token.error();
  }
  async::module_logger("wechat")->info("access token for app {} fetched, valid {} s", config.app_id,
                                       std::chrono::duration_cast<std::chrono::seconds>(
                                           token->expires_at - std::chrono::system_clock::now()).count());
  // PostgreSQL first: it is the copy that survives a Redis restart.
  auto saved = co_await durable_.put(key, *token);
  auto cached = co_await cache_.put(key, *token);
  if (!saved && !cached) {
    async::module_logger("wechat")->warn("access token for app {} could not be shared: {}", config.app_id,
                                         saved.error().detail);
  }
  co_return token->token;
}

awaitable<Result<std::string>> WechatAccessTokens::token(const WechatConfig& config) {
  const auto key = cache_key(config);
  const std::string none;
  auto found = co_await stored(key, none);
  if (found) co_return found->token;
  co_return co_await fetch(config, key);
}

awaitable<Result<std::string>> WechatAccessTokens::refresh(const WechatConfig& config, std::string stale) {
  const auto key = cache_key(config);
  auto dropped_cache = co_await cache_.invalidate(key, stale);
  auto dropped_durable = co_await durable_.invalidate(key, stale);
  (void)dropped_cache;
  (void)dropped_durable;
  auto found = co_await stored(key, stale);
  if (found) co_return found->token;
  co_return co_await fetch(config, key);
}

}  // namespace cc::channels::wechat
