#pragma once
// A fixed set of threads, each owning one libpqxx connection. libpqxx blocks, so database work
// runs here and coroutines await it: run(f) queues f, a free worker calls f(connection), and the
// caller resumes on its own executor. A worker whose connection broke reconnects before its next
// job; while PostgreSQL is unreachable every job answers ErrorCode::unavailable at once.
#include <condition_variable>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "cc/async/completion.hpp"
#include "cc/async/unique_function.hpp"
#include "cc/domain/error.hpp"
#include "cc/metrics/registry.hpp"

namespace cc::store {

// SQLSTATE classes that mean the server went away rather than the statement being wrong:
// 08 connection exception, 57P0x operator intervention (shutdown, crash, cannot connect now).
inline bool is_connection_failure(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0;
}

// 40P01 deadlock detected, 40001 serialization failure: retry the transaction.
inline bool is_retryable_conflict(const std::string& sqlstate) {
  return sqlstate == "40P01" || sqlstate == "40001";
}
inline constexpr int kConflictAttempts = 4;

class PgPool {
 public:
  PgPool(std::string url, std::size_t size, metrics::Registry& metrics);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // f: (pqxx::connection&) -> Result<T>. SQL errors other than a lost connection propagate
  // as exceptions (a bug, answered 500 at the edge).
  template <class F>
  auto run(F f) -> boost::asio::awaitable<std::invoke_result_t<F, pqxx::connection&>> {
    using R = std::invoke_result_t<F, pqxx::connection&>;
    return async::await_completion<R>(
        [this, f = std::move(f)](async::Completion<R> completion) mutable {
          submit([f = std::move(f), completion = std::move(completion)](
                     pqxx::connection* connection, std::exception_ptr error) mutable {
            if (error) return std::move(completion).fail(error);
            if (connection == nullptr) {
              return std::move(completion).succeed(R(Error::unavailable("database unavailable")));
            }
            try {
              std::move(completion).succeed(run_retrying_conflicts(f, *connection));
            } catch (const pqxx::broken_connection&) {
              std::move(completion).succeed(R(Error::unavailable("database connection lost")));
              throw;  // tells the worker to drop the connection
            } catch (const pqxx::sql_error& e) {
              if (!is_connection_failure(e.sqlstate())) {
                return std::move(completion).fail(std::current_exception());
              }
              std::move(completion).succeed(R(Error::unavailable("database is shutting down")));
              throw pqxx::broken_connection(e.what());
            } catch (...) {
              std::move(completion).fail(std::current_exception());
            }
          });
        });
  }

  void stop();
  std::size_t size() const { return workers_.size(); }

  // A deadlock or serialization failure rolls the whole transaction back and PostgreSQL asks the
  // client to run it again: the job (which opens its own transaction) is re-run a few times.
  template <class F>
  static auto run_retrying_conflicts(F& f, pqxx::connection& connection) {
    for (int attempt = 1;; ++attempt) {
      try {
        return f(connection);
      } catch (const pqxx::sql_error& e) {
        if (attempt >= kConflictAttempts || !is_retryable_conflict(e.sqlstate())) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
      }
    }
  }

 private:
  using Job = async::UniqueFunction<void(pqxx::connection*, std::exception_ptr)>;
  struct Queued {
    Job job;
    std::chrono::steady_clock::time_point enqueued;
  };
  void submit(Job job);
  void work();

  std::string url_;
  metrics::Histogram& wait_seconds_;
  metrics::Gauge& connected_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Adds connect_timeout and an application_name to a postgresql:// URL when missing.
std::string with_connection_defaults(const std::string& url);

}  // namespace cc::store
