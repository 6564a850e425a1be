#pragma once
// Group commit for call decisions: INVITEs that arrive while one batch is being decided wait
// together and go to the store as the next batch (one transaction, one commit), so the cost per
// call falls as the rate rises instead of the queue growing. Admission is bounded: beyond
// `max_waiting` undecided calls a new one is refused at once (rate_limited), which the redirect
// server answers with 503 + Retry-After rather than answering every caller late. Thread-safe.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include "cc/async/completion.hpp"
#include "cc/async/group_commit_queue.hpp"
#include "cc/metrics/registry.hpp"
#include "cc/services/ports/call_decisions.hpp"

namespace cc::channels::voice {

struct CallDecisionBatcherOptions {
  std::size_t max_batch = 256;     // calls per transaction
  std::size_t max_waiting = 2000;  // undecided calls beyond which new ones are refused (~1 s at 2,000/s)
};

class CallDecisionBatcher {
 public:
  CallDecisionBatcher(boost::asio::any_io_executor executor, services::CallDecisionStore& store,
                      metrics::Registry& metrics, CallDecisionBatcherOptions options = {});

  boost::asio::awaitable<Result<services::CallDecision>> decide(services::CallDecisionRequest request);

 private:
  struct Pending {
    services::CallDecisionRequest request;
    async::Completion<Result<services::CallDecision>> completion;
  };
  void enqueue(Pending pending);
  boost::asio::awaitable<void> flush_loop();

  boost::asio::any_io_executor executor_;
  services::CallDecisionStore& store_;
  CallDecisionBatcherOptions options_;
  metrics::Histogram& batch_seconds_;
  metrics::Counter& batched_calls_;
  async::GroupCommitQueue<Pending> pending_;
};

}  // namespace cc::channels::voice
