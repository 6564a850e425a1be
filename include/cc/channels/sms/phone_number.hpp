#pragma once
// A small E.164 normaliser (libphonenumber is not available here, so no per-country
// validation): full-width digits and plus become ASCII; spaces, dashes, dots and brackets are
// dropped; a 00 prefix becomes +; a number without + gets `default_country_code` (one national
// trunk 0 dropped first). The result is + and 7 to 15 digits. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace cc::channels::sms {

// nullopt when the text is not a phone number, or has no + and no default country code.
std::optional<std::string> normalize_e164(std::string_view raw,
                                          std::string_view default_country_code = {});

}  // namespace cc::channels::sms
