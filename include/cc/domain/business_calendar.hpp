#pragma once
// A business-hours calendar: opening hours per weekday, holidays as local dates, and a time zone
// given as a UtcOffsetSource (the domain has no time-zone database; services adapts ICU, and
// FixedUtcOffset covers "+08:00"). Pure and immutable after make(): safe to share across threads.
// Used by ticket SLAs (due times, elapsed business time) and by routing ("outside hours").
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::domain {

// The zone: the offset of local time from UTC at a UTC instant (local = utc + offset).
class UtcOffsetSource {
 public:
  virtual ~UtcOffsetSource() = default;
  virtual std::chrono::seconds offset_at(TimePoint utc) const = 0;
};

class FixedUtcOffset final : public UtcOffsetSource {
 public:
  explicit FixedUtcOffset(std::chrono::seconds offset) : offset_(offset) {}
  std::chrono::seconds offset_at(TimePoint) const override { return offset_; }

 private:
  std::chrono::seconds offset_;
};

// "Z", "UTC", "+08:00", "-0530", "+8" -> the fixed offset; nullopt when not an offset.
std::optional<std::chrono::seconds> parse_utc_offset(std::string_view text);

// One opening interval of a day, in minutes after local midnight: [open, close).
struct OpeningInterval {
  int open_minute = 0;
  int close_minute = 0;
};

struct LocalDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  friend bool operator==(const LocalDate&, const LocalDate&) = default;
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

// "2026-12-25" -> LocalDate; "09:30" -> 570 ("24:00" -> 1440).
std::optional<LocalDate> parse_local_date(std::string_view text);
std::optional<int> parse_clock_minute(std::string_view text);

// Index 0 = Sunday ... 6 = Saturday (std::chrono::weekday's c_encoding).
using WeeklyHours = std::array<std::vector<OpeningInterval>, 7>;

class BusinessCalendar {
 public:
  // Refuses intervals outside 0..1440, empty or overlapping ones, and a week with no hours at all.
  static Result<BusinessCalendar> make(WeeklyHours hours, std::vector<LocalDate> holidays,
                                       std::shared_ptr<const UtcOffsetSource> zone);
  // Open around the clock, every day, in UTC: what an SLA without a calendar counts in.
  static BusinessCalendar always_open();

  bool is_open(TimePoint instant) const;
  // The instant at which `amount` business seconds have passed after `start`. When the start lies
  // outside hours, counting begins at the next opening. Zero -> start itself.
  TimePoint add_business_seconds(TimePoint start, std::chrono::seconds amount) const;
  // Business seconds in [from, to); zero when to <= from.
  std::chrono::seconds business_seconds_between(TimePoint from, TimePoint to) const;
  // The next instant >= `instant` at which the calendar is open.
  TimePoint next_open(TimePoint instant) const;

  const WeeklyHours& hours() const { return hours_; }
  const std::vector<LocalDate>& holidays() const { return holidays_; }

 private:
  BusinessCalendar(WeeklyHours hours, std::vector<LocalDate> holidays,
                   std::shared_ptr<const UtcOffsetSource> zone);
  struct Span {
    TimePoint begin;
    TimePoint end;
  };
  // The opening spans (in UTC) of the local day `day` (days since 1970-01-01, local).
  std::vector<Span> spans_of_local_day(std::int64_t day) const;
  std::int64_t local_day_of(TimePoint utc) const;
  TimePoint local_to_utc(std::int64_t local_seconds) const;
  bool is_holiday(std::int64_t day) const;

  WeeklyHours hours_;
  std::vector<LocalDate> holidays_;  // sorted
  std::shared_ptr<const UtcOffsetSource> zone_;
};

}  // namespace cc::domain
