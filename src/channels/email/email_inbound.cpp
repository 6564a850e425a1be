#include "cc/channels/email/email_inbound.hpp"

#include <charconv>

#include "cc/channels/email/email_loops.hpp"
#include "cc/channels/email/email_text.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"

namespace cc::channels::email {

using nlohmann::json;

json parsed_email_json(const ParsedEmail& email) {
  json attachments = json::array();
  for (const auto& a : email.attachments) {
    attachments.push_back({{"filename", a.filename},
                           {"content_type", a.content_type},
                           {"size", a.size},
                           {"content_id", a.content_id},
                           {"inline", a.inline_part},
                           {"sha256", a.omitted.empty() ? crypto::to_hex(crypto::sha256(a.content)) : ""},
                           {"omitted", a.omitted}});
  }
  json out = {{"message_id", email.message_id},
              {"in_reply_to", email.in_reply_to},
              {"references", email.references},
              {"subject", email.subject},
              {"from_address", email.from_address},
              {"from_name", email.from_name},
              {"reply_to_address", email.reply_to_address},
              {"to_addresses", email.to_addresses},
              {"text", email.text},
              {"visible_text", strip_quoted_history(email.text)},
              {"html", email.html},
              {"attachments", attachments},
              {"auto_submitted", email.auto_submitted},
              {"machine_reason", machine_mail_reason({email.auto_submitted, email.x_autoreply,
                                                      email.x_autorespond, email.precedence,
                                                      email.from_address, {}, false,
                                                      email.delivery_status.has_value()})}};
  if (email.delivery_status) {
    out["delivery_status"] = {{"original_message_id", email.delivery_status->original_message_id},
                              {"action", email.delivery_status->action},
                              {"status", email.delivery_status->status},
                              {"diagnostic", email.delivery_status->diagnostic}};
  }
  return out;
}

std::optional<domain::Id> conversation_token_of(std::string_view address) {
  const auto at = address.find('@');
  const auto plus = address.substr(0, at).find('+');
  if (at == std::string_view::npos || plus == std::string_view::npos) return std::nullopt;
  const auto tag = address.substr(plus + 1, at - plus - 1);
  if (tag.size() < 2 || (tag[0] != 'c' && tag[0] != 'C')) return std::nullopt;
  domain::Id id = 0;
  const auto [end, ec] = std::from_chars(tag.data() + 1, tag.data() + tag.size(), id);
  if (ec != std::errc{} || end != tag.data() + tag.size() || id <= 0) return std::nullopt;
  return id;
}

std::string plus_address(std::string_view address, domain::Id conversation_id) {
  const auto at = address.find('@');
  if (at == std::string_view::npos) return std::string(address);
  return std::string(address.substr(0, at)) + "+c" + std::to_string(conversation_id) +
         std::string(address.substr(at));
}

std::string without_plus_tag(std::string_view address) {
  const auto at = address.find('@');
  if (at == std::string_view::npos) return std::string(address);
  const auto plus = address.substr(0, at).find('+');
  if (plus == std::string_view::npos) return std::string(address);
  return std::string(address.substr(0, plus)) + std::string(address.substr(at));
}

std::optional<InboundEmail> to_inbound(const ParsedEmail& email, const InboundContext& context) {
  const auto from = domain::normalize_email(email.from_address);
  if (!from) return std::nullopt;
  InboundEmail out;
  out.machine_reason = machine_mail_reason({email.auto_submitted, email.x_autoreply, email.x_autorespond,
                                            email.precedence, *from, context.envelope_from,
                                            context.envelope_known, email.delivery_status.has_value()});
  out.conversation_token = conversation_token_of(context.recipient);
  if (!email.in_reply_to.empty()) out.thread_ids.push_back(email.in_reply_to);
  for (auto it = email.references.rbegin(); it != email.references.rend(); ++it) {
    if (*it != email.in_reply_to) out.thread_ids.push_back(*it);
  }

  auto& message = out.message;
  message.channel_account_id = context.channel_account_id;
  message.channel = domain::Channel::email;
  message.provider_message_id =
      email.message_id.empty() ? "sha256:" + context.raw_sha256_hex : truncate_utf8(email.message_id, 900);
  // The From address is taken as the customer's identity (not proven: mail can be forged; SPF/
  // DKIM checking belongs to the relay in front of us). The foundation links verified ones only.
  message.identifiers = {{"email", *from, true}};
  auto visible = strip_quoted_history(email.text);
  if (visible.empty()) visible = email.subject.empty() ? std::string("(empty message)") : email.subject;
  message.content = truncate_utf8(visible, domain::kMaxMessageBytes);
  message.content_type = "text";
  if (!email.from_name.empty()) message.display_name = truncate_utf8(email.from_name, domain::kMaxNameBytes);
  message.provider_time = std::chrono::system_clock::now();
  const auto reply_to = email.reply_to_address.empty() ? *from : domain::normalize_email(email.reply_to_address).value_or(*from);
  message.reply_address = reply_to;
  message.routable = out.machine_reason.empty();

  // The bodies travel with the message; the ingest store keeps them in the same transaction and
  // writes metadata `attachments` (with ids, or the reason a file was omitted) and links the
  // HTML's cid: references to the download route.
  for (const auto& a : email.attachments) {
    domain::InboundAttachment attachment;
    attachment.filename = a.filename;
    attachment.content_type = a.content_type.empty() ? std::string("application/octet-stream") : a.content_type;
    attachment.content = a.content;
    attachment.content_id = a.content_id;
    attachment.inline_part = a.inline_part;
    attachment.omitted_reason = a.omitted;
    attachment.size = a.size;
    message.attachments.push_back(std::move(attachment));
  }
  json metadata = {{"subject", email.subject},
                   {"message_id", email.message_id},
                   {"in_reply_to", email.in_reply_to},
                   {"references", email.references},
                   {"html", email.html},
                   {"attachments", json::array()},
                   {"full_text", email.text},
                   {"auto_submitted", email.auto_submitted},
                   {"to", context.recipient}};
  if (!out.machine_reason.empty()) metadata["machine_reason"] = out.machine_reason;
  if (message.content.size() < visible.size()) metadata["truncated"] = true;
  message.metadata_json = metadata.dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

}  // namespace cc::channels::email
