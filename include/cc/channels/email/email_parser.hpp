#pragma once
// Parses a raw RFC 5322 message with GMime into what the email channel needs: addresses,
// threading headers, the decoded text and sanitized HTML (all UTF-8), attachment facts, loop
// signals and, for a delivery status notification, which of our messages bounced. Thread-safe
// (GMime is initialised once).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/domain/error.hpp"

namespace cc::channels::email {

struct EmailAttachment {
  std::string filename;
  std::string content_type;
  std::size_t size = 0;       // decoded bytes
  std::string content_id;     // inline images referenced by cid:
  bool inline_part = false;
  std::string content;        // the decoded bytes; empty when omitted
  std::string omitted;        // why the bytes were not kept (over a limit); "" when kept
};

struct DeliveryStatus {
  std::string original_message_id;  // Message-ID of the mail that bounced (ours), no brackets
  std::string action;               // failed, delayed, delivered, relayed, expanded
  std::string status;               // e.g. 5.1.1
  std::string diagnostic;           // Diagnostic-Code, as the remote server said it
};

struct ParsedEmail {
  std::string message_id;  // without angle brackets; "" when the mail has none
  std::string in_reply_to;
  std::vector<std::string> references;
  std::string subject;
  std::string from_address;  // lower-cased
  std::string from_name;
  std::string reply_to_address;  // lower-cased; "" when absent
  std::vector<std::string> to_addresses;
  std::string date;  // the Date header as sent
  std::string text;  // the whole text body (text/plain, else derived from the HTML)
  std::string html;  // sanitized HTML body; "" when the mail has none
  std::vector<EmailAttachment> attachments;
  // Loop-relevant headers, lower-cased values.
  std::string auto_submitted;
  std::string x_autoreply;
  std::string x_autorespond;
  std::string precedence;
  std::optional<DeliveryStatus> delivery_status;  // set for multipart/report delivery-status
};

struct ParseLimits {
  std::size_t max_text_bytes = 256 * 1024;  // longer text bodies are cut
  std::size_t max_html_bytes = 256 * 1024;  // longer HTML is dropped (the text stays)
  std::size_t max_parts = 200;              // MIME parts looked at
  // Attachments and inline images: one over max_attachment_bytes, or past the first
  // max_attachments, keeps its facts but not its bytes (`omitted` says why). The SMTP message
  // size limit bounds their sum.
  std::size_t max_attachment_bytes = 10 * 1024 * 1024;
  std::size_t max_attachments = 20;
};

// malformed when the input is not a message at all (no headers).
Result<ParsedEmail> parse_email(std::string_view raw, const ParseLimits& limits = {});

// Decodes bytes in `charset` to UTF-8 (GB2312 and GBK read as GB18030, Big5 as Big5-HKSCS);
// unknown charsets and undeclared 8-bit text are tried as UTF-8, then GB18030.
std::string decode_to_utf8(std::string_view bytes, std::string_view charset);

}  // namespace cc::channels::email
