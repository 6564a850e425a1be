// BusinessCalendar: business-time arithmetic across nights, weekends, holidays, zones and DST.
#include "cc/domain/business_calendar.hpp"

#include <gtest/gtest.h>

#include "cc/domain/time_format.hpp"
#include "cc/services/time_zones.hpp"

namespace cc::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TimePoint at(const char* iso) { return *parse_time(iso); }

// Monday-Friday 09:00-17:00 at UTC+08:00, Christmas 2026 (a Friday) off.
BusinessCalendar office(std::shared_ptr<const UtcOffsetSource> zone =
                            std::make_shared<FixedUtcOffset>(hours(8))) {
  WeeklyHours week;
  for (int day = 1; day <= 5; ++day) week[day].push_back({9 * 60, 17 * 60});
  return BusinessCalendar::make(week, {LocalDate{2026, 12, 25}}, std::move(zone)).value();
}

TEST(BusinessCalendar, AddingWithinOneDayStaysOnThatDay) {
  // Monday 10:00 local = 02:00Z.
  EXPECT_EQ(office().add_business_seconds(at("2026-11-23T02:00:00Z"), hours(3)),
            at("2026-11-23T05:00:00Z"));
}

TEST(BusinessCalendar, AddingAcrossTheNightResumesAtNextOpening) {
  // Monday 16:00 local + 2 h = Tuesday 10:00 local.
  EXPECT_EQ(office().add_business_seconds(at("2026-11-23T08:00:00Z"), hours(2)),
            at("2026-11-24T02:00:00Z"));
}

TEST(BusinessCalendar, AddingAcrossTheWeekendSkipsSaturdayAndSunday) {
  // Friday 16:30 local + 1 h = Monday 09:30 local.
  EXPECT_EQ(office().add_business_seconds(at("2026-11-27T08:30:00Z"), hours(1)),
            at("2026-11-30T01:30:00Z"));
}

TEST(BusinessCalendar, AddingAcrossAHolidaySkipsIt) {
  // Thursday 24 Dec 16:00 local + 2 h: Friday is Christmas, so Monday 28 Dec 10:00 local.
  EXPECT_EQ(office().add_business_seconds(at("2026-12-24T08:00:00Z"), hours(2)),
            at("2026-12-28T02:00:00Z"));
}

TEST(BusinessCalendar, StartingOutsideHoursCountsFromTheNextOpening) {
  // Saturday noon local + 30 min = Monday 09:30 local.
  EXPECT_EQ(office().add_business_seconds(at("2026-11-28T04:00:00Z"), minutes(30)),
            at("2026-11-30T01:30:00Z"));
  EXPECT_EQ(office().next_open(at("2026-11-28T04:00:00Z")), at("2026-11-30T01:00:00Z"));
}

TEST(BusinessCalendar, ZeroIsTheStartItself) {
  const auto saturday = at("2026-11-28T04:00:00Z");
  EXPECT_EQ(office().add_business_seconds(saturday, seconds(0)), saturday);
}

