// The libphonenumber adapter (Debian's libphonenumber8 runtime; headers from the -dev package
// extracted by scripts/fetch_libphonenumber_headers.sh, see docs/identity.md). Kept in one
// translation unit: its headers pull in protobuf.
#include <phonenumbers/phonenumberutil.h>

#include "cc/services/identity_text.hpp"

namespace cc::services {

std::optional<std::string> libphonenumber_e164(std::string_view raw, std::string_view region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const auto* util = PhoneNumberUtil::GetInstance();  // thread-safe after first use
  PhoneNumber number;
  if (util->Parse(std::string(raw), std::string(region), &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  if (!util->IsValidNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace cc::services
