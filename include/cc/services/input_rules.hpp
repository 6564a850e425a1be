#pragma once
// Rules every entry point applies to text it stores: display names, passwords, message bodies.
// One place, so an agent name and a channel name cannot drift apart in what they accept.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/error.hpp"

namespace cc::services {

// 1 to 200 bytes of UTF-8.
std::optional<Error> check_display_name(std::string_view name, std::string field = "/name");
// 10 to 200 bytes.
std::optional<Error> check_password_rule(std::string_view password);
// Non-empty, valid UTF-8, at most domain::kMaxMessageBytes.
std::optional<Error> check_message_content(std::string_view content, std::string field = "/content");

}  // namespace cc::services
