#pragma once
// The Twilio Messages API as pure functions, so the sender's decisions are unit-tested without a
// socket: the request that sends a message, what a response means for the outbox, and how a
// message list answers "did an earlier attempt reach the provider?".
#include <optional>
#include <string>
#include <vector>

#include "cc/channels/sms/sms_config.hpp"
#include "cc/net/http_client.hpp"
#include "cc/services/ports/channel_sender.hpp"

namespace cc::channels::sms {

inline constexpr int kTwilioUnsubscribedRecipient = 21610;

// POST {api_base_url}/2010-04-01/Accounts/{sid}/Messages.json, basic auth, form To/From/Body/
// StatusCallback.
net::ClientRequest send_request(const SmsConfig& config, domain::Id channel_account_id,
                                const std::string& to, const std::string& body);
// GET .../Messages.json?To=&From=&DateSent>=YYYY-MM-DD (the day the message was created, UTC).
net::ClientRequest list_request(const SmsConfig& config, const std::string& to,
                                domain::TimePoint since);
std::string basic_auth(const std::string& user, const std::string& password);
std::string status_callback_url(const SmsConfig& config, domain::Id channel_account_id);

// 200/201 -> sent (sid); 429, 5xx, transport errors -> retry (Retry-After honoured);
// 400 with code 21610 -> undeliverable opted_out; other 4xx -> failed.
services::SendOutcome interpret_send_response(const net::ClientResponse& response);
// A message in the list with the same body, created at or after `created_at` (Twilio's
// date_created has whole seconds, so the second is truncated) -> delivered with its sid; none
// -> absent; an unreadable answer -> unknown.
services::ReconcileOutcome interpret_list_response(const net::ClientResponse& response,
                                                   const std::string& body,
                                                   domain::TimePoint created_at);
// Twilio's RFC 2822 date ("Mon, 23 Nov 2026 15:04:05 +0000"); nullopt when unreadable.
std::optional<domain::TimePoint> parse_rfc2822(const std::string& text);

}  // namespace cc::channels::sms
