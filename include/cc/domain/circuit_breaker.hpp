#pragma once
// A circuit breaker for one provider endpoint (a channel account, a webhook URL). Closed: calls
// go through and outcomes are counted over a sliding time window; when at least min_calls were
// made in the window and the failure ratio reaches the threshold it opens. Open: calls are
// refused until open_for has passed, then it is half-open and lets one probe call through; the
// probe's success closes it, its failure opens it again. Not thread-safe: the owner serialises
// calls (the outbox dispatcher's strand). Time is passed in, so tests drive it without sleeping.
#include <chrono>
#include <cstdint>
#include <deque>
#include <string_view>

namespace cc::domain {

struct CircuitOptions {
  double failure_ratio = 0.30;
  int min_calls = 20;
  std::chrono::milliseconds window{60000};
  std::chrono::milliseconds open_for{30000};
};

enum class CircuitState { closed, open, half_open };
std::string_view to_string(CircuitState state);

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CircuitBreaker(CircuitOptions options = {}) : options_(options) {}

  // May a call be made now? In half-open, true for one probe at a time.
  bool allow(Clock::time_point now);
  void record_success(Clock::time_point now);
  void record_failure(Clock::time_point now);

  CircuitState state(Clock::time_point now) const;
  int calls_in_window(Clock::time_point now) const;
  int failures_in_window(Clock::time_point now) const;
  // When an open circuit will let a probe through (meaningful while open).
  Clock::time_point retry_at() const { return opened_at_ + options_.open_for; }
  std::int64_t times_opened() const { return times_opened_; }

 private:
  struct Outcome {
    Clock::time_point at;
    bool failed;
  };
  void forget_before(Clock::time_point now);
  void open(Clock::time_point now);

  CircuitOptions options_;
  std::deque<Outcome> outcomes_;  // within the window, oldest first
  int failures_ = 0;              // failed entries in outcomes_
  bool open_ = false;
  bool probe_in_flight_ = false;
  Clock::time_point opened_at_{};
  std::int64_t times_opened_ = 0;
};

}  // namespace cc::domain