TEST(BusinessCalendar, SecondsBetweenCountOnlyOpenTime) {
  const auto calendar = office();
  // Friday 16:00 local -> Monday 10:00 local: one hour each side of the weekend.
  EXPECT_EQ(calendar.business_seconds_between(at("2026-11-27T08:00:00Z"), at("2026-11-30T02:00:00Z")),
            hours(2));
  // A whole week is five eight-hour days.
  EXPECT_EQ(calendar.business_seconds_between(at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z")),
            hours(40));
  // The Christmas week has four.
  EXPECT_EQ(calendar.business_seconds_between(at("2026-12-21T00:00:00Z"), at("2026-12-28T00:00:00Z")),
            hours(32));
  EXPECT_EQ(calendar.business_seconds_between(at("2026-11-30T02:00:00Z"), at("2026-11-27T08:00:00Z")),
            seconds(0));
}

TEST(BusinessCalendar, AddAndBetweenAgree) {
  const auto calendar = office();
  const auto start = at("2026-11-20T09:13:00Z");
  for (int minutes_to_add : {1, 59, 480, 481, 2400, 9999}) {
    const auto end = calendar.add_business_seconds(start, minutes(minutes_to_add));
    EXPECT_EQ(calendar.business_seconds_between(start, end), minutes(minutes_to_add))
        << minutes_to_add;
  }
}

TEST(BusinessCalendar, IsOpenFollowsLocalHours) {
  const auto calendar = office();
  EXPECT_TRUE(calendar.is_open(at("2026-11-23T01:00:00Z")));   // Monday 09:00 local
  EXPECT_FALSE(calendar.is_open(at("2026-11-23T09:00:00Z")));  // Monday 17:00 local
  EXPECT_FALSE(calendar.is_open(at("2026-11-22T03:00:00Z")));  // Sunday
  EXPECT_FALSE(calendar.is_open(at("2026-12-25T03:00:00Z")));  // Christmas
}

TEST(BusinessCalendar, SplitDaysAndNegativeOffsets) {
  WeeklyHours week;
  week[3] = {{14 * 60, 18 * 60}, {8 * 60, 12 * 60}};  // Wednesday, given out of order
  auto calendar =
      BusinessCalendar::make(week, {}, std::make_shared<FixedUtcOffset>(hours(-5))).value();
  // Wednesday 25 Nov 11:00 local (16:00Z) + 2 h = 15:00 local (20:00Z), across the lunch gap.
  EXPECT_EQ(calendar.add_business_seconds(at("2026-11-25T16:00:00Z"), hours(2)),
            at("2026-11-25T20:00:00Z"));
}

TEST(BusinessCalendar, IcuZoneFollowsDaylightSavingTime) {
  auto zone = services::make_time_zone("America/New_York");
  ASSERT_TRUE(zone.has_value());
  WeeklyHours week;
  for (int day = 1; day <= 5; ++day) week[day].push_back({9 * 60, 17 * 60});
  auto calendar = BusinessCalendar::make(week, {}, *zone).value();
  // Friday 30 Oct 2026 16:00 EDT (20:00Z) + 2 h: DST ends on 1 Nov, Monday 10:00 EST is 15:00Z.
  EXPECT_EQ(calendar.add_business_seconds(at("2026-10-30T20:00:00Z"), hours(2)),
            at("2026-11-02T15:00:00Z"));
}

TEST(BusinessCalendar, RefusesBadDefinitions) {
  auto zone = std::make_shared<FixedUtcOffset>(seconds(0));
  WeeklyHours empty;
  EXPECT_FALSE(BusinessCalendar::make(empty, {}, zone).has_value());
  WeeklyHours overlapping;
  overlapping[1] = {{60, 600}, {500, 700}};
  EXPECT_FALSE(BusinessCalendar::make(overlapping, {}, zone).has_value());
  WeeklyHours inverted;
  inverted[1] = {{600, 60}};
  EXPECT_FALSE(BusinessCalendar::make(inverted, {}, zone).has_value());
  WeeklyHours fine;
  fine[1] = {{0, 1440}};
  EXPECT_FALSE(BusinessCalendar::make(fine, {}, nullptr).has_value());
  EXPECT_FALSE(services::make_time_zone("Mars/Olympus_Mons").has_value());
  EXPECT_FALSE(services::make_time_zone("").has_value());
}

TEST(BusinessCalendar, ParsesOffsetsDatesAndClockTimes) {
  EXPECT_EQ(parse_utc_offset("+08:00"), hours(8));
  EXPECT_EQ(parse_utc_offset("-0530"), -(hours(5) + minutes(30)));
  EXPECT_EQ(parse_utc_offset("UTC"), seconds(0));
  EXPECT_FALSE(parse_utc_offset("+25:00").has_value());
  EXPECT_FALSE(parse_utc_offset("Asia/Shanghai").has_value());
  EXPECT_EQ(parse_local_date("2026-12-25"), (LocalDate{2026, 12, 25}));
  EXPECT_FALSE(parse_local_date("2026-02-30").has_value());
  EXPECT_EQ(parse_clock_minute("09:30"), 570);
  EXPECT_EQ(parse_clock_minute("24:00"), 1440);
  EXPECT_FALSE(parse_clock_minute("24:30").has_value());
  EXPECT_FALSE(parse_clock_minute("9:30").has_value());
}

TEST(BusinessCalendar, AlwaysOpenCountsWallClockTime) {
  const auto calendar = BusinessCalendar::always_open();
  EXPECT_EQ(calendar.add_business_seconds(at("2026-11-28T04:00:00Z"), hours(50)),
            at("2026-11-30T06:00:00Z"));
}

}  // namespace
}  // namespace cc::domain
