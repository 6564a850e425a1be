#pragma once
// The loop behind the outbox and webhook dispatchers: run a pass, run the next one at once when
// the pass was full or someone called wake(), otherwise wait `poll`. A pass that throws is
// logged and the loop goes on. Everything runs on the loop's strand; start() (idempotent),
// wake() and stop() are thread-safe.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace cc::services {

class PollingLoop {
 public:
  // Returns how many items the pass handled; `batch` or more means more may be due right away.
  using Pass = std::function<boost::asio::awaitable<int>()>;

  PollingLoop(boost::asio::any_io_executor executor, std::string name, Pass pass, int batch,
              std::chrono::milliseconds poll);

  void start();
  void wake();
  void stop();
  boost::asio::strand<boost::asio::any_io_executor>& strand() { return strand_; }
  bool stopping() const { return stopped_; }  // strand only

 private:
  boost::asio::awaitable<void> run();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  std::string name_;
  Pass pass_;
  int batch_;
  std::chrono::milliseconds poll_;
  bool started_ = false;       // strand only
  bool wake_pending_ = false;  // strand only
  bool stopped_ = false;       // strand only
};

}  // namespace cc::services
