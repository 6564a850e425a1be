// CallDecisionBatcher against an in-memory store: calls that arrive while a batch is being
// decided form the next batch, results go back to the right callers, a failed batch fails each
// of its calls, and beyond max_waiting a call is refused at once. No sockets, no database, no
// sleeps: the fake store holds its first batch open on a timer that the test cancels.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cc/channels/voice/call_decision_batcher.hpp"

namespace cc::channels::voice {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using services::CallDecision;
using services::CallDecisionRequest;

// Gives call "c<n>" agent n (none for odd n); holds its first batch until release().
class HeldDecisionStore final : public services::CallDecisionStore {
 public:
  explicit HeldDecisionStore(asio::io_context& io) : gate_(io, asio::steady_timer::time_point::max()) {}
  void release() {
    released_ = true;
    gate_.cancel();
  }

  awaitable<Result<std::vector<CallDecision>>> decide_calls(std::vector<CallDecisionRequest> batch) override {
    batch_sizes.push_back(batch.size());
    if (batch_sizes.size() == 1 && !released_) co_await gate_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (fail_next) {
      fail_next = false;
      co_return Error::unavailable("database down");
    }
    std::vector<CallDecision> out;
    for (const auto& request : batch) {
      const auto n = std::stoll(request.claim.call_id.substr(1));
      CallDecision decision;
      decision.customer_id = 1000 + n;
      if (n % 2 == 0) decision.agent = services::VoiceClaim{n, "sip:" + std::to_string(n) + "@pbx"};
      out.push_back(std::move(decision));
    }
    co_return out;
  }

  std::vector<std::size_t> batch_sizes;
  bool fail_next = false;

 private:
  asio::steady_timer gate_;
  bool released_ = false;
};

struct Fixture {
  explicit Fixture(CallDecisionBatcherOptions options = {}) : batcher(io.get_executor(), store, metrics, options) {}
  asio::io_context io;
  metrics::Registry metrics;
  HeldDecisionStore store{io};
  CallDecisionBatcher batcher;
  std::map<int, Result<CallDecision>> results;

  void call(int n) {
    CallDecisionRequest request;
    request.claim.call_id = "c" + std::to_string(n);
    asio::co_spawn(io, batcher.decide(std::move(request)),
                   [this, n](std::exception_ptr error, Result<CallDecision> result) {
                     ASSERT_FALSE(error);
                     results.emplace(n, std::move(result));
                   });
  }
};

TEST(CallDecisionBatcher, CallsArrivingDuringABatchFormTheNextOne) {
  Fixture f(CallDecisionBatcherOptions{64, 1000});
  f.call(0);
  f.io.poll();  // the first call's batch is held open
  for (int n = 1; n <= 40; ++n) f.call(n);
  f.io.poll();
  EXPECT_EQ(f.store.batch_sizes, std::vector<std::size_t>{1});
  EXPECT_TRUE(f.results.empty());
  f.store.release();
  f.io.run();
  EXPECT_EQ(f.store.batch_sizes, (std::vector<std::size_t>{1, 40}));
  ASSERT_EQ(f.results.size(), 41u);
  for (const auto& [n, result] : f.results) {
    ASSERT_TRUE(result) << n;
    EXPECT_EQ(result->customer_id, 1000 + n);  // each caller gets its own answer
    EXPECT_EQ(result->agent.has_value(), n % 2 == 0) << n;
    if (result->agent) {
      EXPECT_EQ(result->agent->agent_id, n);
    }
  }
}

TEST(CallDecisionBatcher, ABatchIsCappedAtMaxBatch) {
  Fixture f(CallDecisionBatcherOptions{16, 1000});
  f.call(0);
  f.io.poll();
  for (int n = 1; n <= 40; ++n) f.call(n);
  f.io.poll();
  f.store.release();
  f.io.run();
  EXPECT_EQ(f.store.batch_sizes, (std::vector<std::size_t>{1, 16, 16, 8}));
  EXPECT_EQ(f.results.size(), 41u);
}

TEST(CallDecisionBatcher, AFailedBatchFailsEachOfItsCallsAndTheNextBatchStillRuns) {
  Fixture f;
  f.call(0);
  f.io.poll();
  f.store.fail_next = true;
  f.call(2);
  f.io.poll();
  f.store.release();
  f.io.run();
  ASSERT_EQ(f.results.size(), 2u);
  ASSERT_FALSE(f.results.at(0));
  EXPECT_EQ(f.results.at(0).error().code, ErrorCode::unavailable);
  ASSERT_TRUE(f.results.at(2));  // the next batch was decided normally
  EXPECT_EQ(f.results.at(2)->agent->agent_id, 2);
}

TEST(CallDecisionBatcher, BeyondMaxWaitingACallIsRefusedAtOnce) {
  Fixture f(CallDecisionBatcherOptions{64, 3});
  f.call(0);
  f.io.poll();  // one in flight
  f.call(1);
  f.call(2);    // three undecided now
  f.call(3);    // refused
  f.io.poll();
  ASSERT_EQ(f.results.size(), 1u);
  ASSERT_FALSE(f.results.at(3));
  EXPECT_EQ(f.results.at(3).error().code, ErrorCode::rate_limited);
  f.store.release();
  f.io.run();
  EXPECT_EQ(f.results.size(), 4u);
  EXPECT_TRUE(f.results.at(1));
  EXPECT_TRUE(f.results.at(2));
  EXPECT_EQ(f.store.batch_sizes, (std::vector<std::size_t>{1, 2}));
  f.call(4);  // room again once they were decided
  f.io.restart();
  f.io.run();
  ASSERT_TRUE(f.results.at(4));
}

}  // namespace
}  // namespace cc::channels::voice
