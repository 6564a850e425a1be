// The gap-filling rules of one agent WebSocket session: every event, live, replayed or re-read
// from the store, is sent once; re-reads start at a floor that only rises past what was surely
// sent; re-reads are scheduled while the bus is down, when it returns, and as a slow audit.
#include <gtest/gtest.h>

#include <vector>

#include "cc/api/agent_event_ledger.hpp"

namespace cc::api {
namespace {

using namespace std::chrono_literals;
using Clock = AgentEventLedger::Clock;
const Clock::time_point t0{std::chrono::hours(1)};

// What a re-read of the store sends: the stored seqs above the floor that were not sent yet.
std::vector<std::int64_t> reread(AgentEventLedger& ledger, const std::vector<std::int64_t>& store,
                                 Clock::time_point now) {
  std::vector<std::int64_t> sent;
  for (auto seq : store) {
    if (ledger.floor() && seq <= *ledger.floor()) continue;  // WHERE id > floor
    if (ledger.admit(seq, now)) sent.push_back(seq);
  }
  return sent;
}

TEST(AgentEventLedger, SendsEachSeqOnceWhateverTheOrder) {
  AgentEventLedger ledger(10);
  EXPECT_TRUE(ledger.admit(12, t0));
  EXPECT_FALSE(ledger.admit(12, t0));  // the replay's copy and the live copy
  EXPECT_TRUE(ledger.admit(11, t0));   // committed later by another writer: still sent
  EXPECT_EQ(ledger.floor(), 10);
}

TEST(AgentEventLedger, FreshSessionTakesItsFloorFromTheFirstEvent) {
  AgentEventLedger ledger;
  EXPECT_FALSE(ledger.floor());
  EXPECT_TRUE(ledger.admit(40, t0));
  EXPECT_EQ(ledger.floor(), 39);
  EXPECT_TRUE(ledger.admit(38, t0));  // a lower live event is not refused
}

TEST(AgentEventLedger, OutageEventsOfTheOtherInstanceAreFilledOnceWithoutRepeats) {
  // While Redis is down the session gets this instance's 21 and 23 live; the other instance
  // stored 20, 22 and 24 meanwhile. A re-read sends exactly the three it lacks, a second none.
  AgentEventLedger ledger(19);
  EXPECT_TRUE(ledger.admit(21, t0));
  EXPECT_TRUE(ledger.admit(23, t0));
  const std::vector<std::int64_t> store{20, 21, 22, 23, 24};
  EXPECT_EQ(reread(ledger, store, t0 + 1s), (std::vector<std::int64_t>{20, 22, 24}));
  EXPECT_TRUE(reread(ledger, store, t0 + 2s).empty());
  EXPECT_FALSE(ledger.admit(22, t0 + 3s));  // a late live copy once the bus is back
}

TEST(AgentEventLedger, FloorRisesOnlyPastWhatWasSentBeforeTheSettleWindow) {
  AgentEventLedger ledger(100);
  ASSERT_TRUE(ledger.admit(101, t0));
  ASSERT_TRUE(ledger.admit(105, t0 + 20s));
  // A complete read that began 30 s after 101 was sent: an event below 101 would have committed
  // by then and been read. 105 was sent 10 s before the read, inside the 15 s window: a lower
  // seq may still have been uncommitted, so the floor stops at 101.
  ledger.settle(t0 + 30s, 15s);
  EXPECT_EQ(ledger.floor(), 101);
  EXPECT_EQ(ledger.tracked(), 1u);
  EXPECT_FALSE(ledger.admit(105, t0 + 31s));
  EXPECT_TRUE(ledger.admit(103, t0 + 31s));  // committed late, still sent
  ledger.settle(t0 + 60s, 15s);
  EXPECT_EQ(ledger.floor(), 105);
  EXPECT_EQ(ledger.tracked(), 0u);
}

TEST(AgentEventLedger, SettleNeverLowersTheFloorAndIgnoresAFreshSession) {
  AgentEventLedger resumed(500);
  resumed.settle(t0, 15s);
  EXPECT_EQ(resumed.floor(), 500);
  AgentEventLedger fresh;
  fresh.settle(t0, 15s);
  EXPECT_FALSE(fresh.floor());
}

TEST(AgentEventLedger, MemoryIsBoundedByRaisingTheFloor) {
  AgentEventLedger ledger(0, 4);
  for (std::int64_t seq = 1; seq <= 6; ++seq) EXPECT_TRUE(ledger.admit(seq, t0));
  EXPECT_EQ(ledger.tracked(), 4u);
  EXPECT_EQ(ledger.floor(), 2);
  EXPECT_FALSE(ledger.admit(6, t0));
}

TEST(GapFillSchedule, QuietWhileTheBusIsUpExceptTheAudit) {
  GapFillSchedule schedule({}, t0, true);
  EXPECT_FALSE(schedule.due(t0 + 1s, true));
  EXPECT_FALSE(schedule.due(t0 + 59s, true));
  EXPECT_TRUE(schedule.due(t0 + 60s, true));
  EXPECT_FALSE(schedule.due(t0 + 61s, true));
}

TEST(GapFillSchedule, PollsDuringAnOutageAndAtOnceWhenTheBusReturns) {
  GapFillSchedule schedule({}, t0, true);
  EXPECT_FALSE(schedule.due(t0 + 1s, false));
  EXPECT_TRUE(schedule.due(t0 + 2s, false));
  EXPECT_FALSE(schedule.due(t0 + 3s, false));
  EXPECT_TRUE(schedule.due(t0 + 4s, false));
  EXPECT_TRUE(schedule.due(t0 + 4500ms, true));  // reconnected: at once
  // Then every poll interval through the grace period (other instances reconnect later)...
  EXPECT_FALSE(schedule.due(t0 + 5s, true));
  EXPECT_TRUE(schedule.due(t0 + 6500ms, true));
  EXPECT_TRUE(schedule.due(t0 + 30s, true));
  // ...and back to the audit pace after it.
  EXPECT_FALSE(schedule.due(t0 + 40s, true));
  EXPECT_FALSE(schedule.due(t0 + 80s, true));
  EXPECT_TRUE(schedule.due(t0 + 90s, true));
}

TEST(GapFillSchedule, SessionOpenedDuringAnOutageReadsWhenTheBusReturns) {
  GapFillSchedule schedule({}, t0, false);
  EXPECT_FALSE(schedule.due(t0 + 1s, false));
  EXPECT_TRUE(schedule.due(t0 + 1500ms, true));
}

}  // namespace
}  // namespace cc::api
