#pragma once
// The generic API channel's inbound half: a business app posts customer messages to
// POST /api/v1/channels/api/{channel_account_id}/messages with the account's key as a bearer
// token (only its SHA-256 is stored, in config.api_key_sha256), idempotent on its message_id;
// and reports what happened to our replies at .../messages/{provider_message_id}/status.
#include <nlohmann/json.hpp>
#include <optional>

#include "cc/net/router.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/delivery_reports.hpp"
#include "cc/services/ingest_service.hpp"

namespace cc::channels::api {

struct ApiChannelContext {
  services::ChannelAccountService& accounts;
  services::IngestService& ingest;
  services::DeliveryReports& reports;
};

void add_api_channel_routes(net::Router& router, ApiChannelContext& channel);

// Config of a channel account of type api: callback_url (http/https, required), api_key_sha256
// (64 hex digits) and webhook_secret (whsec_...), both set by the credentials endpoint.
std::optional<Error> validate_api_channel_config(const nlohmann::json& config);

// The account's key check: SHA-256 of `key` against config.api_key_sha256, in constant time.
bool api_key_matches(const nlohmann::json& config, std::string_view key);

}  // namespace cc::channels::api
