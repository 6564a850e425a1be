#include "cc/services/input_rules.hpp"

#include "cc/domain/text_limits.hpp"

namespace cc::services {

std::optional<Error> check_display_name(std::string_view name, std::string field) {
  if (name.empty() || name.size() > domain::kMaxNameBytes || !domain::is_valid_utf8(name)) {
    return Error::invalid("name must be 1 to 200 bytes of UTF-8", std::move(field));
  }
  return std::nullopt;
}

std::optional<Error> check_password_rule(std::string_view password) {
  if (password.size() < 10 || password.size() > 200) {
    return Error::invalid("password must be 10 to 200 characters", "/password");
  }
  return std::nullopt;
}

std::optional<Error> check_message_content(std::string_view content, std::string field) {
  if (content.empty()) return Error::invalid("content must not be empty", field);
  if (content.size() > domain::kMaxMessageBytes) {
    return Error::invalid("content exceeds " + std::to_string(domain::kMaxMessageBytes) + " bytes",
                          field);
  }
  if (!domain::is_valid_utf8(content)) return Error::invalid("content must be UTF-8", field);
  return std::nullopt;
}

}  // namespace cc::services
