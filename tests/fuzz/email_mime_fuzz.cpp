// Parses arbitrary bytes as a mail with GMime and maps it to an inbound message: no crash, and
// every text handed on is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/channels/email/email_text.hpp"
#include "cc/domain/text_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto parsed = cc::channels::email::parse_email(raw);
  if (!parsed) return 0;
  if (!cc::domain::is_valid_utf8(parsed->text) || !cc::domain::is_valid_utf8(parsed->subject)) std::abort();
  auto inbound = cc::channels::email::to_inbound(*parsed, {1, "support@shop.test", true, "a@b.c", "00"});
  if (inbound && !cc::domain::is_valid_utf8(inbound->message.content)) std::abort();
  (void)cc::channels::email::sanitize_html(raw);
  (void)cc::channels::email::strip_quoted_history(raw);
  return 0;
}
