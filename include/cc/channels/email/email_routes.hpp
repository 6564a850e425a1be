#pragma once
// POST /webhooks/email/{channel_account_id}: a raw message (Content-Type message/rfc822) from a
// provider that forwards inbound mail over HTTP. Authenticated with the account's
// webhook_secret, either as the header `X-Webhook-Secret: <secret>` or as
// `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body>`. Optional `X-Original-To` names
// the address it was sent to (plus-addressing); otherwise the account's first address.
// 200 {message_id, conversation_id, duplicate, routable} after commit; 503 when PostgreSQL is down.
#include "cc/channels/email/email_receiver.hpp"
#include "cc/net/router.hpp"
#include "cc/services/channel_account_service.hpp"

namespace cc::channels::email {

struct EmailContext {
  services::ChannelAccountService& accounts;
  EmailReceiver& receiver;
};

void add_email_routes(net::Router& router, EmailContext& email);

}  // namespace cc::channels::email
