#pragma once
// One WebSocket peer. Reads happen in the owner's coroutine; send() may be called from any thread
// and queues the text on the connection's strand. At most one write is in flight, and the queue is
// bounded: a consumer too slow to keep up is closed with a policy error instead of growing memory.
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "cc/net/http_types.hpp"

namespace cc::net {

class WebSocketConnection : public std::enable_shared_from_this<WebSocketConnection> {
 public:
  struct Options {
    std::size_t max_queued_messages = 4096;
    std::size_t max_message_bytes = 64 * 1024;
  };

  WebSocketConnection(beast::tcp_stream stream, Options options, std::uint64_t id);

  // Completes the upgrade handshake for `request`; false if the peer went away.
  asio::awaitable<bool> accept(const Request& request);
  // The next text message, or nullopt once the connection is closed.
  asio::awaitable<std::optional<std::string>> read();
  void send(std::string text);
  void close(beast::websocket::close_code code = beast::websocket::close_code::normal);

  std::uint64_t id() const { return id_; }
  bool is_open() const { return !closed_.load(); }
  asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  static asio::awaitable<void> write_loop(std::shared_ptr<WebSocketConnection> self);
  void start_writer();
  void start_close(beast::websocket::close_code code);

  beast::websocket::stream<beast::tcp_stream> socket_;
  Options options_;
  std::uint64_t id_;
  std::deque<std::string> queue_;  // touched only on the strand
  bool writing_ = false;
  bool close_requested_ = false;
  beast::websocket::close_code close_code_ = beast::websocket::close_code::normal;
  std::atomic<bool> closed_{false};
};

}  // namespace cc::net
