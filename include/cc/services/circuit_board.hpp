#pragma once
// One circuit breaker per channel account, created on first use. Thread-safe (a mutex, never
// held across a suspension), so the outbox dispatcher updates it and the API reads it. Each
// state change is mirrored in the gauge cc_circuit_state{channel_account="N"} (0 closed,
// 1 open, 2 half-open). State is per instance: each instance learns of a failing provider from
// its own calls, which keeps working when Redis is down.
#include <map>
#include <mutex>
#include <vector>

#include "cc/domain/circuit_breaker.hpp"
#include "cc/domain/types.hpp"
#include "cc/metrics/registry.hpp"

namespace cc::services {

struct CircuitStatus {
  domain::Id channel_account_id = 0;
  domain::CircuitState state = domain::CircuitState::closed;
  int calls = 0;
  int failures = 0;
  std::int64_t times_opened = 0;
  std::chrono::milliseconds retry_in{0};  // while open: until a probe is let through
};

class CircuitBoard {
 public:
  using Clock = domain::CircuitBreaker::Clock;
  CircuitBoard(metrics::Registry& metrics, domain::CircuitOptions options = {});

  bool allow(domain::Id account, Clock::time_point now = Clock::now());
  void record(domain::Id account, bool success, Clock::time_point now = Clock::now());
  CircuitStatus status(domain::Id account, Clock::time_point now = Clock::now());
  std::vector<CircuitStatus> all(Clock::time_point now = Clock::now());

 private:
  domain::CircuitBreaker& breaker(domain::Id account);  // mutex held
  CircuitStatus status_locked(domain::Id account, domain::CircuitBreaker& breaker,
                              Clock::time_point now);
  void publish(domain::Id account, domain::CircuitState state);

  metrics::Registry& metrics_;
  domain::CircuitOptions options_;
  std::mutex mutex_;
  std::map<domain::Id, domain::CircuitBreaker> breakers_;
};

}  // namespace cc::services
