#include "cc/domain/cursor.hpp"

#include <charconv>

namespace cc::domain {
namespace {
// The cursor is "c" + the id in base 36: short, URL-safe, and visibly not a plain id.
constexpr std::string_view kPrefix = "c";
}  // namespace

std::string encode_cursor(Id last_id) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, last_id, 36);
  (void)ec;
  return std::string(kPrefix) + std::string(buffer, end);
}

std::optional<Id> decode_cursor(std::string_view cursor) {
  if (cursor.size() < 2 || cursor.size() > 20 || cursor.substr(0, 1) != kPrefix) {
    return std::nullopt;
  }
  const auto digits = cursor.substr(1);
  Id value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 36);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value < 0) return std::nullopt;
  return value;
}

int clamp_page_size(std::optional<int> requested, int fallback, int max) {
  if (!requested || *requested < 1) return fallback;
  return *requested > max ? max : *requested;
}

}  // namespace cc::domain
