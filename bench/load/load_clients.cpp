#include "load_clients.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <istream>

namespace cc::bench {
namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

asio::awaitable<bool> HttpConnection::ensure_open() {
  if (stream_) co_return true;
  stream_.emplace(executor_);
  const tcp::endpoint endpoint(asio::ip::make_address(host_), port_);
  auto [ec] = co_await stream_->async_connect(endpoint, kTuple);
  if (ec) {
    stream_.reset();
    co_return false;
  }
  stream_->socket().set_option(tcp::no_delay(true));
  buffer_.clear();
  co_return true;
}

asio::awaitable<std::optional<HttpResponse>> HttpConnection::call(http::verb verb, std::string target,
                                                                  std::string body, std::string content_type,
                                                                  std::string bearer, std::string extra_name,
                                                                  std::string extra_value) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!co_await ensure_open()) continue;
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, host_);
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
    if (!extra_name.empty()) request.set(extra_name, extra_value);
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    stream_->expires_after(std::chrono::seconds(30));
    auto [write_ec, written] = co_await http::async_write(*stream_, request, kTuple);
    if (write_ec) {
      stream_.reset();
      continue;
    }
    HttpResponse response;
    auto [read_ec, read] = co_await http::async_read(*stream_, buffer_, response, kTuple);
    if (read_ec) {
      stream_.reset();
      continue;
    }
    if (!response.keep_alive()) stream_.reset();
    co_return response;
  }
  co_return std::nullopt;
}

asio::awaitable<std::unique_ptr<WebSocket>> open_websocket(asio::any_io_executor executor, std::string host,
                                                           unsigned short port, std::string target,
                                                           std::string bearer) {
  auto ws = std::make_unique<WebSocket>(executor);
  const tcp::endpoint endpoint(asio::ip::make_address(host), port);
  auto [ec] = co_await beast::get_lowest_layer(*ws).async_connect(endpoint, kTuple);
  if (ec) co_return nullptr;
  beast::get_lowest_layer(*ws).expires_never();
  ws->set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::client));
  if (!bearer.empty()) {
    ws->set_option(beast::websocket::stream_base::decorator([bearer](beast::websocket::request_type& request) {
      request.set(http::field::authorization, "Bearer " + bearer);
    }));
  }
  auto [handshake_ec] = co_await ws->async_handshake(host + ":" + std::to_string(port), target, kTuple);
  if (handshake_ec) co_return nullptr;
  co_return ws;
}

asio::awaitable<int> SmtpSession::reply() {
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(socket_, in_, "\r\n", kTuple);
    if (ec) co_return 0;
    std::istream stream(&in_);
    std::string line;
    std::getline(stream, line);
    if (line.size() < 4) co_return 0;
    if (line[3] == '-') continue;  // a multi-line reply goes on
    co_return std::atoi(line.substr(0, 3).c_str());
  }
}

asio::awaitable<int> SmtpSession::command(std::string line) {
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(line), kTuple);
  if (ec) co_return 0;
  co_return co_await reply();
}

asio::awaitable<bool> SmtpSession::send(std::string from, std::string to, std::string data) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!open_) {
      beast::error_code ignored;
      socket_.close(ignored);
      in_.consume(in_.size());
      const tcp::endpoint endpoint(asio::ip::make_address(host_), port_);
      auto [ec] = co_await socket_.async_connect(endpoint, kTuple);
      if (ec) continue;
      const int greeting = co_await reply();
      if (greeting != 220) continue;
      const int ehlo = co_await command("EHLO load.test\r\n");
      if (ehlo != 250) continue;
      open_ = true;
    }
    const int mail = co_await command("MAIL FROM:<" + from + ">\r\n");
    if (mail != 250) {
      open_ = false;
      continue;
    }
    const int rcpt = co_await command("RCPT TO:<" + to + ">\r\n");
    if (rcpt != 250) {
      open_ = false;
      continue;
    }
    const int start = co_await command("DATA\r\n");
    if (start != 354) {
      open_ = false;
      continue;
    }
    const int done = co_await command(data + "\r\n.\r\n");
    if (done == 250) co_return true;
    open_ = false;
  }
  co_return false;
}

}  // namespace cc::bench
