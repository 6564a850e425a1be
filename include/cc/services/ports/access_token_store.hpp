#pragma once
// Port: a cache of provider API access tokens (WeChat's access_token), shared by every instance
// so that they do not refresh (and so invalidate) each other's tokens. Implemented on Redis
// (fast, may be lost) and on PostgreSQL (the fallback while Redis is down).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct CachedAccessToken {
  std::string token;
  domain::TimePoint expires_at{};  // as the provider said (expires_in from when it was issued)
};

class AccessTokenStore {
 public:
  virtual ~AccessTokenStore() = default;
  // nullopt when nothing (unexpired) is stored under `key`.
  virtual boost::asio::awaitable<Result<std::optional<CachedAccessToken>>> get(std::string key) = 0;
  virtual boost::asio::awaitable<Status> put(std::string key, CachedAccessToken token) = 0;
  // Forgets `key` only while it still holds `token` (the one the provider refused), so a fresher
  // token stored meanwhile by another instance survives.
  virtual boost::asio::awaitable<Status> invalidate(std::string key, std::string token) = 0;
};

}  // namespace cc::services
