#pragma once
// Sends what agents wrote. Claims due outbox rows (leased, SKIP LOCKED, so instances share the
// work), and sends them in waves: at most one message per conversation per wave (so a customer
// receives replies in order) and up to `parallel` provider calls at once. Each wave is recorded
// as started before its calls (begin_attempts), so after a crash an unfinished call is known to
// be in doubt and is reconciled with the provider instead of being sent twice.
// Outcomes: sent; retry later with exponential backoff and jitter; dead-lettered after
// max_attempts or a permanent error (an agent may retry it); or, when the channel cannot reach
// the customer (circuit open, 48-hour window, opted out, dead letter), handed to the account's
// failover rule. Runs on its own strand; wake() and stop() are thread-safe.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <map>
#include <memory>

#include "cc/metrics/registry.hpp"
#include "cc/services/circuit_board.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/polling_loop.hpp"
#include "cc/services/ports/channel_account_repository.hpp"
#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

struct OutboxOptions {
  int batch = 100;
  int parallel = 32;  // provider calls in flight per wave
  std::chrono::seconds lease{30};
  std::chrono::milliseconds poll{1000};
  int max_attempts = 8;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
};

// The wait before attempt `attempt` (1-based), exponential with +-20 % jitter from `unit_random`.
std::chrono::milliseconds backoff_delay(const OutboxOptions& options, int attempt,
                                        double unit_random);

// Splits claimed rows into waves: each wave holds at most one row per conversation and at most
// `parallel` rows; rows of one conversation keep their order across waves. Pure.
std::vector<std::vector<OutboxItem>> plan_waves(std::vector<OutboxItem> items, int parallel);

class OutboxDispatcher {
 public:
  OutboxDispatcher(boost::asio::any_io_executor executor, OutboxRepository& outbox,
                   ChannelAccountRepository& accounts, EventDispatcher& events,
                   CircuitBoard& circuits, metrics::Registry& metrics, OutboxOptions options = {});
  void register_sender(domain::Channel channel, ChannelSender& sender);
  void start() { loop_.start(); }
  void wake() { loop_.wake(); }
  void stop() { loop_.stop(); }

 private:
  struct Wave;
  boost::asio::awaitable<int> dispatch_due();
  boost::asio::awaitable<void> run_wave(std::vector<OutboxItem> items);
  boost::asio::awaitable<void> deliver(OutboxItem item, std::shared_ptr<Wave> wave);
  boost::asio::awaitable<SendOutcome> attempt(const OutboxItem& item, ChannelSender& sender);
  boost::asio::awaitable<void> record(const OutboxItem& item, SendOutcome outcome);
  // Hands the row to the account's failover rule for `reason`; false when no rule applies or
  // the customer has no address on the target channel.
  boost::asio::awaitable<bool> fail_over(const OutboxItem& item, const std::string& reason);

  OutboxRepository& outbox_;
  ChannelAccountRepository& accounts_;
  EventDispatcher& events_;
  CircuitBoard& circuits_;
  metrics::Registry& metrics_;
  OutboxOptions options_;
  std::map<domain::Channel, ChannelSender*> senders_;
  PollingLoop loop_;  // last: its pass uses the members above
};

}  // namespace cc::services
