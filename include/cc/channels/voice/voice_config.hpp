#pragma once
// The voice channel account's config: `gateways` (PBX source addresses or CIDRs allowed to send
// INVITEs), `dids` (dialled number -> queue, or {queue, no_agent: "overflow"|"busy",
// retry_after}), `overflow_uri` (302 target when nobody is free), `webhook_secret` (HMAC key of
// POST /webhooks/voice/{id}). Pure.
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"

namespace cc::channels::voice {

struct Cidr {
  std::array<std::uint8_t, 16> bytes{};
  bool v6 = false;
  int prefix = 32;
};

struct DidRoute {
  std::string queue;
  bool overflow = true;  // false: 480 with Retry-After
  int retry_after = 60;
};

struct VoiceAccountConfig {
  std::vector<Cidr> gateways;
  std::map<std::string, DidRoute> dids;  // normalised digits (leading + kept)
  std::string overflow_uri;
  std::string webhook_secret;
};

Result<VoiceAccountConfig> parse_voice_config(const nlohmann::json& config);
std::optional<Error> validate_voice_config(const nlohmann::json& config);

std::optional<Cidr> parse_cidr(const std::string& text);
bool cidr_contains(const Cidr& cidr, const std::string& address);
bool gateway_allowed(const VoiceAccountConfig& config, const std::string& address);
// The DID route for a dialled number; the queue "default" (overflow when configured) otherwise.
DidRoute route_for_did(const VoiceAccountConfig& config, const std::string& did);

}  // namespace cc::channels::voice
