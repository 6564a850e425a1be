#pragma once
// The assignment engine's view of its queues, kept in memory and refreshed by every timer pass
// (about once a second): length and oldest wait for routing conditions (QueueStatsSource), and
// each queue's recent assignment rate for the expected wait told to waiting customers.
// Thread-safe: the router reads it on any thread while the pass replaces it.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/services/ports/assignment_store.hpp"
#include "cc/services/routing_facts.hpp"

namespace cc::services {

class QueueStatsCache final : public QueueStatsSource {
 public:
  // nullopt for a queue that does not exist (or before the first refresh).
  std::optional<QueueStats> stats(std::string_view queue) const override;

  // `loads` as answered by AssignmentStore::queue_loads(window), read at `now`.
  void update(const std::vector<AssignmentQueueLoad>& loads, domain::TimePoint now, std::chrono::seconds window);

  // How long the customer at `position` (1 = next) of `queue` may wait: position divided by the
  // queue's assignments per second over the window, rounded up to a minute. nullopt when the
  // queue assigned nothing lately (no basis for a figure).
  std::optional<std::chrono::minutes> expected_wait(std::string_view queue, int position) const;

 private:
  struct Entry {
    QueueStats stats;
    double per_second = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace cc::services
