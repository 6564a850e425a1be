#pragma once
// Turns a parsed mail into the ingest pipeline's InboundMessage (pure): visible text without the
// quoted thread, metadata for the workbench (subject, threading ids, sanitized HTML,
// attachments, full text), loop flags, and the conversation token of a plus-address.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cc/channels/email/email_parser.hpp"
#include "cc/domain/types.hpp"

namespace cc::channels::email {

struct InboundContext {
  domain::Id channel_account_id = 0;
  std::string recipient;          // the address it was delivered to (RCPT TO or the webhook's)
  bool envelope_known = false;    // delivered over SMTP (not a webhook)
  std::string envelope_from;      // SMTP MAIL FROM
  std::string raw_sha256_hex;     // dedupe key for mail without a Message-ID
};

struct InboundEmail {
  domain::InboundMessage message;
  std::string machine_reason;                     // non-empty: not routed (see email_loops.hpp)
  std::optional<domain::Id> conversation_token;   // from support+c<id>@domain
  std::vector<std::string> thread_ids;            // In-Reply-To first, then References (newest first)
};

// nullopt when the mail has no usable From address.
std::optional<InboundEmail> to_inbound(const ParsedEmail& email, const InboundContext& context);

// The parse result as JSON (fixtures' expected files, and the basis of the message metadata).
nlohmann::json parsed_email_json(const ParsedEmail& email);

// "support+c42@shop.test" -> 42; nullopt without a token.
std::optional<domain::Id> conversation_token_of(std::string_view address);
// "support@shop.test", 42 -> "support+c42@shop.test"
std::string plus_address(std::string_view address, domain::Id conversation_id);
// "support+c42@shop.test" -> "support@shop.test" (the configured address it stands for).
std::string without_plus_tag(std::string_view address);

}  // namespace cc::channels::email
