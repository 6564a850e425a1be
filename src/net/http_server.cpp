#include "cc/net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cc/async/log.hpp"
#include "cc/net/listen.hpp"
#include "cc/async/spawn.hpp"
#include "http_session.hpp"

namespace cc::net {

HttpServer::HttpServer(asio::io_context& io, HttpServerOptions options, const Router& router,
                       metrics::Registry& metrics)
    : io_(io),
      options_(std::move(options)),
      router_(router),
      metrics_(metrics),
      acceptor_(asio::make_strand(io)) {}

void HttpServer::start() {
  bound_port_ = listen_on(acceptor_, options_.address, options_.port);
  async::spawn_logged(acceptor_.get_executor(), accept_loop(), "http accept loop");
}

asio::awaitable<void> HttpServer::accept_loop() {
  auto log = async::module_logger("net");
  while (!stopping_) {
    auto [ec, socket] =
        co_await acceptor_.async_accept(asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      log->warn("accept failed: {}", ec.message());
      // Out of descriptors and similar: back off briefly instead of spinning.
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (connection_count() >= options_.max_connections) {
      metrics_.counter("cc_http_connections_refused_total", "Connections refused at the cap").inc();
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    const auto id = next_connection_id();
    auto executor = socket.get_executor();
    async::spawn_logged(executor, detail::run_http_session(*this, std::move(socket), id),
                        "http session " + std::to_string(id));
  }
}

std::uint64_t HttpServer::track(std::function<void()> close) {
  const auto id = ++connection_counter_;
  std::lock_guard lock(mutex_);
  connections_.emplace(id, Tracked{std::move(close)});
  metrics_.gauge("cc_http_connections", "Open HTTP and WebSocket connections").set(
      static_cast<std::int64_t>(connections_.size()));
  return id;
}

void HttpServer::untrack(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  metrics_.gauge("cc_http_connections", "Open HTTP and WebSocket connections").set(
      static_cast<std::int64_t>(connections_.size()));
}

std::size_t HttpServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void HttpServer::close_all_connections() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, tracked] : connections_) closers.push_back(tracked.close);
  }
  for (auto& close : closers) close();  // outside the lock: a closer may untrack
}

asio::awaitable<void> HttpServer::shutdown(std::chrono::milliseconds grace) {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  close_all_connections();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (connection_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    // Connections that went idle after their last response are closed on the next pass.
    close_all_connections();
  }
  const auto left = connection_count();
  if (left > 0) {
    async::module_logger("net")->warn("shutdown grace ended with {} connections open", left);
  }
}

}  // namespace cc::net
