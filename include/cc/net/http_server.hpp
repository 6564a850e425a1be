#pragma once
// The HTTP/1.1 + WebSocket listener. Owns the accept loop and tracks live connections so that
// shutdown can stop accepting, let in-flight requests finish, and close WebSockets with a frame.
// Each connection runs on its own strand of the shared io_context.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "cc/metrics/registry.hpp"
#include "cc/net/router.hpp"
#include "cc/net/websocket_connection.hpp"

namespace cc::net {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::seconds header_timeout{10};   // a slow client cannot hold a connection forever
  std::chrono::seconds idle_timeout{60};     // keep-alive wait between requests
  std::chrono::seconds request_timeout{30};  // body read and handler
  std::size_t max_connections = 20000;
  WebSocketConnection::Options websocket;
};

class HttpServer {
 public:
  HttpServer(asio::io_context& io, HttpServerOptions options, const Router& router,
             metrics::Registry& metrics);

  // Binds and starts accepting; throws when the address cannot be bound.
  void start();
  std::uint16_t port() const { return bound_port_; }

  // Stops accepting, closes idle keep-alive connections and every WebSocket with "going away",
  // then waits (up to `grace`) for in-flight requests to finish.
  asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

  // Used by sessions; not for handlers.
  struct Tracked {
    std::function<void()> close;
  };
  std::uint64_t track(std::function<void()> close);
  void untrack(std::uint64_t id);
  bool stopping() const { return stopping_.load(); }
  const HttpServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  metrics::Registry& metrics() { return metrics_; }
  std::uint64_t next_connection_id() { return ++connection_counter_; }
  std::size_t connection_count() const;

 private:
  asio::awaitable<void> accept_loop();
  void close_all_connections();

  asio::io_context& io_;
  HttpServerOptions options_;
  const Router& router_;
  metrics::Registry& metrics_;
  tcp::acceptor acceptor_;
  std::uint16_t bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> connection_counter_{0};
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Tracked> connections_;
};

}  // namespace cc::net
