#include "cc/services/outbox_dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cmath>
#include <random>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"

namespace cc::services {

std::chrono::milliseconds backoff_delay(const OutboxOptions& options, int attempt,
                                        double unit_random) {
  const int exponent = std::clamp(attempt - 1, 0, 20);
  const double base = static_cast<double>(options.base_backoff.count()) * std::pow(2.0, exponent);
  const double capped = std::min(base, static_cast<double>(options.max_backoff.count()));
  const double jitter = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped * jitter));
}

OutboxDispatcher::OutboxDispatcher(boost::asio::any_io_executor executor, OutboxRepository& outbox,
                                   metrics::Registry& metrics, OutboxOptions options)
    : strand_(boost::asio::make_strand(executor)),
      timer_(strand_),
      outbox_(outbox),
      metrics_(metrics),
      options_(options) {}

void OutboxDispatcher::register_sender(domain::Channel channel, ChannelSender& sender) {
  senders_[channel] = &sender;
}

void OutboxDispatcher::start() { async::spawn_logged(strand_, run(), "outbox dispatcher"); }

void OutboxDispatcher::wake() {
  boost::asio::post(strand_, [this] {
    wake_pending_ = true;
    timer_.cancel();
  });
}

void OutboxDispatcher::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

boost::asio::awaitable<void> OutboxDispatcher::run() {
  auto log = async::module_logger("services");
  while (!stopped_) {
    wake_pending_ = false;
    int handled = 0;
    try {
      handled = co_await dispatch_due();
    } catch (const std::exception& e) {
      log->error("outbox pass failed: {}", e.what());
    }
    if (stopped_) break;
    if (handled >= options_.batch || wake_pending_) continue;  // more may be due right away
    timer_.expires_after(options_.poll);
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

boost::asio::awaitable<int> OutboxDispatcher::dispatch_due() {
  auto claimed = co_await outbox_.claim_due(options_.batch, options_.lease);
  if (!claimed) co_return 0;  // database down: the next poll tries again
  for (const auto& item : *claimed) co_await deliver(item);
  co_return static_cast<int>(claimed->size());
}

boost::asio::awaitable<void> OutboxDispatcher::deliver(const OutboxItem& item) {
  auto log = async::module_logger("services");
  const auto channel = std::string(domain::to_string(item.channel));
  SendOutcome outcome{SendOutcome::Kind::failed, {}, "no sender for channel " + channel};
  if (auto sender = senders_.find(item.channel); sender != senders_.end()) {
    try {
      outcome = co_await sender->second->send(item);
    } catch (const std::exception& e) {
      outcome = SendOutcome{SendOutcome::Kind::retry, {}, e.what()};
    }
  }
  const int attempt = item.attempts + 1;
  if (outcome.kind == SendOutcome::Kind::retry && attempt >= options_.max_attempts) {
    outcome.kind = SendOutcome::Kind::failed;
  }
  const std::string labels = "channel=\"" + channel + "\"";
  switch (outcome.kind) {
    case SendOutcome::Kind::sent:
      (void)co_await outbox_.mark_sent(item.id, outcome.provider_message_id);
      metrics_.counter("cc_outbox_sent_total", "Outbound messages sent", labels).inc();
      break;
    case SendOutcome::Kind::retry: {
      static thread_local std::mt19937 random{std::random_device{}()};
      const auto delay =
          backoff_delay(options_, attempt, std::uniform_real_distribution<>(0, 1)(random));
      (void)co_await outbox_.schedule_retry(item.id, delay, outcome.error);
      metrics_.counter("cc_outbox_retries_total", "Outbound send attempts to retry", labels).inc();
      break;
    }
    case SendOutcome::Kind::failed:
      log->warn("outbox {} dead-lettered after {} attempts: {}", item.id, attempt, outcome.error);
      (void)co_await outbox_.mark_failed(item.id, outcome.error);
      metrics_.counter("cc_outbox_failed_total", "Outbound messages dead-lettered", labels).inc();
      break;
  }
}

}  // namespace cc::services
