#pragma once
// The email channel account's config object: `addresses` (support addresses it receives for),
// `smtp_relay` {host, port, username, password, starttls} for replies, `webhook_secret` for
// POST /webhooks/email/{id}. Pure.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"

namespace cc::channels::email {

struct SmtpRelay {
  std::string host;
  int port = 587;
  std::string username;  // empty: no AUTH
  std::string password;
  bool starttls = true;  // required when true: never send credentials in clear text
};

struct EmailAccountConfig {
  std::vector<std::string> addresses;  // lower-cased
  std::optional<SmtpRelay> smtp_relay;
  std::string webhook_secret;
};

Result<EmailAccountConfig> parse_email_config(const nlohmann::json& config);
// For ChannelAccountService::add_config_validator.
std::optional<Error> validate_email_config(const nlohmann::json& config);

}  // namespace cc::channels::email
