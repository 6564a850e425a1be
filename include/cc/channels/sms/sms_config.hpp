#pragma once
// An SMS channel account's config (kept exactly in this shape; acceptance checks use it):
//   account_sid, auth_token, from_number, api_base_url (default https://api.twilio.com),
//   public_base_url (the external base URL the provider signs), optional help_text and
//   default_country_code (for numbers that arrive without +). Pure.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/error.hpp"

namespace cc::channels::sms {

inline constexpr const char* kDefaultApiBaseUrl = "https://api.twilio.com";

struct SmsConfig {
  std::string account_sid;
  std::string auth_token;
  std::string from_number;
  std::string api_base_url = kDefaultApiBaseUrl;
  std::string public_base_url;
  std::optional<std::string> help_text;
  std::string default_country_code;
};

// The ChannelAccountService validator: nullopt when acceptable, else invalid with the field.
std::optional<Error> validate_sms_config(const nlohmann::json& config);
// Parses stored config text (validated when it was saved; checked again here).
Result<SmsConfig> parse_sms_config(std::string_view config_json);

}  // namespace cc::channels::sms
