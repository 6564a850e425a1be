#include "cc/store/pg/pg_pool.hpp"

#include "cc/async/log.hpp"

namespace cc::store {

std::string with_connection_defaults(const std::string& url) {
  std::string out = url;
  auto add = [&out](const std::string& key, const std::string& value) {
    if (out.find(key + "=") != std::string::npos) return;
    out += (out.find('?') == std::string::npos ? "?" : "&") + key + "=" + value;
  };
  if (out.rfind("postgres", 0) == 0) {
    add("connect_timeout", "3");
    add("application_name", "cc-server");
  }
  return out;
}

PgPool::PgPool(std::string url, std::size_t size, metrics::Registry& metrics)
    : url_(with_connection_defaults(url)),
      wait_seconds_(metrics.histogram("cc_db_pool_wait_seconds",
                                      "Time a database job waited for a pool connection")),
      connected_(metrics.gauge("cc_db_pool_connected", "Pool connections currently open")) {
  workers_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) workers_.emplace_back([this] { work(); });
}

PgPool::~PgPool() { stop(); }

void PgPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void PgPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Queued{std::move(job), std::chrono::steady_clock::now()});
      ready_.notify_one();
      return;
    }
  }
  job(nullptr, nullptr);  // shutting down: answer unavailable
}

void PgPool::work() {
  auto log = async::module_logger("store");
  std::optional<pqxx::connection> connection;
  for (;;) {
    Queued item;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    wait_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - item.enqueued).count());
    if (!connection || !connection->is_open()) {
      if (connection) connected_.add(-1);
      connection.reset();
      try {
        connection.emplace(url_);
        connected_.add(1);
      } catch (const std::exception& e) {
        log->warn("database connect failed: {}", e.what());
      }
    }
    try {
      item.job(connection ? &*connection : nullptr, nullptr);
    } catch (const pqxx::broken_connection& e) {
      log->warn("database connection lost: {}", e.what());
      connection.reset();
      connected_.add(-1);
    }
  }
  if (connection) connected_.add(-1);
}

}  // namespace cc::store
