#include "cc/services/assignment_queue_stats.hpp"

#include <cmath>

namespace cc::services {

std::optional<QueueStats> QueueStatsCache::stats(std::string_view queue) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(queue);
  if (it == entries_.end()) return std::nullopt;
  return it->second.stats;
}

void QueueStatsCache::update(const std::vector<AssignmentQueueLoad>& loads, domain::TimePoint now,
                             std::chrono::seconds window) {
  std::map<std::string, Entry, std::less<>> fresh;
  const double seconds = std::max<double>(1.0, static_cast<double>(window.count()));
  for (const auto& load : loads) {
    Entry entry;
    entry.stats.length = load.waiting;
    if (load.oldest_entered_at && *load.oldest_entered_at < now) {
      entry.stats.oldest_wait_seconds = std::chrono::duration<double>(now - *load.oldest_entered_at).count();
    }
    entry.per_second = load.assigned_recently / seconds;
    fresh.emplace(load.queue, entry);
  }
  std::lock_guard lock(mutex_);
  entries_.swap(fresh);
}

std::optional<std::chrono::minutes> QueueStatsCache::expected_wait(std::string_view queue, int position) const {
  double per_second = 0;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(queue);
    if (it == entries_.end()) return std::nullopt;
    per_second = it->second.per_second;
  }
  if (per_second <= 0 || position <= 0) return std::nullopt;
  const auto minutes = std::ceil(position / per_second / 60.0);
  return std::chrono::minutes(static_cast<long long>(std::max(1.0, std::min(minutes, 24.0 * 60))));
}

}  // namespace cc::services
