#pragma once
// A throwaway database on the PostgreSQL that scripts/test started (CC_TEST_PG_ADMIN_URL):
// created and migrated for one test, dropped afterwards. Also a helper that runs a coroutine to
// completion for tests that call the async store API.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>

namespace cc::testing {

class PgTestDatabase {
 public:
  PgTestDatabase();  // throws when CC_TEST_PG_ADMIN_URL is set but unusable
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  static std::optional<std::string> admin_url();
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

template <class T>
T run_sync(boost::asio::awaitable<T> awaitable) {
  boost::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result.emplace(std::move(value));
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace cc::testing
