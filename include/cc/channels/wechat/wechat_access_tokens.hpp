#pragma once
// WeChat access tokens: read from the shared caches (Redis first, PostgreSQL as fallback), fetched
// from /cgi-bin/token when missing or within `refresh_margin` of expiry, and refreshed once more
// when an API call refuses one (40001/40014/42001). Instances share one token per app id, so
// they do not keep invalidating each other's. Owned by app/; thread-safe (no state of its own
// besides the stores).
#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "cc/channels/wechat/wechat_config.hpp"
#include "cc/net/http_client.hpp"
#include "cc/services/ports/access_token_store.hpp"

namespace cc::channels::wechat {

class WechatAccessTokens {
 public:
  WechatAccessTokens(net::HttpClient& http, services::AccessTokenStore& cache,
                     services::AccessTokenStore& durable,
                     std::chrono::seconds refresh_margin = std::chrono::minutes(5));

  // A usable token. Errors: unavailable (network, busy: retry later) or unauthorized (the
  // platform refused app_id/app_secret).
  boost::asio::awaitable<Result<std::string>> token(const WechatConfig& config);
  // The API refused `stale`: drop it from both stores and return a newer one (another
  // instance's, if it already refreshed, else a fresh fetch).
  boost::asio::awaitable<Result<std::string>> refresh(const WechatConfig& config, std::string stale);

  // "wechat:token:<app_id>:<digest of base URL and secret>".
  static std::string cache_key(const WechatConfig& config);

 private:
  boost::asio::awaitable<std::optional<services::CachedAccessToken>> stored(const std::string& key,
                                                                          const std::string& not_this);
  boost::asio::awaitable<Result<std::string>> fetch(const WechatConfig& config, const std::string& key);

  net::HttpClient& http_;
  services::AccessTokenStore& cache_;
  services::AccessTokenStore& durable_;
  std::chrono::seconds refresh_margin_;
};

}  // namespace cc::channels::wechat
