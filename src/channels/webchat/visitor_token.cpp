#include "cc/channels/webchat/visitor_token.hpp"

#include <nlohmann/json.hpp>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"

namespace cc::channels::webchat {
namespace {
constexpr std::string_view kPrefix = "vt1.";
constexpr std::size_t kMaxTokenBytes = 1024;
}  // namespace

std::string issue_visitor_token(const VisitorClaims& claims, std::string_view secret_key) {
  const nlohmann::json body{{"v", claims.visitor_id},
                            {"c", claims.customer_id},
                            {"a", claims.channel_account_id},
                            {"e", claims.expires_at}};
  const std::string signed_part = std::string(kPrefix) + crypto::base64url_encode(body.dump());
  return signed_part + "." + crypto::base64url_encode(crypto::hmac_sha256(secret_key, signed_part));
}

std::optional<VisitorClaims> verify_visitor_token(std::string_view token, std::string_view secret_key,
                                                  std::int64_t now_unix_seconds) {
  if (token.size() > kMaxTokenBytes || token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto dot = token.rfind('.');
  if (dot <= kPrefix.size()) return std::nullopt;
  const auto signed_part = token.substr(0, dot);
  const auto expected = crypto::base64url_encode(crypto::hmac_sha256(secret_key, signed_part));
  if (!crypto::constant_time_equal(expected, token.substr(dot + 1))) return std::nullopt;
  const auto payload = crypto::base64_decode(signed_part.substr(kPrefix.size()));
  if (!payload) return std::nullopt;
  const auto body = nlohmann::json::parse(*payload, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return std::nullopt;
  try {
    VisitorClaims claims{body.at("v").get<std::string>(), body.at("c").get<domain::Id>(),
                         body.at("a").get<domain::Id>(), body.at("e").get<std::int64_t>()};
    if (claims.expires_at <= now_unix_seconds) return std::nullopt;
    return claims;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string identity_signature(std::string_view identity_secret, std::string_view type,
                               std::string_view value) {
  return crypto::to_hex(
      crypto::hmac_sha256(identity_secret, std::string(type) + ":" + std::string(value)));
}

bool verify_identity_signature(std::string_view identity_secret, std::string_view type,
                               std::string_view value, std::string_view signature_hex) {
  if (identity_secret.empty()) return false;
  std::string lower(signature_hex);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return crypto::constant_time_equal(identity_signature(identity_secret, type, value), lower);
}

}  // namespace cc::channels::webchat
