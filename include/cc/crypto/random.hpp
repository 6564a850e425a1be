#pragma once
// Cryptographically strong randomness (OpenSSL RAND_bytes) for tokens and ids.
#include <string>

namespace cc::crypto {

std::string random_bytes(std::size_t count);
// An opaque bearer token: 32 random bytes, URL-safe base64, with a readable prefix.
std::string new_token(std::string_view prefix);
// A random UUID v4 in canonical text form.
std::string new_uuid();

}  // namespace cc::crypto
