#pragma once
// Rules for the routing-related parts of an agent's profile: the SIP address a call is redirected
// to, skills, languages and per-channel capacity. Pure functions; the REST layer and the agent
// service both call them so a profile never holds a value the SIP bridge or the matcher rejects.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/error.hpp"

namespace cc::services {

inline constexpr std::size_t kMaxSipUriBytes = 256;

// A sip: or sips: URI (scheme case-insensitive) with a non-empty host, at most 256 bytes, no
// whitespace, control characters or characters RFC 3261 never allows unescaped (<>"`{}|\^).
std::optional<Error> check_sip_uri(std::string_view uri, std::string field = "/sip_uri");

// A skill or language key: 1..64 bytes of [a-z0-9_.-] (lower case; callers fold case first).
std::optional<Error> check_routing_key(std::string_view key, std::string field);

}  // namespace cc::services
