#pragma once
// Message authentication with OpenSSL: HMAC-SHA256/SHA1, SHA-256/SHA1 digests, and a
// constant-time comparison for checking signatures received from outside.
#include <string>
#include <string_view>

namespace cc::crypto {

std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hmac_sha1(std::string_view key, std::string_view data);    // raw 20 bytes
std::string sha256(std::string_view data);                              // raw 32 bytes
std::string sha1(std::string_view data);                                // raw 20 bytes
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace cc::crypto
