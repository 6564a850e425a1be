#include "cc/services/webhook_dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <random>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::services {

WebhookDispatcher::WebhookDispatcher(boost::asio::any_io_executor executor,
                                     WebhookRepository& repository, WebhookTransport& transport,
                                     metrics::Registry& metrics, WebhookOptions options)
    : repository_(repository),
      transport_(transport),
      metrics_(metrics),
      options_(options),
      loop_(executor, "webhook dispatcher", [this] { return dispatch_due(); }, options.batch,
            options.poll) {}

boost::asio::awaitable<int> WebhookDispatcher::dispatch_due() {
  auto claimed = co_await repository_.claim_due(options_.batch, options_.lease);
  if (!claimed || claimed->empty()) co_return 0;  // database down: the next poll tries again
  const int count = static_cast<int>(claimed->size());
  // Every claimed delivery is sent concurrently; the pass ends when the last one is recorded.
  auto remaining = std::make_shared<int>(count);
  auto all_done = std::make_shared<boost::asio::steady_timer>(
      loop_.strand(), boost::asio::steady_timer::time_point::max());
  for (auto& item : *claimed) {
    auto finished = [remaining, all_done](std::exception_ptr error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          async::module_logger("services")->error("webhook delivery failed: {}", e.what());
        }
      }
      if (--*remaining == 0) all_done->cancel();
    };
    boost::asio::co_spawn(loop_.strand(), deliver(std::move(item)), std::move(finished));
  }
  while (*remaining > 0) {
    co_await all_done->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  co_return count;
}

boost::asio::awaitable<void> WebhookDispatcher::deliver(ClaimedWebhookDelivery claimed) {
  const auto& delivery = claimed.delivery;
  const auto steady_now = domain::CircuitBreaker::Clock::now();
  auto& circuit = circuits_.try_emplace(claimed.url, options_.circuit).first->second;
  if (!circuit.allow(steady_now)) {
    WebhookAttempt postponed;
    postponed.delivery_id = delivery.id;
    postponed.outcome = WebhookAttempt::Outcome::postponed;
    postponed.error = "circuit open";
    postponed.retry_in = std::chrono::duration_cast<std::chrono::milliseconds>(
        circuit.retry_at() - steady_now);
    (void)co_await repository_.record_attempt(std::move(postponed));
    co_return;
  }

  const auto sent_at = std::chrono::system_clock::now();
  const auto timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(sent_at.time_since_epoch()).count();
  WebhookPost post{claimed.url,
                   webhook_headers(claimed.secrets, delivery.webhook_id, timestamp, delivery.payload),
                   delivery.payload, options_.timeout};
  post.headers.emplace_back("user-agent", "cc-webhooks/1");
  auto response = co_await transport_.post(std::move(post));

  const auto now = std::chrono::system_clock::now();
  const auto verdict = classify_webhook_response(response, now);
  const auto after = domain::CircuitBreaker::Clock::now();
  if (verdict.endpoint_failed) {
    circuit.record_failure(after);
  } else {
    circuit.record_success(after);
  }
  static thread_local std::mt19937 random{std::random_device{}()};
  auto step = next_webhook_step(options_, verdict, delivery.attempts + 1, claimed.first_attempt_at,
                                now, std::uniform_real_distribution<>(0, 1)(random));
  step.delivery_id = delivery.id;
  if (response.transport_error.empty()) step.response_code = static_cast<int>(response.status);
  step.latency_ms = static_cast<int>(response.elapsed.count());

  const char* outcome = "delivered";
  if (step.outcome == WebhookAttempt::Outcome::retry) outcome = "retry";
  if (step.outcome == WebhookAttempt::Outcome::failed) {
    outcome = "failed";
    async::module_logger("services")
        ->warn("webhook delivery {} to subscription {} dead-lettered: {}", delivery.id,
               delivery.subscription_id, step.error);
  }
  metrics_.counter("cc_webhook_attempts_total", "Outbound webhook attempts by outcome",
                   std::string("outcome=\"") + outcome + "\"")
      .inc();
  (void)co_await repository_.record_attempt(std::move(step));
}

}  // namespace cc::services
