#include "cc/store/redis/redis_access_token_store.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/steady_timer.hpp>
#include <charconv>

#include "cc/async/completion.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

using boost::asio::awaitable;
using services::CachedAccessToken;

namespace {

// Deletes the key only while it still holds the refused token (value "<ms>\n<token>").
constexpr const char* kInvalidateScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if v then local p = string.find(v, '\\n', 1, true) "
    "if p and string.sub(v, p + 1) == ARGV[1] then return redis.call('DEL', KEYS[1]) end end "
    "return 0";

std::int64_t now_millis() { return millis_of(std::chrono::system_clock::now()); }

}  // namespace

RedisAccessTokenStore::RedisAccessTokenStore(boost::asio::io_context& io, std::string host, int port,
                                             std::chrono::milliseconds timeout)
    : io_(io), connection_(io, std::move(host), port, "access-tokens"), timeout_(timeout) {}

RedisAccessTokenStore::~RedisAccessTokenStore() = default;

void RedisAccessTokenStore::stop() { connection_.stop(); }

awaitable<RedisAccessTokenStore::Reply> RedisAccessTokenStore::run(std::vector<std::string> argv) {
  std::call_once(started_, [this] { connection_.start(); });
  // The reply and the deadline race; whichever comes first finishes the completion.
  struct Shared {
    explicit Shared(boost::asio::io_context& io) : timer(io) {}
    std::mutex mutex;
    std::optional<async::Completion<Reply>> completion;
    boost::asio::steady_timer timer;
    void finish(Reply reply) {
      std::unique_lock lock(mutex);
      if (!completion) return;
      auto taken = std::move(*completion);
      completion.reset();
      lock.unlock();
      timer.cancel();
      std::move(taken).succeed(std::move(reply));
    }
  };
  auto start = [this, argv = std::move(argv)](async::Completion<Reply> completion) mutable {
    auto shared = std::make_shared<Shared>(io_);
    shared->completion.emplace(std::move(completion));
    shared->timer.expires_after(timeout_);
    shared->timer.async_wait([shared](boost::system::error_code ec) {
      if (!ec) shared->finish(Reply{});
    });
    connection_.command(std::move(argv), [shared](redisReply* reply) {
      Reply result;
      if (reply != nullptr && reply->type != REDIS_REPLY_ERROR) {
        result.ok = true;
        result.is_nil = reply->type == REDIS_REPLY_NIL;
        if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) {
          result.text.assign(reply->str, reply->len);
        } else if (reply->type == REDIS_REPLY_INTEGER) {
          result.integer = reply->integer;
        }
      }
      shared->finish(std::move(result));
    });
  };
  co_return co_await async::await_completion<Reply>(std::move(start));
}

awaitable<Result<std::optional<CachedAccessToken>>> RedisAccessTokenStore::get(std::string key) {
  std::vector<std::string> argv{"GET", std::move(key)};
  auto reply = co_await run(std::move(argv));
  if (!reply.ok) co_return Error::unavailable("redis did not answer");
  if (reply.is_nil) co_return std::optional<CachedAccessToken>();
  const auto newline = reply.text.find('\n');
  std::int64_t millis = 0;
  const auto* digits_end = reply.text.data() + (newline == std::string::npos ? 0 : newline);
  const auto [end, ec] = std::from_chars(reply.text.data(), digits_end, millis);
  if (newline == std::string::npos || ec != std::errc{} || end != digits_end || millis <= now_millis()) {
    co_return std::optional<CachedAccessToken>();  // unreadable or stale: refetch
  }
  co_return std::optional<CachedAccessToken>(
      CachedAccessToken{reply.text.substr(newline + 1), time_from_millis(millis)});
}

awaitable<Status> RedisAccessTokenStore::put(std::string key, CachedAccessToken token) {
  const auto expires = millis_of(token.expires_at);
  const auto ttl = expires - now_millis();
  if (ttl <= 0) co_return Ok{};
  std::vector<std::string> argv{"SET", std::move(key), std::to_string(expires) + "\n" + token.token,
                                "PX", std::to_string(ttl)};
  auto reply = co_await run(std::move(argv));
  if (!reply.ok) co_return Error::unavailable("redis did not answer");
  co_return Ok{};
}

awaitable<Status> RedisAccessTokenStore::invalidate(std::string key, std::string token) {
  std::vector<std::string> argv{"EVAL", kInvalidateScript, "1", std::move(key), std::move(token)};
  auto reply = co_await run(std::move(argv));
  if (!reply.ok) co_return Error::unavailable("redis did not answer");
  co_return Ok{};
}

}  // namespace cc::store
