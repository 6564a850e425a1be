#pragma once
// Hex and base64 (standard and URL-safe) codecs, table-driven, for tokens and signatures.
#include <optional>
#include <string>
#include <string_view>

namespace cc::crypto {

std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // no padding

}  // namespace cc::crypto
