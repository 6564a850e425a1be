#pragma once
// Strict parser for the application/x-www-form-urlencoded bodies Twilio posts to webhooks.
// Refuses (never crashes on) oversized bodies, too many or duplicated fields, bad percent
// escapes, odd field names and values that are not UTF-8: a refusal costs nothing, because the
// provider signs every field and a real request never has these shapes. Pure.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cc/domain/error.hpp"

namespace cc::channels::sms {

struct FormLimits {
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_fields = 200;
  std::size_t max_name_bytes = 64;
  std::size_t max_value_bytes = 16 * 1024;
};

// Decoded fields, sorted by name (the order Twilio's signature uses); names are unique.
class FormFields {
 public:
  FormFields() = default;
  explicit FormFields(std::vector<std::pair<std::string, std::string>> sorted)
      : fields_(std::move(sorted)) {}
  std::optional<std::string_view> get(std::string_view name) const;
  std::string value(std::string_view name) const { return std::string(get(name).value_or("")); }
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// too_large for a body over the limit; malformed for anything else it refuses.
Result<FormFields> parse_form(std::string_view body, const FormLimits& limits = {});

// Percent-decoding that refuses a '%' not followed by two hex digits; '+' is a space.
std::optional<std::string> strict_form_decode(std::string_view text);

}  // namespace cc::channels::sms
