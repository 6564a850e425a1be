#pragma once
// ISO-8601 UTC timestamps with millisecond precision, the API's one time format.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/types.hpp"

namespace cc::domain {

std::string format_time(TimePoint time);                       // 2026-11-23T10:50:52.123Z
std::optional<TimePoint> parse_time(std::string_view text);    // accepts Z or +00:00, optional ms

}  // namespace cc::domain
