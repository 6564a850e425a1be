#pragma once
// The visitor-facing web chat API under /widget/v1: session start, messages over REST and over
// a WebSocket, and history. Visitor messages enter the shared ingest pipeline; each carries a
// client_message_id, so a retried send is stored once.
#include <chrono>
#include <string>

#include "cc/channels/webchat/visitor_hub.hpp"
#include "cc/net/router.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/services/ports/ingest_store.hpp"

namespace cc::channels::webchat {

struct WebchatContext {
  services::ChannelAccountService& accounts;
  services::CustomerResolver& customers;
  services::IngestService& ingest;
  services::ConversationService& conversations;
  VisitorHub& hub;
  services::EventBus& bus;
  std::string secret_key;  // signs visitor tokens; the same on every instance
  std::chrono::hours token_ttl{24 * 30};
};

void add_webchat_routes(net::Router& router, WebchatContext& webchat);

}  // namespace cc::channels::webchat
