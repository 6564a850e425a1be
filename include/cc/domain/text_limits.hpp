#pragma once
// Size limits on user-supplied text and a UTF-8 validity check, shared by every entry point.
#include <cstddef>
#include <string>
#include <string_view>

namespace cc::domain {

inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;
inline constexpr std::size_t kMaxNameBytes = 200;
inline constexpr std::size_t kMaxClientIdBytes = 128;

bool is_valid_utf8(std::string_view text);
// A short single-line preview of a message, cut on a UTF-8 boundary.
std::string preview_of(std::string_view text, std::size_t max_bytes = 120);

}  // namespace cc::domain
