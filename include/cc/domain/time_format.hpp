#pragma once
// ISO-8601 UTC timestamps with millisecond precision, the API's one time format.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/types.hpp"

namespace cc::domain {

std::string format_time(TimePoint time);                       // 2026-11-23T10:50:52.123Z
// Accepts Z or +00:00 and optional milliseconds; years 1970-2200 only.
std::optional<TimePoint> parse_time(std::string_view text);

}  // namespace cc::domain
