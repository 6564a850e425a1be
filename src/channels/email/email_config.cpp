#include "cc/channels/email/email_config.hpp"

#include "cc/domain/identifiers.hpp"

namespace cc::channels::email {

using nlohmann::json;

Result<EmailAccountConfig> parse_email_config(const json& config) {
  if (!config.is_object()) return Error::invalid("config must be an object", "/config");
  EmailAccountConfig out;
  const auto addresses = config.find("addresses");
  if (addresses == config.end() || !addresses->is_array() || addresses->empty() || addresses->size() > 50) {
    return Error::invalid("addresses must be a list of 1 to 50 email addresses", "/config/addresses");
  }
  for (std::size_t i = 0; i < addresses->size(); ++i) {
    const auto& item = (*addresses)[i];
    const auto normalized = item.is_string() ? domain::normalize_email(item.get<std::string>()) : std::nullopt;
    if (!normalized || normalized->find('+') != std::string::npos) {
      return Error::invalid("addresses must be plain email addresses (no +tag)",
                            "/config/addresses/" + std::to_string(i));
    }
    out.addresses.push_back(*normalized);
  }
  if (const auto relay = config.find("smtp_relay"); relay != config.end() && !relay->is_null()) {
    if (!relay->is_object()) return Error::invalid("smtp_relay must be an object", "/config/smtp_relay");
    SmtpRelay r;
    const auto host = relay->find("host");
    if (host == relay->end() || !host->is_string() || host->get<std::string>().empty() ||
        host->get<std::string>().size() > 253) {
      return Error::invalid("smtp_relay.host is required", "/config/smtp_relay/host");
    }
    r.host = host->get<std::string>();
    if (const auto port = relay->find("port"); port != relay->end()) {
      if (!port->is_number_integer() || port->get<int>() < 1 || port->get<int>() > 65535) {
        return Error::invalid("smtp_relay.port must be 1-65535", "/config/smtp_relay/port");
      }
      r.port = port->get<int>();
    }
    for (const auto& [key, target] : {std::pair<const char*, std::string*>{"username", &r.username},
                                      {"password", &r.password}}) {
      if (const auto it = relay->find(key); it != relay->end() && !it->is_null()) {
        if (!it->is_string()) return Error::invalid(std::string("smtp_relay.") + key + " must be a string",
                                                    std::string("/config/smtp_relay/") + key);
        *target = it->get<std::string>();
      }
    }
    if (const auto starttls = relay->find("starttls"); starttls != relay->end()) {
      if (!starttls->is_boolean()) {
        return Error::invalid("smtp_relay.starttls must be true or false", "/config/smtp_relay/starttls");
      }
      r.starttls = starttls->get<bool>();
    }
    out.smtp_relay = std::move(r);
  }
  if (const auto secret = config.find("webhook_secret"); secret != config.end() && !secret->is_null()) {
    if (!secret->is_string() || (!secret->get<std::string>().empty() && secret->get<std::string>().size() < 16)) {
      return Error::invalid("webhook_secret must be a string of at least 16 characters",
                            "/config/webhook_secret");
    }
    out.webhook_secret = secret->get<std::string>();
  }
  return out;
}

std::optional<Error> validate_email_config(const json& config) {
  auto parsed = parse_email_config(config);
  if (!parsed) return parsed.error();
  return std::nullopt;
}

}  // namespace cc::channels::email
