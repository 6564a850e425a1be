#include "provider_fakes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <istream>
#include <nlohmann/json.hpp>

namespace cc::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// application/x-www-form-urlencoded value of `name` ('+' is a space, %XX decoded).
std::string form_value(std::string_view body, std::string_view name) {
  std::size_t at = 0;
  while (at <= body.size()) {
    const auto end = std::min(body.find('&', at), body.size());
    const auto field = body.substr(at, end - at);
    const auto eq = field.find('=');
    if (eq != std::string_view::npos && field.substr(0, eq) == name) {
      std::string out;
      const auto raw = field.substr(eq + 1);
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%' && i + 2 < raw.size()) {
          out += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    at = end + 1;
  }
  return {};
}

asio::awaitable<bool> say(tcp::socket& socket, std::string line) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(line), kTuple);
  co_return !ec;
}

}  // namespace

ProviderFakes::ProviderFakes(asio::io_context& io, FakeCredentials credentials)
    : io_(io), credentials_(std::move(credentials)), http_(io), smtp_(io) {}

void ProviderFakes::start() {
  const tcp::endpoint any_port(asio::ip::make_address("127.0.0.1"), 0);
  for (auto* acceptor : {&http_, &smtp_}) {
    acceptor->open(any_port.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(any_port);
    acceptor->listen(1024);
  }
  http_port_ = http_.local_endpoint().port();
  smtp_port_ = smtp_.local_endpoint().port();
  asio::co_spawn(io_, accept_http(), asio::detached);
  asio::co_spawn(io_, accept_smtp(), asio::detached);
}

void ProviderFakes::record(const std::string& text) {
  const auto at = text.find("uid=");
  if (at == std::string::npos) return;
  auto end = at + 4;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
  ++deliveries_[text.substr(at + 4, end - at - 4)];
  last_ = Clock::now();
}

asio::awaitable<void> ProviderFakes::accept_http() {
  for (;;) {
    auto [ec, socket] = co_await http_.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(io_, serve_http(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ProviderFakes::serve_http(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream, buffer, request, kTuple);
    if (ec) co_return;
    const std::string target(request.target());
    const auto path = target.substr(0, target.find('?'));
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    if (path == "/cgi-bin/token") {
      response.body() = json{{"access_token", "LOAD-TOKEN"}, {"expires_in", 7200}}.dump();
    } else if (path == "/cgi-bin/message/custom/send") {
      const auto body = json::parse(request.body(), nullptr, false);
      if (body.is_object() && body.contains("text")) record(body["text"].value("content", ""));
      response.body() = R"({"errcode":0,"errmsg":"ok"})";
    } else if (path.size() > 14 && path.ends_with("/Messages.json")) {
      if (request.method() == http::verb::post) {
        record(form_value(request.body(), "Body"));
        const auto sid = "SM" + std::to_string(++sid_counter_) + std::string(20, '0');
        response.result(http::status::created);
        response.body() = json{{"sid", sid}, {"status", "queued"}, {"num_segments", "1"},
                               {"error_code", nullptr}}.dump();
      } else {
        response.body() = R"({"messages":[],"next_page_uri":null,"page":0})";
      }
    } else {
      response.result(http::status::not_found);
      response.body() = R"({"errcode":404})";
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) co_return;
  }
}

asio::awaitable<void> ProviderFakes::accept_smtp() {
  for (;;) {
    auto [ec, socket] = co_await smtp_.async_accept(kTuple);
    if (ec) co_return;
    asio::co_spawn(io_, serve_smtp(std::move(socket)), asio::detached);
  }
}

// Just enough SMTP for a relay client: greeting, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
asio::awaitable<void> ProviderFakes::serve_smtp(tcp::socket socket) {
  asio::streambuf in;
  if (!co_await say(socket, "220 sink.load ESMTP\r\n")) co_return;
  bool in_data = false;
  std::string message;
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(socket, in, "\r\n", kTuple);
    if (ec) co_return;
    std::string line;
    std::istream stream(&in);
    std::getline(stream, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (in_data) {
      if (line == ".") {
        in_data = false;
        // Quoted-printable bodies: undo soft line breaks and "=3D" so the uid is found.
        std::string plain;
        for (std::size_t i = 0; i < message.size(); ++i) {
          if (message.compare(i, 2, "=\n") == 0) { ++i; continue; }
          if (message.compare(i, 3, "=3D") == 0) { plain += '='; i += 2; continue; }
          plain += message[i];
        }
        record(plain);
        message.clear();
        if (!co_await say(socket, "250 2.0.0 queued\r\n")) co_return;
      } else {
        message += line + "\n";
      }
      continue;
    }
    const auto verb = line.substr(0, 4);
    std::string reply = "250 ok\r\n";
    if (verb == "EHLO" || verb == "ehlo") reply = "250-sink.load\r\n250 8BITMIME\r\n";
    else if (verb == "DATA" || verb == "data") { in_data = true; reply = "354 go ahead\r\n"; }
    else if (verb == "QUIT" || verb == "quit") { co_await say(socket, "221 bye\r\n"); co_return; }
    if (!co_await say(socket, reply)) co_return;
  }
}

std::string Latencies::summary() {
  char text[160];
  std::snprintf(text, sizeof text, "n=%zu p50=%.2f p95=%.2f p99=%.2f max=%.2f ms", count(), quantile(0.5),
                quantile(0.95), quantile(0.99), max());
  return text;
}

}  // namespace cc::bench
