#pragma once
// Password hashing with argon2id (libargon2), in the PHC string format so parameters can change
// without invalidating stored hashes. CPU-heavy: callers run it off the I/O threads.
#include <string>
#include <string_view>

namespace cc::crypto {

struct PasswordPolicy {
  unsigned time_cost = 2;
  unsigned memory_kib = 19 * 1024;  // OWASP's argon2id baseline
  unsigned parallelism = 1;
};

std::string hash_password(std::string_view password, const PasswordPolicy& policy = {});
bool verify_password(std::string_view password, std::string_view encoded_hash);

}  // namespace cc::crypto
