#pragma once
// Where a message goes when its channel account cannot deliver it. Read from the account's
// config: "failover": {"channel_account_id": "12", "on": ["circuit_open", "window_closed",
// "opted_out", "dead_letter"]} ("on" defaults to all of them). Pure; unit-tested.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

// Why a channel could not deliver; the names are stored in outbox.failure_reason.
inline constexpr const char* kCircuitOpen = "circuit_open";
inline constexpr const char* kWindowClosed = "window_closed";
inline constexpr const char* kOptedOut = "opted_out";
inline constexpr const char* kDeadLetter = "dead_letter";

struct FailoverRule {
  domain::Id target_account = 0;
  std::vector<std::string> on;  // reasons that trigger it

  bool applies_to(const std::string& reason) const;
};

// nullopt when the config has no failover rule; an error when it has a malformed one.
Result<std::optional<FailoverRule>> failover_rule_from(const nlohmann::json& config);
std::optional<FailoverRule> failover_rule_from_text(const std::string& config_json);

// The identifier type that holds a customer's address on a channel (sms -> phone ...), and
// the address as that channel's sender expects it.
std::optional<std::string> address_identifier_type(domain::Channel channel);
std::string address_from_identifier(domain::Channel channel, const std::string& value);

}  // namespace cc::services
