#pragma once
// AccessTokenStore on PostgreSQL (table wechat_access_tokens): the shared fallback when Redis
// is down, and what a cold Redis is warmed from.
#include "cc/services/ports/access_token_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgAccessTokenStore final : public services::AccessTokenStore {
 public:
  explicit PgAccessTokenStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::optional<services::CachedAccessToken>>> get(std::string key) override;
  boost::asio::awaitable<Status> put(std::string key, services::CachedAccessToken token) override;
  boost::asio::awaitable<Status> invalidate(std::string key, std::string token) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
