#include "cc/services/outbox_dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/services/failover_rule.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

std::chrono::milliseconds backoff_delay(const OutboxOptions& options, int attempt,
                                        double unit_random) {
  const int exponent = std::clamp(attempt - 1, 0, 20);
  const double base = static_cast<double>(options.base_backoff.count()) * std::pow(2.0, exponent);
  const double capped = std::min(base, static_cast<double>(options.max_backoff.count()));
  const double jitter = 0.8 + 0.4 * std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped * jitter));
}

std::vector<std::vector<OutboxItem>> plan_waves(std::vector<OutboxItem> items, int parallel) {
  std::vector<std::vector<OutboxItem>> waves;
  std::deque<OutboxItem> waiting(std::make_move_iterator(items.begin()),
                                 std::make_move_iterator(items.end()));
  while (!waiting.empty()) {
    std::vector<OutboxItem> wave;
    std::set<domain::Id> conversations;
    std::deque<OutboxItem> later;
    // A conversation seen in this wave blocks its later rows, so they keep their order.
    while (!waiting.empty()) {
      OutboxItem item(std::move(waiting.front()));
      waiting.pop_front();
      const bool fits = static_cast<int>(wave.size()) < std::max(parallel, 1);
      if (fits && conversations.insert(item.conversation_id).second) {
        wave.push_back(std::move(item));
      } else {
        conversations.insert(item.conversation_id);
        later.push_back(std::move(item));
      }
    }
    waves.push_back(std::move(wave));
    waiting = std::move(later);
  }
  return waves;
}

namespace {
// message.status for the reply's author: the workbench shows each message's send status live.
boost::asio::awaitable<void> emit_status(EventDispatcher& events, const OutboxItem& item,
                                         std::string status, std::string error) {
  const auto author = item.message.sender_agent_id;
  if (!author) co_return;
  nlohmann::json data{{"conversation_id", id_text(item.conversation_id)},
                      {"message_id", id_text(item.message_id)},
                      {"status", std::move(status)}};
  if (!error.empty()) data["error"] = std::move(error);
  std::vector<AgentEvent> list;
  list.push_back(make_event(*author, "message.status", std::move(data)));
  co_await events.emit(std::move(list));
}
}  // namespace

// Counts a wave's deliveries down; the wave's runner waits on the timer until all are done.
struct OutboxDispatcher::Wave {
  explicit Wave(boost::asio::strand<boost::asio::any_io_executor>& strand, int count)
      : done(strand), remaining(count) {
    done.expires_at(boost::asio::steady_timer::time_point::max());
  }
  boost::asio::steady_timer done;
  int remaining;  // strand only
};

OutboxDispatcher::OutboxDispatcher(boost::asio::any_io_executor executor, OutboxRepository& outbox,
                                   ChannelAccountRepository& accounts, EventDispatcher& events,
                                   CircuitBoard& circuits, metrics::Registry& metrics,
                                   OutboxOptions options)
    : outbox_(outbox),
      accounts_(accounts),
      events_(events),
      circuits_(circuits),
      metrics_(metrics),
      options_(options),
      loop_(executor, "outbox dispatcher", [this] { return dispatch_due(); }, options.batch,
            options.poll) {}

void OutboxDispatcher::register_sender(domain::Channel channel, ChannelSender& sender) {
  senders_[channel] = &sender;
}

boost::asio::awaitable<int> OutboxDispatcher::dispatch_due() {
  auto claimed = co_await outbox_.claim_due(options_.batch, options_.lease);
  if (!claimed) co_return 0;  // database down: the next poll tries again
  const int count = static_cast<int>(claimed->size());
  auto waves = plan_waves(std::move(*claimed), options_.parallel);
  for (auto& wave : waves) {
    if (loop_.stopping()) break;  // unsent rows come back when their lease ends
    co_await run_wave(std::move(wave));
  }
  co_return count;
}

