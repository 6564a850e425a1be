#include "cc/channels/api/http_webhook_transport.hpp"

namespace cc::channels::api {
namespace {
constexpr std::size_t kMaxResponseBytes = 64 * 1024;
constexpr std::size_t kKeptBodyBytes = 4 * 1024;
}  // namespace

boost::asio::awaitable<services::WebhookResponse> HttpWebhookTransport::post(
    services::WebhookPost request) {
  net::ClientRequest outgoing;
  outgoing.method = boost::beast::http::verb::post;
  outgoing.url = std::move(request.url);
  outgoing.headers = std::move(request.headers);
  outgoing.body = std::move(request.body);
  outgoing.timeout = request.timeout;
  outgoing.max_response_bytes = kMaxResponseBytes;
  auto response = co_await client_.send(std::move(outgoing));
  services::WebhookResponse result;
  result.transport_error = std::move(response.transport_error);
  result.status = response.status;
  result.retry_after = response.header("retry-after");
  result.body = response.body.substr(0, kKeptBodyBytes);
  result.elapsed = response.elapsed;
  co_return result;
}

}  // namespace cc::channels::api
