#pragma once
// Pure text helpers for inbound mail: the visible part of a reply (quoted history dropped),
// HTML reduced to text or to a display-safe form, and UTF-8 repair and cutting.
#include <cstddef>
#include <string>
#include <string_view>

namespace cc::channels::email {

// The reply the customer wrote, without the quoted thread below it: cuts at "On ... wrote:",
// "在 ... 写道：", "-----Original Message-----", "原始邮件", an Outlook "From:/发件人:" header block
// or a long underscore rule, and drops "> " lines. Forwarded messages are kept. When nothing
// would be left, the whole text is returned.
std::string strip_quoted_history(std::string_view text);

// Text of an HTML body for agents: tags dropped, block ends as newlines, common entities decoded.
std::string html_to_text(std::string_view html);

// HTML safe to show in the workbench's sandboxed iframe: script/style-less of active content
// (script, iframe, object, embed, form elements removed; on* attributes and javascript: URLs
// dropped). Defence in depth: the iframe is the real boundary.
std::string sanitize_html(std::string_view html);

// Invalid UTF-8 sequences replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);
// At most max_bytes, cut on a UTF-8 character boundary.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace cc::channels::email
