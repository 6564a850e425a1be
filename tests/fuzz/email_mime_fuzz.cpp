// Parses arbitrary bytes as a mail with GMime and maps it to an inbound message: no crash, and
// every text handed on is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/channels/email/email_text.hpp"
#include "cc/domain/attachment_rules.hpp"
#include "cc/domain/text_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  cc::channels::email::ParseLimits limits;
  limits.max_attachment_bytes = 64;  // small limits, so both paths run on small inputs
  limits.max_attachments = 2;
  auto parsed = cc::channels::email::parse_email(raw, limits);
  if (!parsed) return 0;
  if (!cc::domain::is_valid_utf8(parsed->text) || !cc::domain::is_valid_utf8(parsed->subject)) std::abort();
  std::size_t kept = 0;
  for (const auto& attachment : parsed->attachments) {
    // A file over a limit keeps its facts but never its bytes.
    if (!attachment.omitted.empty() && !attachment.content.empty()) std::abort();
    if (attachment.omitted.empty() && (attachment.content.size() != attachment.size || attachment.size > 64)) std::abort();
    if (attachment.omitted.empty()) ++kept;
    if (!cc::domain::is_valid_utf8(attachment.filename)) std::abort();
  }
  if (kept > 2) std::abort();
  (void)cc::domain::link_inline_parts(raw, {{"a@b", 1}, {std::string(raw.substr(0, 8)), 2}});
  auto inbound = cc::channels::email::to_inbound(*parsed, {1, "support@shop.test", true, "a@b.c", "00"});
  if (inbound && !cc::domain::is_valid_utf8(inbound->message.content)) std::abort();
  (void)cc::channels::email::sanitize_html(raw);
  (void)cc::channels::email::strip_quoted_history(raw);
  return 0;
}
