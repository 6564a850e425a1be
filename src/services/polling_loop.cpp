#include "cc/services/polling_loop.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"

namespace cc::services {

PollingLoop::PollingLoop(boost::asio::any_io_executor executor, std::string name, Pass pass,
                         int batch, std::chrono::milliseconds poll)
    : strand_(boost::asio::make_strand(executor)),
      timer_(strand_),
      name_(std::move(name)),
      pass_(std::move(pass)),
      batch_(batch),
      poll_(poll) {}

void PollingLoop::start() {
  boost::asio::post(strand_, [this] {
    if (started_ || stopped_) return;
    started_ = true;
    async::spawn_logged(strand_, run(), name_);
  });
}

void PollingLoop::wake() {
  boost::asio::post(strand_, [this] {
    wake_pending_ = true;
    timer_.cancel();
  });
}

void PollingLoop::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

boost::asio::awaitable<void> PollingLoop::run() {
  auto log = async::module_logger("services");
  while (!stopped_) {
    wake_pending_ = false;
    int handled = 0;
    try {
      handled = co_await pass_();
    } catch (const std::exception& e) {
      log->error("{} pass failed: {}", name_, e.what());
    }
    if (stopped_) break;
    if (handled >= batch_ || wake_pending_) continue;  // more may be due right away
    timer_.expires_after(poll_);
    co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

}  // namespace cc::services
