#include "cc/domain/circuit_breaker.hpp"

namespace cc::domain {

std::string_view to_string(CircuitState state) {
  switch (state) {
    case CircuitState::closed: return "closed";
    case CircuitState::open: return "open";
    case CircuitState::half_open: return "half_open";
  }
  return "closed";
}

void CircuitBreaker::forget_before(Clock::time_point now) {
  while (!outcomes_.empty() && outcomes_.front().at + options_.window <= now) {
    if (outcomes_.front().failed) --failures_;
    outcomes_.pop_front();
  }
}

void CircuitBreaker::open(Clock::time_point now) {
  open_ = true;
  probe_in_flight_ = false;
  opened_at_ = now;
  ++times_opened_;
  outcomes_.clear();  // a fresh window after closing again: old failures must not reopen it
  failures_ = 0;
}

CircuitState CircuitBreaker::state(Clock::time_point now) const {
  if (!open_) return CircuitState::closed;
  return now >= retry_at() ? CircuitState::half_open : CircuitState::open;
}

bool CircuitBreaker::allow(Clock::time_point now) {
  switch (state(now)) {
    case CircuitState::closed: return true;
    case CircuitState::open: return false;
    case CircuitState::half_open:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return true;
}

void CircuitBreaker::record_success(Clock::time_point now) {
  if (open_) {  // the half-open probe succeeded
    open_ = false;
    probe_in_flight_ = false;
    return;
  }
  forget_before(now);
  outcomes_.push_back({now, false});
}

void CircuitBreaker::record_failure(Clock::time_point now) {
  if (open_) {  // the probe failed: wait a whole open period again
    open(now);
    return;
  }
  forget_before(now);
  outcomes_.push_back({now, true});
  ++failures_;
  const int calls = static_cast<int>(outcomes_.size());
  if (calls >= options_.min_calls &&
      static_cast<double>(failures_) >= options_.failure_ratio * static_cast<double>(calls)) {
    open(now);
  }
}

int CircuitBreaker::calls_in_window(Clock::time_point now) const {
  int count = 0;
  for (const auto& outcome : outcomes_) {
    if (outcome.at + options_.window > now) ++count;
  }
  return count;
}

int CircuitBreaker::failures_in_window(Clock::time_point now) const {
  int count = 0;
  for (const auto& outcome : outcomes_) {
    if (outcome.failed && outcome.at + options_.window > now) ++count;
  }
  return count;
}

}  // namespace cc::domain
