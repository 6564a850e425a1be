// SLA timers in business time with an injected clock: nights, weekends, holidays and pauses.
#include <gtest/gtest.h>

#include "cc/domain/sla.hpp"
#include "cc/domain/time_format.hpp"

namespace cc::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint at(const char* iso) { return *parse_time(iso); }

// Monday-Friday 09:00-17:00 UTC, 25 Dec 2026 (a Friday) off.
BusinessCalendar office() {
  WeeklyHours week;
  for (int day = 1; day <= 5; ++day) week[day].push_back({9 * 60, 17 * 60});
  return BusinessCalendar::make(week, {LocalDate{2026, 12, 25}},
                                std::make_shared<FixedUtcOffset>(std::chrono::seconds(0)))
      .value();
}

SlaTargets targets() {
  SlaTargets t;
  t.first_reply = hours(4);
  t.next_reply = hours(2);
  t.resolution = hours(16);
  t.warning_percent = 75;
  return t;
}

TEST(TicketSla, PolicyConditionsMatchEveryListedFact) {
  SlaConditions conditions;
  conditions.priorities = {"high", "urgent"};
  conditions.tiers = {"gold"};
  EXPECT_TRUE(sla_conditions_match(conditions, {"urgent", "gold", "webchat", "incident"}));
  EXPECT_FALSE(sla_conditions_match(conditions, {"normal", "gold", "webchat", "incident"}));
  EXPECT_FALSE(sla_conditions_match(conditions, {"urgent", "standard", "", "incident"}));
  EXPECT_TRUE(sla_conditions_match(SlaConditions{}, {"low", "standard", "", "question"}));
}

TEST(TicketSla, DueTimesSkipTheNightAndTheWeekend) {
  // Friday 15:00: first reply (4 h) is Monday 11:00; resolution (16 h) is Tuesday 15:00.
  const auto clock = start_sla(targets(), office(), at("2026-11-27T15:00:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::first_reply), at("2026-11-30T11:00:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::resolution), at("2026-12-01T15:00:00Z"));
  EXPECT_FALSE(clock.due_of(SlaTarget::next_reply).has_value());
  EXPECT_EQ(next_due(clock)->target, SlaTarget::first_reply);
}

TEST(TicketSla, DueTimesSkipHolidays) {
  // Thursday 24 Dec 16:00 + 4 h: one hour on Thursday, Christmas off, then Monday 12:00.
  const auto clock = start_sla(targets(), office(), at("2026-12-24T16:00:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::first_reply), at("2026-12-28T12:00:00Z"));
}

TEST(TicketSla, PauseKeepsTheBusinessTimeLeftAndResumeSpendsIt) {
  const auto calendar = office();
  auto clock = start_sla(targets(), calendar, at("2026-11-23T09:00:00Z"));  // Monday
  EXPECT_EQ(clock.due_of(SlaTarget::first_reply), at("2026-11-23T13:00:00Z"));
  // Pending at 10:00 (3 h left), resumed on Wednesday 16:00: 1 h that day, due Thursday 11:00.
  pause_sla(clock, calendar, at("2026-11-23T10:00:00Z"));
  EXPECT_FALSE(next_due(clock).has_value());
  EXPECT_EQ(clock.remaining[0], hours(3));
  EXPECT_EQ(sla_status_at(clock, targets(), calendar, at("2026-11-25T12:00:00Z")), "paused");
  pause_sla(clock, calendar, at("2026-11-24T10:00:00Z"));  // idempotent: no time lost
  EXPECT_EQ(clock.remaining[0], hours(3));
  resume_sla(clock, calendar, at("2026-11-25T16:00:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::first_reply), at("2026-11-26T11:00:00Z"));
  // Resolution had 15 h left at the pause: Wednesday 16:00 + 15 h = Friday 15:00.
  EXPECT_EQ(clock.due_of(SlaTarget::resolution), at("2026-11-27T15:00:00Z"));
}

TEST(TicketSla, NextReplyStartsOnlyAfterTheFirstReplyWasMet) {
  const auto calendar = office();
  auto clock = start_sla(targets(), calendar, at("2026-11-23T09:00:00Z"));
  start_next_reply(clock, targets(), calendar, at("2026-11-23T09:30:00Z"));
  EXPECT_FALSE(clock.due_of(SlaTarget::next_reply).has_value());
  meet_replies(clock);
  EXPECT_FALSE(clock.due_of(SlaTarget::first_reply).has_value());
  start_next_reply(clock, targets(), calendar, at("2026-11-23T16:00:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::next_reply), at("2026-11-24T10:00:00Z"));
  // A second customer message does not push the due time back.
  start_next_reply(clock, targets(), calendar, at("2026-11-24T09:30:00Z"));
  EXPECT_EQ(clock.due_of(SlaTarget::next_reply), at("2026-11-24T10:00:00Z"));
}

TEST(TicketSla, WarningFiresWhenTheThresholdOfBusinessTimeHasPassed) {
  const auto calendar = office();
  // 4 h target due Monday 11:00 (started Friday 15:00), warning at 75%: 1 h before due in
  // business time, Monday 10:00.
  EXPECT_EQ(warning_instant(at("2026-11-30T11:00:00Z"), hours(4), 75, calendar,
                            at("2026-11-27T15:00:00Z")),
            at("2026-11-30T10:00:00Z"));
  // Already inside the warning window: now.
  EXPECT_EQ(warning_instant(at("2026-11-30T11:00:00Z"), hours(4), 75, calendar,
                            at("2026-11-30T10:30:00Z")),
            at("2026-11-30T10:30:00Z"));
}

TEST(TicketSla, StatusMovesFromOkToWarningToBreached) {
  const auto calendar = office();
  const auto clock = start_sla(targets(), calendar, at("2026-11-27T15:00:00Z"));
  EXPECT_EQ(sla_status_at(clock, targets(), calendar, at("2026-11-28T12:00:00Z")), "ok");
  EXPECT_EQ(sla_status_at(clock, targets(), calendar, at("2026-11-30T10:15:00Z")), "warning");
  EXPECT_EQ(sla_status_at(clock, targets(), calendar, at("2026-11-30T11:00:00Z")), "breached");
  auto stopped = clock;
  stop_sla(stopped);
  EXPECT_EQ(sla_status_at(stopped, targets(), calendar, at("2026-11-30T11:00:00Z")), "none");
}

}  // namespace
}  // namespace cc::domain
