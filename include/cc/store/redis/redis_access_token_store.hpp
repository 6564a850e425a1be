#pragma once
// AccessTokenStore on Redis: one key per token, "<expires_at ms>\n<token>", expiring with the
// token. Connects on first use. Each command has a deadline; a down or slow Redis answers
// `unavailable` and the caller falls back to PostgreSQL. Thread-safe.
#include <chrono>
#include <mutex>

#include "cc/services/ports/access_token_store.hpp"
#include "cc/store/redis/redis_connection.hpp"

namespace cc::store {

class RedisAccessTokenStore final : public services::AccessTokenStore {
 public:
  RedisAccessTokenStore(boost::asio::io_context& io, std::string host, int port,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
  ~RedisAccessTokenStore() override;

  boost::asio::awaitable<Result<std::optional<services::CachedAccessToken>>> get(std::string key) override;
  boost::asio::awaitable<Status> put(std::string key, services::CachedAccessToken token) override;
  boost::asio::awaitable<Status> invalidate(std::string key, std::string token) override;

  void stop();

 private:
  struct Reply {
    bool ok = false;           // a reply arrived in time
    bool is_nil = true;        // it was nil
    std::string text;          // string/status replies
    long long integer = 0;
  };
  boost::asio::awaitable<Reply> run(std::vector<std::string> argv);

  boost::asio::io_context& io_;
  RedisConnection connection_;
  std::chrono::milliseconds timeout_;
  std::once_flag started_;
};

}  // namespace cc::store
