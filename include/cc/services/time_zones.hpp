#pragma once
// Time zones for BusinessCalendar: IANA names ("Asia/Shanghai") through ICU's zone database, and
// fixed offsets ("+08:00", "UTC") without it. The returned source is immutable and thread-safe.
#include <memory>
#include <string_view>

#include "cc/domain/business_calendar.hpp"
#include "cc/domain/error.hpp"

namespace cc::services {

// invalid (field "time_zone") for a name ICU does not know and that is not an offset.
Result<std::shared_ptr<const domain::UtcOffsetSource>> make_time_zone(std::string_view name);

}  // namespace cc::services
