#include "cc/crypto/password.hpp"

#include <argon2.h>

#include <stdexcept>

#include "cc/crypto/random.hpp"

namespace cc::crypto {
namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

std::string hash_password(std::string_view password, const PasswordPolicy& policy) {
  const auto salt = random_bytes(kSaltBytes);
  const auto encoded_length =
      argon2_encodedlen(policy.time_cost, policy.memory_kib, policy.parallelism,
                        kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(encoded_length, '\0');
  const int rc = argon2id_hash_encoded(policy.time_cost, policy.memory_kib, policy.parallelism,
                                       password.data(), password.size(), salt.data(),
                                       salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view encoded_hash) {
  const std::string encoded(encoded_hash);  // argon2 wants a NUL-terminated string
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace cc::crypto
