#include "cc/net/websocket_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "cc/async/spawn.hpp"

namespace cc::net {
namespace websocket = beast::websocket;
namespace {
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
}

WebSocketConnection::WebSocketConnection(beast::tcp_stream stream, Options options,
                                         std::uint64_t id)
    : socket_(std::move(stream)), options_(options), id_(id) {
  // Beast's server defaults: idle timeout with keep-alive pings, so a dead peer is noticed.
  socket_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  socket_.read_message_max(options_.max_message_bytes);
  socket_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "cc-server"); }));
}

asio::awaitable<bool> WebSocketConnection::accept(const Request& request) {
  auto [ec] = co_await socket_.async_accept(request, kUseTuple);
  if (ec) {
    closed_ = true;
    co_return false;
  }
  co_return true;
}

asio::awaitable<std::optional<std::string>> WebSocketConnection::read() {
  beast::flat_buffer buffer;
  auto [ec, bytes] = co_await socket_.async_read(buffer, kUseTuple);
  if (ec) {
    closed_ = true;
    co_return std::nullopt;
  }
  co_return beast::buffers_to_string(buffer.data());
}

void WebSocketConnection::send(std::string text) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    if (self->closed_ || self->close_requested_) return;
    if (self->queue_.size() >= self->options_.max_queued_messages) {
      self->start_close(websocket::close_code::policy_error);  // too slow to keep up
      return;
    }
    self->queue_.push_back(std::move(text));
    self->start_writer();
  });
}

void WebSocketConnection::close(websocket::close_code code) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), code] { self->start_close(code); });
}

void WebSocketConnection::start_close(websocket::close_code code) {
  if (closed_ || close_requested_) return;
  close_requested_ = true;
  close_code_ = code;
  start_writer();
}

void WebSocketConnection::start_writer() {
  if (writing_) return;
  writing_ = true;
  async::spawn_logged(socket_.get_executor(), write_loop(shared_from_this()),
                      "websocket writer " + std::to_string(id_));
}

asio::awaitable<void> WebSocketConnection::write_loop(std::shared_ptr<WebSocketConnection> self) {
  while (!self->queue_.empty() && !self->closed_) {
    self->socket_.text(true);
    auto [ec, bytes] = co_await self->socket_.async_write(asio::buffer(self->queue_.front()), kUseTuple);
    if (ec) {
      self->closed_ = true;
      self->queue_.clear();
      break;
    }
    self->queue_.pop_front();
  }
  if (self->close_requested_ && !self->closed_) {
    self->closed_ = true;
    self->socket_.next_layer().expires_after(std::chrono::seconds(5));
    co_await self->socket_.async_close(self->close_code_, kUseTuple);
  }
  self->writing_ = false;
}

}  // namespace cc::net
