#include "cc/services/failover_rule.hpp"

#include <algorithm>
#include <array>

namespace cc::services {
namespace {

constexpr std::array<const char*, 4> kReasons{kCircuitOpen, kWindowClosed, kOptedOut, kDeadLetter};

std::optional<domain::Id> id_from(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<domain::Id>();
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), ::isdigit)) {
    return std::nullopt;
  }
  return std::stoll(text);
}

}  // namespace

bool FailoverRule::applies_to(const std::string& reason) const {
  return std::find(on.begin(), on.end(), reason) != on.end();
}

Result<std::optional<FailoverRule>> failover_rule_from(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("failover") || config["failover"].is_null()) {
    return std::optional<FailoverRule>{};
  }
  const auto& failover = config["failover"];
  if (!failover.is_object()) return Error::invalid("failover must be an object", "/config/failover");
  FailoverRule rule;
  const auto target = failover.contains("channel_account_id")
                          ? id_from(failover["channel_account_id"])
                          : std::nullopt;
  if (!target || *target <= 0) {
    return Error::invalid("failover.channel_account_id must be a channel account id",
                          "/config/failover/channel_account_id");
  }
  rule.target_account = *target;
  if (!failover.contains("on")) {
    rule.on.assign(kReasons.begin(), kReasons.end());
    return std::optional<FailoverRule>(std::move(rule));
  }
  if (!failover["on"].is_array()) {
    return Error::invalid("failover.on must be a list of reasons", "/config/failover/on");
  }
  for (const auto& reason : failover["on"]) {
    const bool known = reason.is_string() &&
                       std::any_of(kReasons.begin(), kReasons.end(), [&](const char* name) {
                         return reason.get_ref<const std::string&>() == name;
                       });
    if (!known) {
      return Error::invalid(
          "failover.on accepts circuit_open, window_closed, opted_out and dead_letter",
          "/config/failover/on");
    }
    rule.on.push_back(reason.get<std::string>());
  }
  return std::optional<FailoverRule>(std::move(rule));
}

std::optional<FailoverRule> failover_rule_from_text(const std::string& config_json) {
  const auto config = nlohmann::json::parse(config_json, nullptr, false);
  if (config.is_discarded()) return std::nullopt;
  auto rule = failover_rule_from(config);
  return rule ? *rule : std::nullopt;
}

std::optional<std::string> address_identifier_type(domain::Channel channel) {
  switch (channel) {
    case domain::Channel::sms: return "phone";
    case domain::Channel::email: return "email";
    case domain::Channel::wechat: return "wechat_openid";
    case domain::Channel::webchat: return "web_visitor";
    case domain::Channel::voice:
    case domain::Channel::api: return std::nullopt;
  }
  return std::nullopt;
}

std::string address_from_identifier(domain::Channel channel, const std::string& value) {
  // WeChat openids are stored scoped to their official account as "<app_id>:<openid>".
  if (channel == domain::Channel::wechat) {
    const auto colon = value.find(':');
    if (colon != std::string::npos) return value.substr(colon + 1);
  }
  return value;
}

}  // namespace cc::services
