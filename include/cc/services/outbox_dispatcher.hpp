#pragma once
// Sends what agents wrote. Claims due outbox rows (leased, SKIP LOCKED), hands each to its
// channel's sender, and records the outcome: sent, retry later with exponential backoff and
// jitter, or dead-lettered after max_attempts. Runs as one coroutine on its own strand;
// wake() is thread-safe and is called after a reply commits so delivery does not wait for a poll.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <map>

#include "cc/metrics/registry.hpp"
#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

struct OutboxOptions {
  int batch = 100;
  std::chrono::seconds lease{30};
  std::chrono::milliseconds poll{1000};
  int max_attempts = 8;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
};

// The wait before attempt `attempt` (1-based), exponential with +-20 % jitter from `unit_random`.
std::chrono::milliseconds backoff_delay(const OutboxOptions& options, int attempt,
                                        double unit_random);

class OutboxDispatcher {
 public:
  OutboxDispatcher(boost::asio::any_io_executor executor, OutboxRepository& outbox,
                   metrics::Registry& metrics, OutboxOptions options = {});
  void register_sender(domain::Channel channel, ChannelSender& sender);
  void start();
  void wake();
  void stop();

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<int> dispatch_due();
  boost::asio::awaitable<void> deliver(const OutboxItem& item);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  OutboxRepository& outbox_;
  metrics::Registry& metrics_;
  OutboxOptions options_;
  std::map<domain::Channel, ChannelSender*> senders_;
  bool wake_pending_ = false;  // strand only
  bool stopped_ = false;       // strand only
};

}  // namespace cc::services
