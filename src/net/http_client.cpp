#include "cc/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <strings.h>

#include <cctype>

namespace cc::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

ClientResponse failure(std::string why, Clock::time_point start) {
  ClientResponse response;
  response.transport_error = std::move(why);
  response.elapsed = since(start);
  return response;
}

http::request<http::string_body> build_request(const ClientRequest& request, const ParsedUrl& url) {
  http::request<http::string_body> message{request.method, url.target, 11};
  const bool default_port = url.port == (url.tls ? "443" : "80");
  message.set(http::field::host, default_port ? url.host : url.host + ":" + url.port);
  message.set(http::field::user_agent, "contact-center/0.1");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.keep_alive(false);
  message.prepare_payload();
  return message;
}

template <class Stream>
asio::awaitable<ClientResponse> exchange(Stream& stream, beast::tcp_stream& timed,
                                         const ClientRequest& request, const ParsedUrl& url,
                                         Clock::time_point start) {
  auto message = build_request(request, url);
  timed.expires_at(start + request.timeout);
  auto [write_error, written] = co_await http::async_write(stream, message, kTuple);
  if (write_error) co_return failure("write: " + write_error.message(), start);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(request.max_response_bytes);
  parser.header_limit(64 * 1024);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (read_error) co_return failure("read: " + read_error.message(), start);

  ClientResponse response;
  auto& answer = parser.get();
  response.status = answer.result_int();
  for (const auto& field : answer) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(answer.body());
  response.elapsed = since(start);
  (void)written;
  (void)read;
  co_return response;
}

}  // namespace

struct HttpClient::Tls {
  asio::ssl::context context{asio::ssl::context::tls_client};
};

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<ParsedUrl> parse_url(std::string_view url) {
  ParsedUrl parsed;
  if (url.starts_with("https://")) {
    parsed.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  parsed.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (parsed.target.front() == '?') parsed.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
  }
  parsed.host = std::string(host);
  parsed.port = port.empty() ? (parsed.tls ? "443" : "80") : std::string(port);
  return parsed;
}

HttpClient::HttpClient(asio::any_io_executor executor)
    : executor_(std::move(executor)), tls_(std::make_unique<Tls>()) {
  tls_->context.set_default_verify_paths();
  tls_->context.set_verify_mode(asio::ssl::verify_peer);
}

HttpClient::~HttpClient() = default;  // here, where Tls is complete

asio::awaitable<ClientResponse> HttpClient::send(ClientRequest request) {
  const auto start = Clock::now();
  const auto url = parse_url(request.url);
  if (!url) co_return failure("unsupported URL", start);

  tcp::resolver resolver(executor_);
  beast::tcp_stream timed(executor_);
  timed.expires_at(start + request.timeout);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(url->host, url->port, kTuple);
  if (resolve_error) co_return failure("resolve: " + resolve_error.message(), start);
  auto [connect_error, endpoint] = co_await timed.async_connect(endpoints, kTuple);
  if (connect_error) co_return failure("connect: " + connect_error.message(), start);
  (void)endpoint;

  if (!url->tls) {
    auto response = co_await exchange(timed, timed, request, *url, start);
    beast::error_code ignored;
    timed.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return response;
  }

  beast::ssl_stream<beast::tcp_stream> secure(std::move(timed), tls_->context);
  if (!SSL_set_tlsext_host_name(secure.native_handle(), url->host.c_str())) {
    co_return failure("TLS: cannot set SNI", start);
  }
  secure.set_verify_callback(asio::ssl::host_name_verification(url->host));
  auto [handshake_error] =
      co_await secure.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (handshake_error) co_return failure("TLS: " + handshake_error.message(), start);
  auto response = co_await exchange(secure, beast::get_lowest_layer(secure), request, *url, start);
  // The request said Connection: close and the response is complete, so the socket is simply
  // closed: waiting for a TLS close_notify that many servers never send would only add latency.
  beast::error_code ignored;
  beast::get_lowest_layer(secure).socket().close(ignored);
  co_return response;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace cc::net