boost::asio::awaitable<void> OutboxDispatcher::run_wave(std::vector<OutboxItem> items) {
  // Rows whose circuit is open never reach the provider: they fail over or wait.
  std::vector<OutboxItem> calls;
  for (auto& item : items) {
    if (circuits_.allow(item.channel_account_id)) {
      calls.push_back(std::move(item));
      continue;
    }
    try {
      // A row in doubt may already be with the customer: it waits for the circuit and its
      // reconciliation rather than going out on a second channel.
      bool moved = false;
      if (!item.in_doubt) moved = co_await fail_over(item, kCircuitOpen);
      if (!moved) {
        const auto status = circuits_.status(item.channel_account_id);
        const auto wait = std::max(status.retry_in, std::chrono::milliseconds(1000));
        (void)co_await outbox_.postpone(item.id, wait);
      }
    } catch (const std::exception& e) {  // the row returns when its lease ends
      async::module_logger("services")->error("outbox {}: failover failed: {}", item.id, e.what());
    }
  }
  if (calls.empty()) co_return;
  std::vector<domain::Id> ids;
  for (const auto& item : calls) ids.push_back(item.id);
  if (auto started = co_await outbox_.begin_attempts(std::move(ids)); !started) {
    co_return;  // database down: nothing was sent; the rows return after their lease
  }
  auto wave = std::make_shared<Wave>(loop_.strand(), static_cast<int>(calls.size()));
  for (auto& item : calls) {
    async::spawn_logged(loop_.strand(), deliver(std::move(item), wave), "outbox delivery");
  }
  while (wave->remaining > 0) {
    co_await wave->done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

boost::asio::awaitable<void> OutboxDispatcher::deliver(OutboxItem item, std::shared_ptr<Wave> wave) {
  auto log = async::module_logger("services");
  try {
    auto sender = senders_.find(item.channel);
    if (sender == senders_.end()) {
      SendOutcome missing{SendOutcome::Kind::failed, {}, "no sender for this channel", "no_sender"};
      co_await record(item, std::move(missing));
    } else {
      auto outcome = co_await attempt(item, *sender->second);
      co_await record(item, std::move(outcome));
    }
  } catch (const std::exception& e) {
    log->error("outbox {}: delivery failed unexpectedly: {}", item.id, e.what());
  }
  if (--wave->remaining == 0) wave->done.cancel();
}

boost::asio::awaitable<SendOutcome> OutboxDispatcher::attempt(const OutboxItem& item,
                                                              ChannelSender& sender) {
  if (item.in_doubt) {
    // The previous attempt started and never recorded its outcome (the process died).
    auto known = co_await sender.reconcile(item);
    if (known.kind == ReconcileOutcome::Kind::delivered) {
      co_return SendOutcome{SendOutcome::Kind::sent, known.provider_message_id, {}, "reconciled"};
    }
    if (known.kind == ReconcileOutcome::Kind::unknown) {
      co_return SendOutcome{SendOutcome::Kind::failed, {},
                            "the server stopped during the provider call and the provider cannot "
                            "be asked whether it arrived; check with the customer before retrying",
                            "in_doubt"};
    }
  }
  try {
    co_return co_await sender.send(item);
  } catch (const std::exception& e) {
    co_return SendOutcome{SendOutcome::Kind::retry, {}, e.what(), "exception"};
  }
}

boost::asio::awaitable<void> OutboxDispatcher::record(const OutboxItem& item, SendOutcome outcome) {
  auto log = async::module_logger("services");
  const auto channel = std::string(domain::to_string(item.channel));
  const std::string labels = "channel=\"" + channel + "\"";
  const int attempt = item.attempts + 1;
  // The circuit counts provider health: transient failures count against it, a permanent
  // refusal of one message (bad number, window closed) does not.
  if (outcome.kind == SendOutcome::Kind::sent) circuits_.record(item.channel_account_id, true);
  if (outcome.kind == SendOutcome::Kind::retry) circuits_.record(item.channel_account_id, false);

  if (outcome.kind == SendOutcome::Kind::retry && attempt >= options_.max_attempts) {
    outcome.kind = SendOutcome::Kind::failed;
    outcome.reason = kDeadLetter;
  }
  std::string status;  // what the author's workbench shows next; empty: nothing to tell
  switch (outcome.kind) {
    case SendOutcome::Kind::sent:
      status = "sent";
      (void)co_await outbox_.mark_sent(item.id, outcome.provider_message_id);
      metrics_.counter("cc_outbox_sent_total", "Outbound messages sent", labels).inc();
      break;
    case SendOutcome::Kind::retry: {
      static thread_local std::mt19937 random{std::random_device{}()};
      auto delay = backoff_delay(options_, attempt, std::uniform_real_distribution<>(0, 1)(random));
      if (outcome.retry_after) delay = std::max(delay, *outcome.retry_after);
      (void)co_await outbox_.schedule_retry(item.id, delay, outcome.error);
      status = "queued";
      metrics_.counter("cc_outbox_retries_total", "Outbound send attempts to retry", labels).inc();
      break;
    }
    case SendOutcome::Kind::undeliverable:
    case SendOutcome::Kind::failed: {
      if (outcome.reason == "in_doubt") {
        log->warn("outbox {} in doubt after a restart; left for an agent", item.id);
        (void)co_await outbox_.mark_in_doubt(item.id, outcome.error);
        status = "failed";
        metrics_.counter("cc_outbox_in_doubt_total", "Outbound messages left in doubt", labels).inc();
        break;
      }
      const bool can_fail_over = outcome.kind == SendOutcome::Kind::undeliverable ||
                                 outcome.reason == kDeadLetter;
      if (can_fail_over) {
        const bool moved = co_await fail_over(item, outcome.reason);
        if (moved) break;
      }
      log->warn("outbox {} dead-lettered after {} attempts: {}", item.id, attempt, outcome.error);
      (void)co_await outbox_.mark_failed(item.id, outcome.error, outcome.reason);
      status = "failed";
      metrics_.counter("cc_outbox_failed_total", "Outbound messages dead-lettered", labels).inc();
      break;
    }
  }
  if (!status.empty()) {
    const std::string error = status == "sent" ? std::string() : outcome.error;
    co_await emit_status(events_, item, std::move(status), error);
  }
}

boost::asio::awaitable<bool> OutboxDispatcher::fail_over(const OutboxItem& item,
                                                         const std::string& reason) {
  auto log = async::module_logger("services");
  const auto rule = failover_rule_from_text(item.account_config_json);
  if (!rule || !rule->applies_to(reason) || rule->target_account == item.channel_account_id) {
    co_return false;
  }
  auto target = co_await accounts_.get(rule->target_account);
  if (!target || !target->active) {
    log->warn("outbox {}: failover account {} is unavailable", item.id, rule->target_account);
    co_return false;
  }
  const auto identifier_type = address_identifier_type(target->channel);
  if (!identifier_type) co_return false;
  auto address = co_await outbox_.verified_address(item.customer_id, *identifier_type);
  if (!address || !*address) {
    log->info("outbox {}: no verified {} for failover", item.id, *identifier_type);
    co_return false;
  }
  const auto recipient = address_from_identifier(target->channel, **address);
  const auto note = "Sent by " + std::string(domain::to_string(target->channel)) + " (" +
                    target->name + ") because " + std::string(domain::to_string(item.channel)) +
                    " could not deliver: " + reason;
  auto moved = co_await outbox_.fail_over(item.id, reason, target->id, recipient, note);
  if (!moved) co_return false;
  metrics_
      .counter("cc_outbox_failovers_total", "Outbound messages handed to a failover channel",
               "reason=\"" + reason + "\"")
      .inc();
  log->info("outbox {}: failed over to channel account {} ({})", item.id, target->id, reason);
  nlohmann::json data{{"conversation_id", id_text(item.conversation_id)},
                      {"message", to_json(*moved)}};
  events_.publish("message.failed_over", data, item.conversation_id);
  // The reply's author learns where it went (the workbench shows the note in the thread).
  if (const auto author = item.message.sender_agent_id) {
    std::vector<AgentEvent> notes;
    notes.push_back(make_event(*author, "message.created", data));
    co_await events_.emit(std::move(notes));
  }
  wake();  // the new row is due now
  co_return true;
}

}  // namespace cc::services
