#pragma once
// Port: one HTTP POST to a webhook receiver (implemented over net::HttpClient by
// channels/api). Never throws for network failures: they come back in transport_error.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cc::services {

struct WebhookPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct WebhookResponse {
  std::string transport_error;  // empty when a response arrived (timeout, refused, TLS ...)
  unsigned status = 0;
  std::optional<std::string> retry_after;  // the Retry-After header, as sent
  std::string body;                        // at most a few KiB
  std::chrono::milliseconds elapsed{0};
};

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual boost::asio::awaitable<WebhookResponse> post(WebhookPost request) = 0;
};

}  // namespace cc::services
