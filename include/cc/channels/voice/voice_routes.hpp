#pragma once
// POST /webhooks/voice/{channel_account_id}: call events from the PBX (ringing, answered,
// hangup), signed with the account's webhook_secret (X-Voice-Signature: sha256=<hex HMAC of the
// body>). A hangup stores the call on the customer's timeline (a voice conversation, one per
// call id) and, when nobody answered, opens a callback task (TicketCreator).
#include "cc/channels/voice/call_router.hpp"
#include "cc/net/router.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/services/ports/ticket_creator.hpp"

namespace cc::channels::voice {

struct VoiceContext {
  services::ChannelAccountService& accounts;
  services::IngestService& ingest;
  VoiceCallStore& calls;
  services::TicketCreator& tickets;
};

// Parses and bounds a call event body. Pure; exposed for tests.
struct ParsedCallEvent {
  CallEvent event;
  std::string recording_url;
  std::string transcript;
};
Result<ParsedCallEvent> parse_call_event(std::string_view body);
// The text stored as the call's message on the timeline.
std::string call_summary_text(const ParsedCallEvent& call, bool answered);

void add_voice_routes(net::Router& router, VoiceContext& voice);

}  // namespace cc::channels::voice
