#include "cc/channels/voice/call_decision_batcher.hpp"

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"

namespace cc::channels::voice {

namespace asio = boost::asio;
using services::CallDecision;

CallDecisionBatcher::CallDecisionBatcher(asio::any_io_executor executor, services::CallDecisionStore& store,
                                         metrics::Registry& metrics, CallDecisionBatcherOptions options)
    : executor_(std::move(executor)),
      store_(store),
      options_(options),
      batch_seconds_(metrics.histogram("cc_sip_decision_batch_seconds", "Time to decide one batch of new calls")),
      batched_calls_(metrics.counter("cc_sip_decision_batched_calls_total", "New calls decided in batches")),
      pending_(options.max_waiting) {}

asio::awaitable<Result<CallDecision>> CallDecisionBatcher::decide(services::CallDecisionRequest request) {
  return async::await_completion<Result<CallDecision>>(
      [this, request = std::move(request)](auto completion) mutable {
        enqueue(Pending{std::move(request), std::move(completion)});
      });
}

void CallDecisionBatcher::enqueue(Pending pending) {
  switch (pending_.push(pending)) {
    case async::Pushed::refused:
      std::move(pending.completion).succeed(Error{ErrorCode::rate_limited, "too many calls waiting for a decision", {}});
      return;
    case async::Pushed::start_loop:
      async::spawn_logged(executor_, flush_loop(), "call decision loop");
      return;
    case async::Pushed::queued:  // the running loop takes it with the next batch
      return;
  }
}

asio::awaitable<void> CallDecisionBatcher::flush_loop() {
  for (;;) {
    auto batch = pending_.take(options_.max_batch);
    if (batch.empty()) co_return;
    std::vector<services::CallDecisionRequest> requests;
    requests.reserve(batch.size());
    for (auto& item : batch) requests.push_back(std::move(item.request));  // not read again

    const auto started = std::chrono::steady_clock::now();
    Result<std::vector<CallDecision>> decided = Error::unavailable("not attempted");
    try {
      decided = co_await store_.decide_calls(std::move(requests));
    } catch (const std::exception& e) {
      async::module_logger("voice")->error("call decision batch of {} failed: {}", batch.size(), e.what());
      decided = Error::unavailable("the call decision store failed");
    }
    batch_seconds_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    batched_calls_.inc(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (decided && i < decided->size()) {
        std::move(batch[i].completion).succeed(std::move((*decided)[i]));
      } else {
        std::move(batch[i].completion).succeed(decided ? Error::unavailable("no decision returned") : decided.error());
      }
    }
  }
}

}  // namespace cc::channels::voice
