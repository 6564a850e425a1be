// The access-token stores behind WeChat's shared token cache, against the real PostgreSQL and
// Redis that scripts/test starts: put/get round trip, expired rows are not returned, and
// invalidate removes only the token the provider refused.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "cc/store/pg/pg_access_token_store.hpp"
#include "cc/store/redis/redis_access_token_store.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using services::CachedAccessToken;
using testing::run_sync;

domain::TimePoint in(std::chrono::seconds seconds) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() + seconds);
}

TEST(WechatTokenStorePg, PutGetInvalidateOnlyTheRefusedToken) {
  if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
  testing::PgTestDatabase database;
  metrics::Registry metrics;
  PgPool pool(database.url(), 2, metrics);
  PgAccessTokenStore store(pool);
  const auto expires = in(std::chrono::seconds(7200));
  ASSERT_TRUE(run_sync(store.put("k", CachedAccessToken{"old", expires})));
  ASSERT_TRUE(run_sync(store.put("k", CachedAccessToken{"new", expires})));  // an upsert
  auto found = run_sync(store.get("k"));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->token, "new");
  EXPECT_EQ((*found)->expires_at, expires);
  // Another instance's refused token does not remove this one.
  ASSERT_TRUE(run_sync(store.invalidate("k", "old")));
  EXPECT_TRUE(run_sync(store.get("k"))->has_value());
  ASSERT_TRUE(run_sync(store.invalidate("k", "new")));
  EXPECT_FALSE(run_sync(store.get("k"))->has_value());
  // Expired rows are not handed out.
  ASSERT_TRUE(run_sync(store.put("gone", CachedAccessToken{"t", in(std::chrono::seconds(-5))})));
  EXPECT_FALSE(run_sync(store.get("gone"))->has_value());
  pool.stop();
}

template <class T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  std::promise<T> promise;
  auto result = promise.get_future();
  boost::asio::co_spawn(io, std::move(work), [&promise](std::exception_ptr error, T value) {
    if (error) promise.set_exception(error); else promise.set_value(std::move(value));
  });
  return result.get();
}

TEST(WechatTokenStoreRedis, PutGetInvalidateAndDownMeansUnavailable) {
  const char* host = std::getenv("CC_TEST_REDIS_HOST");
  const char* port = std::getenv("CC_TEST_REDIS_PORT");
  if (host == nullptr || port == nullptr) GTEST_FAIL() << "CC_TEST_REDIS_HOST/PORT are not set: run the suite through scripts/test";
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&io] { io.run(); });
  {
    RedisAccessTokenStore store(io, host, std::atoi(port));
    const auto key = "wechat:test:" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    // The connection opens on first use; until it is up the store answers unavailable.
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
      up = run_on(io, store.put(key, CachedAccessToken{"tok", in(std::chrono::seconds(60))})).has_value();
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(up);
    auto found = run_on(io, store.get(key));
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->token, "tok");
    ASSERT_TRUE(run_on(io, store.invalidate(key, "other")));
    EXPECT_TRUE(run_on(io, store.get(key))->has_value());
    ASSERT_TRUE(run_on(io, store.invalidate(key, "tok")));
    EXPECT_FALSE(run_on(io, store.get(key))->has_value());

    RedisAccessTokenStore nowhere(io, "127.0.0.1", 1, std::chrono::milliseconds(200));
    auto down = run_on(io, nowhere.get(key));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, ErrorCode::unavailable);
    store.stop();
    nowhere.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    guard.reset();
    io.stop();
    loop.join();
  }
}

}  // namespace
}  // namespace cc::store
