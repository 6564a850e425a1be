#pragma once
// Sends captured webhook deliveries. Claims due rows (leased, SKIP LOCKED; never one whose older
// sibling of the same conversation is still pending), POSTs each concurrently with Standard
// Webhooks headers, and records the outcome: delivered, retry later (exponential backoff with
// jitter, Retry-After honoured) or dead-lettered after 24 hours or a non-retryable answer. A
// circuit per endpoint URL postpones deliveries while a receiver keeps failing. Runs as one
// coroutine on its own strand; wake() and start() are thread-safe.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <map>

#include "cc/domain/circuit_breaker.hpp"
#include "cc/metrics/registry.hpp"
#include "cc/services/polling_loop.hpp"
#include "cc/services/ports/webhook_repository.hpp"
#include "cc/services/ports/webhook_transport.hpp"
#include "cc/services/webhook_policy.hpp"

namespace cc::services {

class WebhookDispatcher {
 public:
  using SystemClock = std::function<std::chrono::system_clock::time_point()>;

  WebhookDispatcher(boost::asio::any_io_executor executor, WebhookRepository& repository,
                    WebhookTransport& transport, metrics::Registry& metrics,
                    WebhookOptions options = {});
  void start() { loop_.start(); }  // idempotent
  void wake() { loop_.wake(); }
  void stop() { loop_.stop(); }

  // One pass: claim what is due and send it. Exposed for tests.
  boost::asio::awaitable<int> dispatch_due();

 private:
  boost::asio::awaitable<void> deliver(ClaimedWebhookDelivery claimed);

  WebhookRepository& repository_;
  WebhookTransport& transport_;
  metrics::Registry& metrics_;
  WebhookOptions options_;
  std::map<std::string, domain::CircuitBreaker> circuits_;  // by URL; strand only
  PollingLoop loop_;                                         // last: its pass uses the above
};

}  // namespace cc::services
