#pragma once
// An outbound HTTP/1.1 client for provider APIs (WeChat, Twilio-compatible SMS, webhook
// receivers). http:// and https:// (OpenSSL, peer verified against the system's CA store, SNI
// set). Every request has a deadline covering resolve, connect, TLS, write and read, and a cap on
// the response size. One connection per request: provider calls are few compared with inbound
// traffic, and a fresh connection never carries a half-read response from an earlier failure.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::net {

struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "80" / "443" when the URL gives none
  std::string target;  // path and query, "/" at least
};
// nullopt unless the URL is http:// or https:// with a host.
std::optional<ParsedUrl> parse_url(std::string_view url);

struct ClientRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::size_t max_response_bytes = 8 * 1024 * 1024;
};

struct ClientResponse {
  // Empty when a response arrived; otherwise why none did (timeout, refused, TLS, bad URL ...).
  // Status codes are not errors here: the caller decides what a 4xx or 5xx means.
  std::string transport_error;
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds elapsed{0};

  bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

class HttpClient {
 public:
  explicit HttpClient(boost::asio::any_io_executor executor);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Never throws for network failures: they come back in transport_error.
  boost::asio::awaitable<ClientResponse> send(ClientRequest request);

 private:
  struct Tls;
  boost::asio::any_io_executor executor_;
  std::unique_ptr<Tls> tls_;  // the OpenSSL context, shared by every request of this client
};

// application/x-www-form-urlencoded encoding of pairs, in the given order.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
std::string percent_encode(std::string_view text);  // RFC 3986 unreserved kept

}  // namespace cc::net
