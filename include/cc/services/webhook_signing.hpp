#pragma once
// Standard Webhooks signing (https://www.standardwebhooks.com): secrets are "whsec_" + base64 of
// random bytes; a message is signed as "v1," + base64(HMAC-SHA256(secret bytes,
// id "." timestamp "." body)). Used by the webhook dispatcher and the API channel's sender.
// Pure functions; thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::services {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";

// "whsec_" + base64 of 32 random bytes.
std::string new_webhook_secret();
// The key bytes of a "whsec_..." secret (base64 after the prefix); nullopt when malformed.
std::optional<std::string> webhook_secret_bytes(std::string_view secret);
// "v1,<base64 signature>"; nullopt when the secret is malformed.
std::optional<std::string> webhook_signature(std::string_view secret, std::string_view id,
                                             std::int64_t timestamp, std::string_view body);
// The webhook-signature header value: one space-separated "v1,..." entry per secret (two during
// a rotation's overlap). Malformed secrets are skipped.
std::string webhook_signature_header(const std::vector<std::string>& secrets, std::string_view id,
                                     std::int64_t timestamp, std::string_view body);
// webhook-id, webhook-timestamp, webhook-signature and content-type for one POST.
std::vector<std::pair<std::string, std::string>> webhook_headers(
    const std::vector<std::string>& secrets, const std::string& id, std::int64_t timestamp,
    std::string_view body);

}  // namespace cc::services
