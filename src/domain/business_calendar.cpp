#include "cc/domain/business_calendar.hpp"

#include <algorithm>
#include <charconv>

namespace cc::domain {
namespace {

using std::chrono::seconds;
constexpr std::int64_t kDay = 86400;
// Walks at most ten years of days: a calendar whose every day is a holiday cannot loop forever.
constexpr std::int64_t kHorizonDays = 3660;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t epoch_seconds(TimePoint t) {
  return std::chrono::floor<seconds>(t.time_since_epoch()).count();
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::chrono::seconds> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "UTC" || text == "Etc/UTC" || text == "GMT") return seconds(0);
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  std::string_view rest = text.substr(1);
  std::string_view hours_text = rest;
  std::string_view minutes_text;
  if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    hours_text = rest.substr(0, colon);
    minutes_text = rest.substr(colon + 1);
  } else if (rest.size() == 4) {
    hours_text = rest.substr(0, 2);
    minutes_text = rest.substr(2);
  }
  if (hours_text.empty() || hours_text.size() > 2) return std::nullopt;
  auto hours = parse_int(hours_text);
  std::optional<int> minutes = minutes_text.empty() ? std::optional<int>(0) : parse_int(minutes_text);
  if (!hours || !minutes || *hours > 14 || *minutes > 59 || (!minutes_text.empty() && minutes_text.size() != 2)) {
    return std::nullopt;
  }
  return seconds(sign * (*hours * 3600 + *minutes * 60));
}

std::optional<LocalDate> parse_local_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = parse_int(text.substr(0, 4));
  auto month = parse_int(text.substr(5, 2));
  auto day = parse_int(text.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *year < 1970 || *year > 2200) return std::nullopt;
  return LocalDate{*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)};
}

std::optional<int> parse_clock_minute(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto hours = parse_int(text.substr(0, 2));
  auto minutes = parse_int(text.substr(3, 2));
  if (!hours || !minutes || *minutes > 59 || *hours > 24) return std::nullopt;
  if (*hours == 24 && *minutes != 0) return std::nullopt;
  return *hours * 60 + *minutes;
}

BusinessCalendar::BusinessCalendar(WeeklyHours hours, std::vector<LocalDate> holidays,
                                   std::shared_ptr<const UtcOffsetSource> zone)
    : hours_(std::move(hours)), holidays_(std::move(holidays)), zone_(std::move(zone)) {}

Result<BusinessCalendar> BusinessCalendar::make(WeeklyHours hours, std::vector<LocalDate> holidays,
                                                std::shared_ptr<const UtcOffsetSource> zone) {
  if (!zone) return Error::invalid("a calendar needs a time zone", "time_zone");
  bool any_open = false;
  for (std::size_t weekday = 0; weekday < hours.size(); ++weekday) {
    auto& day = hours[weekday];
    std::sort(day.begin(), day.end(), [](const OpeningInterval& a, const OpeningInterval& b) {
      return a.open_minute < b.open_minute;
    });
    for (std::size_t i = 0; i < day.size(); ++i) {
      const auto& interval = day[i];
      if (interval.open_minute < 0 || interval.close_minute > 1440 ||
          interval.open_minute >= interval.close_minute) {
        return Error::invalid("opening intervals must lie within 00:00-24:00 and not be empty",
                              "hours");
      }
      if (i > 0 && day[i - 1].close_minute > interval.open_minute) {
        return Error::invalid("opening intervals of a day must not overlap", "hours");
      }
      any_open = true;
    }
  }
  if (!any_open) return Error::invalid("a calendar needs opening hours on at least one day", "hours");
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  return BusinessCalendar(std::move(hours), std::move(holidays), std::move(zone));
}

BusinessCalendar BusinessCalendar::always_open() {
  WeeklyHours hours;
  for (auto& day : hours) day.push_back({0, 1440});
  return BusinessCalendar(std::move(hours), {}, std::make_shared<FixedUtcOffset>(seconds(0)));
}

std::int64_t BusinessCalendar::local_day_of(TimePoint utc) const {
  return floor_div(epoch_seconds(utc) + zone_->offset_at(utc).count(), kDay);
}

TimePoint BusinessCalendar::local_to_utc(std::int64_t local_seconds) const {
  // Two passes: the offset in force near the local time, then at the guessed instant (DST edges).
  const TimePoint as_utc{seconds(local_seconds)};
  const auto first = zone_->offset_at(as_utc);
  const TimePoint guess{seconds(local_seconds - first.count())};
  const auto second = zone_->offset_at(guess);
  return TimePoint{seconds(local_seconds - second.count())};
}

bool BusinessCalendar::is_holiday(std::int64_t day) const {
  if (holidays_.empty()) return false;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  const LocalDate date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day())};
  return std::binary_search(holidays_.begin(), holidays_.end(), date);
}

std::vector<BusinessCalendar::Span> BusinessCalendar::spans_of_local_day(std::int64_t day) const {
  std::vector<Span> spans;
  if (is_holiday(day)) return spans;
  const std::chrono::weekday weekday{std::chrono::sys_days{std::chrono::days{day}}};
  for (const auto& interval : hours_[weekday.c_encoding()]) {
    const std::int64_t midnight = day * kDay;
    spans.push_back({local_to_utc(midnight + interval.open_minute * 60),
                     local_to_utc(midnight + interval.close_minute * 60)});
  }
  return spans;
}

bool BusinessCalendar::is_open(TimePoint instant) const {
  const auto day = local_day_of(instant);
  for (std::int64_t d = day - 1; d <= day + 1; ++d) {
    for (const auto& span : spans_of_local_day(d)) {
      if (span.begin <= instant && instant < span.end) return true;
    }
  }
  return false;
}

TimePoint BusinessCalendar::next_open(TimePoint instant) const {
  const auto first_day = local_day_of(instant) - 1;
  for (std::int64_t d = first_day; d < first_day + kHorizonDays; ++d) {
    for (const auto& span : spans_of_local_day(d)) {
      if (span.end > instant) return std::max(span.begin, instant);
    }
  }
  return instant;
}

TimePoint BusinessCalendar::add_business_seconds(TimePoint start, std::chrono::seconds amount) const {
  if (amount <= seconds(0)) return start;
  auto remaining = std::chrono::duration_cast<TimePoint::duration>(amount);
  TimePoint cursor = start;
  const auto first_day = local_day_of(start) - 1;
  for (std::int64_t d = first_day; d < first_day + kHorizonDays; ++d) {
    for (const auto& span : spans_of_local_day(d)) {
      if (span.end <= cursor) continue;
      const TimePoint from = std::max(span.begin, cursor);
      const auto available = span.end - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
      cursor = span.end;
    }
  }
  return cursor + remaining;  // beyond the horizon: count the rest as calendar time
}

std::chrono::seconds BusinessCalendar::business_seconds_between(TimePoint from, TimePoint to) const {
  if (to <= from) return seconds(0);
  TimePoint::duration total{0};
  const auto last_day = local_day_of(to) + 1;
  const auto first_day = std::max(local_day_of(from) - 1, last_day - kHorizonDays);
  for (std::int64_t d = first_day; d <= last_day; ++d) {
    for (const auto& span : spans_of_local_day(d)) {
      const TimePoint begin = std::max(span.begin, from);
      const TimePoint end = std::min(span.end, to);
      if (end > begin) total += end - begin;
    }
  }
  return std::chrono::duration_cast<seconds>(total);
}

}  // namespace cc::domain
