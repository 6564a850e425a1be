#pragma once
// Latency samples and percentiles for the load generator's report. Single-threaded (the
// generator runs on one io_context thread).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace cc::bench {

using Clock = std::chrono::steady_clock;

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

class Latencies {
 public:
  void add(double ms) { samples_.push_back(ms); }
  std::size_t count() const { return samples_.size(); }
  // The q-quantile (0..1) by nearest rank; 0 when empty.
  double quantile(double q) {
    if (samples_.empty()) return 0;
    if (!sorted_) std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(samples_.size() - 1) + 0.5);
    return samples_[std::min(rank, samples_.size() - 1)];
  }
  double max() { return quantile(1.0); }
  std::string summary();

 private:
  std::vector<double> samples_;
  bool sorted_ = false;
};

}  // namespace cc::bench
