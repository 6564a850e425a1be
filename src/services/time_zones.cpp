#include "cc/services/time_zones.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <string>

namespace cc::services {
namespace {

// ICU's TimeZone::getOffset is const and needs no locking; the object is never mutated after
// construction, so one instance serves every thread.
class IcuUtcOffsets final : public domain::UtcOffsetSource {
 public:
  explicit IcuUtcOffsets(std::unique_ptr<icu::TimeZone> zone) : zone_(std::move(zone)) {}

  std::chrono::seconds offset_at(domain::TimePoint utc) const override {
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(utc.time_since_epoch()).count();
    int32_t raw = 0;
    int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone_->getOffset(static_cast<UDate>(millis), false, raw, dst, status);
    if (U_FAILURE(status)) return std::chrono::seconds(0);
    return std::chrono::seconds((raw + dst) / 1000);
  }

 private:
  std::unique_ptr<icu::TimeZone> zone_;
};

}  // namespace

Result<std::shared_ptr<const domain::UtcOffsetSource>> make_time_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Error::invalid("time_zone must be an IANA zone name or a UTC offset", "time_zone");
  }
  if (auto offset = domain::parse_utc_offset(name)) {
    return std::shared_ptr<const domain::UtcOffsetSource>(
        std::make_shared<domain::FixedUtcOffset>(*offset));
  }
  const auto id = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  // ICU answers an unknown id with the "Etc/Unknown" zone instead of an error.
  if (!zone || *zone == icu::TimeZone::getUnknown()) {
    return Error::invalid("unknown time zone: " + std::string(name), "time_zone");
  }
  return std::shared_ptr<const domain::UtcOffsetSource>(
      std::make_shared<IcuUtcOffsets>(std::move(zone)));
}

}  // namespace cc::services
