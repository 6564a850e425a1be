#pragma once
// Bookkeeping for one agent WebSocket session, kept pure (no I/O, the caller passes the time) so
// the gap-filling rules are unit-tested on their own.
//
// Agent event seqs are the agent_events row ids: one PostgreSQL sequence shared by every agent
// and instance, so an agent's seqs are increasing but not contiguous, and a missing number is not
// a sign of a lost event. A lost event is one that was stored but whose bus delivery never came
// (Redis down, or another instance's publisher down): the only way to find it is to re-read the
// store. So the session re-reads "everything after its floor" when there is reason to doubt the
// bus (see GapFillSchedule) and the ledger makes every event, live, replayed or re-read, reach
// the client once.
//
// AgentEventLedger: `floor` is where a re-read starts: every stored event with a seq at or below
// it has been sent (or was the client's before this session: its resume point). Seqs above the
// floor that were sent are remembered with the time they were sent. After a complete re-read that
// began at T, every event whose seq was allocated before T - settle had committed (settle bounds
// the time between taking a seq and committing it) and so was read and sent; since seqs are taken
// in increasing order, the floor can move up to the highest seq sent before T - settle.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace cc::api {

class AgentEventLedger {
 public:
  using Clock = std::chrono::steady_clock;

  // resume_after: the client's last seq when it resumes; nullopt for a fresh session, whose
  // floor becomes the seq before the first event it is sent.
  explicit AgentEventLedger(std::optional<std::int64_t> resume_after = std::nullopt,
                            std::size_t max_tracked = 2048)
      : floor_(resume_after), max_tracked_(max_tracked) {}

  // True the first time `seq` is offered: the caller sends the event. Lower seqs than ones sent
  // are still admitted (two writers may commit in either order).
  bool admit(std::int64_t seq, Clock::time_point now) {
    if (!floor_) floor_ = seq - 1;
    if (!sent_.emplace(seq, now).second) return false;
    if (sent_.size() > max_tracked_) {  // bounded memory: forget the oldest, the floor rises
      floor_ = std::max(*floor_, sent_.begin()->first);
      sent_.erase(sent_.begin());
    }
    return true;
  }

  // Where a re-read of the store starts; nullopt until the session has a floor (a fresh session
  // before its first event has nothing it could have missed that it would be shown).
  std::optional<std::int64_t> floor() const { return floor_; }

  // After a complete re-read (every page) that began at read_started.
  void settle(Clock::time_point read_started, Clock::duration settle) {
    if (!floor_) return;
    const auto cutoff = read_started - settle;
    std::int64_t settled = *floor_;
    for (const auto& [seq, sent_at] : sent_) {
      if (sent_at <= cutoff) settled = std::max(settled, seq);
    }
    floor_ = settled;
    sent_.erase(sent_.begin(), sent_.upper_bound(settled));
  }

  std::size_t tracked() const { return sent_.size(); }

 private:
  std::optional<std::int64_t> floor_;
  std::map<std::int64_t, Clock::time_point> sent_;  // seqs above floor_ that were sent
  std::size_t max_tracked_;
};

// When a session re-reads the store. Every tick the caller says whether the bus is connected:
// - while it is down, every `outage_poll` (this instance's events arrive live, the others' only
//   through the store);
// - at once when it comes back, then every `outage_poll` for `recovery_grace` (other instances'
//   publishers may reconnect later than this subscriber, and drop what they publish meanwhile);
// - otherwise every `audit`: a cheap indexed read that also catches what no signal reveals (a
//   Redis blip shorter than a tick, or another instance cut off from Redis alone).
class GapFillSchedule {
 public:
  using Clock = std::chrono::steady_clock;
  struct Timing {
    Clock::duration outage_poll = std::chrono::seconds(2);
    Clock::duration recovery_grace = std::chrono::seconds(30);
    Clock::duration audit = std::chrono::seconds(60);
  };

  GapFillSchedule(Timing timing, Clock::time_point now, bool bus_connected)
      : timing_(timing), connected_(bus_connected), last_read_(now) {}

  // Whether to re-read now; the caller then re-reads (whatever the outcome, the next one waits
  // its interval, so a failing database is not hammered).
  bool due(Clock::time_point now, bool bus_connected) {
    const bool reconnected = bus_connected && !connected_;
    connected_ = bus_connected;
    if (reconnected) recovered_at_ = now;
    bool read = false;
    if (reconnected) {
      read = true;
    } else if (!bus_connected || (recovered_at_ && now - *recovered_at_ < timing_.recovery_grace)) {
      read = now - last_read_ >= timing_.outage_poll;
    } else {
      read = now - last_read_ >= timing_.audit;
    }
    if (read) last_read_ = now;
    return read;
  }

 private:
  Timing timing_;
  bool connected_;
  Clock::time_point last_read_;
  std::optional<Clock::time_point> recovered_at_;
};

}  // namespace cc::api
