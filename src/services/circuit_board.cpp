#include "cc/services/circuit_board.hpp"

namespace cc::services {

CircuitBoard::CircuitBoard(metrics::Registry& metrics, domain::CircuitOptions options)
    : metrics_(metrics), options_(options) {}

domain::CircuitBreaker& CircuitBoard::breaker(domain::Id account) {
  return breakers_.try_emplace(account, options_).first->second;
}

void CircuitBoard::publish(domain::Id account, domain::CircuitState state) {
  const auto labels = "channel_account=\"" + std::to_string(account) + "\"";
  metrics_
      .gauge("cc_circuit_state", "Circuit per channel account: 0 closed, 1 open, 2 half-open",
             labels)
      .set(static_cast<std::int64_t>(state));
}

bool CircuitBoard::allow(domain::Id account, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& circuit = breaker(account);
  const bool allowed = circuit.allow(now);
  publish(account, circuit.state(now));
  return allowed;
}

void CircuitBoard::record(domain::Id account, bool success, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& circuit = breaker(account);
  const auto before = circuit.times_opened();
  if (success) {
    circuit.record_success(now);
  } else {
    circuit.record_failure(now);
  }
  if (circuit.times_opened() != before) {
    metrics_
        .counter("cc_circuit_opened_total", "Times a channel account's circuit opened",
                 "channel_account=\"" + std::to_string(account) + "\"")
        .inc();
  }
  publish(account, circuit.state(now));
}

CircuitStatus CircuitBoard::status_locked(domain::Id account, domain::CircuitBreaker& circuit,
                                          Clock::time_point now) {
  CircuitStatus status;
  status.channel_account_id = account;
  status.state = circuit.state(now);
  status.calls = circuit.calls_in_window(now);
  status.failures = circuit.failures_in_window(now);
  status.times_opened = circuit.times_opened();
  if (status.state == domain::CircuitState::open) {
    status.retry_in =
        std::chrono::duration_cast<std::chrono::milliseconds>(circuit.retry_at() - now);
  }
  return status;
}

CircuitStatus CircuitBoard::status(domain::Id account, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return status_locked(account, breaker(account), now);
}

std::vector<CircuitStatus> CircuitBoard::all(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<CircuitStatus> statuses;
  for (auto& [account, circuit] : breakers_) statuses.push_back(status_locked(account, circuit, now));
  return statuses;
}

}  // namespace cc::services
