#pragma once
// Web chat visitor credentials. A visitor token is stateless: "vt1.<claims>.<mac>", claims as
// base64url JSON and the MAC an HMAC-SHA256 with the server's secret key, so any instance can
// check it without a database read. Identity signatures let a host site vouch for who the visitor
// is: hex(HMAC-SHA256(channel identity_secret, "<type>:<value>")).
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/types.hpp"

namespace cc::channels::webchat {

struct VisitorClaims {
  std::string visitor_id;
  domain::Id customer_id = 0;
  domain::Id channel_account_id = 0;
  std::int64_t expires_at = 0;  // unix seconds
};

std::string issue_visitor_token(const VisitorClaims& claims, std::string_view secret_key);
std::optional<VisitorClaims> verify_visitor_token(std::string_view token, std::string_view secret_key,
                                                  std::int64_t now_unix_seconds);

std::string identity_signature(std::string_view identity_secret, std::string_view type,
                               std::string_view value);
bool verify_identity_signature(std::string_view identity_secret, std::string_view type,
                               std::string_view value, std::string_view signature_hex);

}  // namespace cc::channels::webchat
