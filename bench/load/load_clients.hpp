#pragma once
// The generator's protocol clients, on Beast/Asio coroutines: a keep-alive HTTP/1.1 connection
// that reconnects when the server closed it, a WebSocket, and an SMTP submission session that
// sends several mails on one connection.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <optional>
#include <string>

namespace cc::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

using HttpResponse = http::response<http::string_body>;

class HttpConnection {
 public:
  HttpConnection(asio::any_io_executor executor, std::string host, unsigned short port)
      : executor_(std::move(executor)), host_(std::move(host)), port_(port) {}
  // One request; a connection error is retried once on a fresh connection (every generator
  // request is idempotent: it carries its provider id or Idempotency-Key). nullopt on failure.
  asio::awaitable<std::optional<HttpResponse>> call(http::verb verb, std::string target, std::string body,
                                                    std::string content_type, std::string bearer = {},
                                                    std::string extra_name = {}, std::string extra_value = {});

 private:
  asio::awaitable<bool> ensure_open();
  asio::any_io_executor executor_;
  std::string host_;
  unsigned short port_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

using WebSocket = beast::websocket::stream<beast::tcp_stream>;

// Opens a WebSocket to `target`, with "Authorization: Bearer <bearer>" when given.
asio::awaitable<std::unique_ptr<WebSocket>> open_websocket(asio::any_io_executor executor, std::string host,
                                                           unsigned short port, std::string target,
                                                           std::string bearer);

class SmtpSession {
 public:
  SmtpSession(asio::any_io_executor executor, std::string host, unsigned short port)
      : socket_(executor), host_(std::move(host)), port_(port) {}
  // Sends one mail; true once the server answered 250 to the final dot. Reconnects as needed.
  asio::awaitable<bool> send(std::string from, std::string to, std::string data);

 private:
  asio::awaitable<int> reply();  // the status code of the next (possibly multi-line) reply; 0 on error
  asio::awaitable<int> command(std::string line);
  tcp::socket socket_;
  asio::streambuf in_;
  std::string host_;
  unsigned short port_;
  bool open_ = false;
};

}  // namespace cc::bench
