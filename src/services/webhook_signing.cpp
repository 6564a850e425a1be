#include "cc/services/webhook_signing.hpp"

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/crypto/random.hpp"

namespace cc::services {

std::string new_webhook_secret() {
  return std::string(kWebhookSecretPrefix) + crypto::base64_encode(crypto::random_bytes(32));
}

std::optional<std::string> webhook_secret_bytes(std::string_view secret) {
  if (secret.substr(0, kWebhookSecretPrefix.size()) != kWebhookSecretPrefix) return std::nullopt;
  auto bytes = crypto::base64_decode(secret.substr(kWebhookSecretPrefix.size()));
  if (!bytes || bytes->size() < 16 || bytes->size() > 64) return std::nullopt;
  return bytes;
}

std::optional<std::string> webhook_signature(std::string_view secret, std::string_view id,
                                             std::int64_t timestamp, std::string_view body) {
  auto key = webhook_secret_bytes(secret);
  if (!key) return std::nullopt;
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + crypto::base64_encode(crypto::hmac_sha256(*key, signed_content));
}

std::string webhook_signature_header(const std::vector<std::string>& secrets, std::string_view id,
                                     std::int64_t timestamp, std::string_view body) {
  std::string header;
  for (const auto& secret : secrets) {
    auto signature = webhook_signature(secret, id, timestamp, body);
    if (!signature) continue;
    if (!header.empty()) header += ' ';
    header += *signature;
  }
  return header;
}

std::vector<std::pair<std::string, std::string>> webhook_headers(
    const std::vector<std::string>& secrets, const std::string& id, std::int64_t timestamp,
    std::string_view body) {
  return {{"content-type", "application/json"},
          {"webhook-id", id},
          {"webhook-timestamp", std::to_string(timestamp)},
          {"webhook-signature", webhook_signature_header(secrets, id, timestamp, body)}};
}

}  // namespace cc::services
