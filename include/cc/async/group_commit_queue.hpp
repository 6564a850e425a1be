#pragma once
// The queue behind group commit (IngestService, EventDispatcher, the SIP CallDecisionBatcher):
// callers push work; one flush loop at a time takes whatever has arrived as its next batch, so
// while one batch is being committed the next one forms. push() says when the caller must start
// the loop (none is running); take() returns an empty batch exactly once the queue is drained,
// and the loop must end then. Optional admission bound: items waiting plus the batch in flight.
// Thread-safe.
//
// A deque: items leave by move-construction from the front (Boost 1.81's any_completion_handler
// move-assignment recurses forever, so no vector::erase of items holding completions).
#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <mutex>
#include <vector>

namespace cc::async {

enum class Pushed { start_loop, queued, refused };

template <class Item>
class GroupCommitQueue {
 public:
  explicit GroupCommitQueue(std::size_t max_waiting = std::numeric_limits<std::size_t>::max())
      : max_waiting_(max_waiting) {}

  // On `refused` the item is left untouched in the caller's hands.
  Pushed push(Item& item) {
    std::lock_guard lock(mutex_);
    if (pending_.size() + in_flight_ >= max_waiting_) return Pushed::refused;
    pending_.push_back(std::move(item));
    if (flushing_) return Pushed::queued;
    flushing_ = true;
    return Pushed::start_loop;
  }

  // The next batch of at most `max_batch` items, oldest first; empty when none is waiting (the
  // loop ends: the next push starts a new one).
  std::vector<Item> take(std::size_t max_batch) {
    std::lock_guard lock(mutex_);
    std::vector<Item> batch;
    const auto count = std::min(pending_.size(), max_batch);
    batch.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      batch.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    in_flight_ = count;
    if (count == 0) flushing_ = false;
    return batch;
  }

 private:
  const std::size_t max_waiting_;
  std::mutex mutex_;
  std::deque<Item> pending_;
  std::size_t in_flight_ = 0;  // items of the batch being committed
  bool flushing_ = false;
};

}  // namespace cc::async
