#include "cc/channels/email/email_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <gmime/gmime.h>
#include <iconv.h>
#include <memory>
#include <mutex>

#include "cc/channels/email/email_text.hpp"

namespace cc::channels::email {
namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <class T>
struct GUnref {
  void operator()(T* object) const {
    if (object) g_object_unref(object);
  }
};
template <class T>
using GPtr = std::unique_ptr<T, GUnref<T>>;

struct OptionsFree {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

std::string safe(const char* text) { return text ? std::string(text) : std::string(); }

// Chinese mail declares GB2312 but uses GBK characters; GB18030 reads all three. Big5 likewise
// with the Hong Kong supplement.
std::string iconv_name(std::string_view charset) {
  const auto name = lower(trimmed(charset));
  if (name == "gb2312" || name == "gbk" || name == "x-gbk" || name == "cp936" || name == "euc-cn" ||
      name == "gb18030" || name == "x-gb2312" || name == "csgb2312") {
    return "GB18030";
  }
  if (name == "big5" || name == "x-big5" || name == "cp950" || name == "big5-hkscs") return "BIG5-HKSCS";
  return name;
}

// Strict conversion; an undecodable byte becomes U+FFFD. nullopt when iconv lacks the charset.
std::optional<std::string> convert(std::string_view bytes, const std::string& from) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out;
  out.reserve(bytes.size() * 3 / 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char chunk[4096];
  while (in_left > 0) {
    char* dst = chunk;
    std::size_t dst_left = sizeof chunk;
    const auto rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    out.append(chunk, static_cast<std::size_t>(dst - chunk));
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) continue;
      out += "\xEF\xBF\xBD";  // EILSEQ or a truncated sequence at the end
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  iconv_close(cd);
  return out;
}

bool valid_utf8(std::string_view text) { return to_valid_utf8(text) == text && text.find('\0') == std::string_view::npos; }

std::string part_bytes(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return {};
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, stream.get());  // undoes base64 / quoted-printable
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}

std::string part_text(GMimeObject* object) {
  auto bytes = part_bytes(GMIME_PART(object));
  const char* charset = g_mime_content_type_get_parameter(g_mime_object_get_content_type(object), "charset");
  return decode_to_utf8(bytes, charset ? charset : "");
}

std::string header(GMimeObject* object, const char* name) {
  return trimmed(safe(g_mime_object_get_header(object, name)));
}

std::string first_mailbox(InternetAddressList* list, std::string* name) {
  if (!list) return {};
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      if (name) *name = trimmed(safe(internet_address_get_name(address)));
      return lower(trimmed(safe(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)))));
    }
  }
  return {};
}

std::vector<std::string> message_ids(GMimeParserOptions* options, const std::string& text) {
  std::vector<std::string> ids;
  if (text.empty()) return ids;
  GMimeReferences* references = g_mime_references_parse(options, text.c_str());
  if (!references) return ids;
  const int count = g_mime_references_length(references);
  for (int i = 0; i < count && i < 100; ++i) ids.push_back(safe(g_mime_references_get_message_id(references, i)));
  g_mime_references_free(references);
  return ids;
}

// A message/rfc822 part as it was sent (kept as a .eml attachment).
std::string object_bytes(GMimeObject* object) {
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(object, nullptr, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}

// Action / Status / Diagnostic-Code of the first recipient block of a message/delivery-status.
void read_delivery_fields(std::string_view text, DeliveryStatus& status) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = lower(trimmed(line.substr(0, colon)));
    const auto value = trimmed(line.substr(colon + 1));
    if (name == "action" && status.action.empty()) status.action = lower(value);
    if (name == "status" && status.status.empty()) status.status = value;
    if (name == "diagnostic-code" && status.diagnostic.empty()) status.diagnostic = truncate_utf8(to_valid_utf8(value), 500);
  }
}

struct Walker {
  GMimeParserOptions* options;
  const ParseLimits& limits;
  ParsedEmail& out;
  std::size_t parts = 0;
  bool in_report = false;

  void add_attachment(GMimeObject* object, std::string filename, std::string bytes) {
    EmailAttachment attachment;
    attachment.filename = truncate_utf8(to_valid_utf8(filename), 255);
    char* type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(object));
    attachment.content_type = truncate_utf8(to_valid_utf8(lower(safe(type))), 255);
    g_free(type);
    attachment.size = bytes.size();
    if (out.attachments.size() >= limits.max_attachments) {
      attachment.omitted = "more than " + std::to_string(limits.max_attachments) + " attachments in one message";
    } else if (bytes.size() > limits.max_attachment_bytes) {
      attachment.omitted = "larger than the limit of " + std::to_string(limits.max_attachment_bytes) + " bytes";
    } else {
      attachment.content = std::move(bytes);
    }
    attachment.content_id = truncate_utf8(to_valid_utf8(safe(g_mime_object_get_content_id(object))), 255);
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object);
    attachment.inline_part = disposition && !g_mime_content_disposition_is_attachment(disposition);
    out.attachments.push_back(std::move(attachment));
  }

  void walk(GMimeObject* object) {
    if (!object || ++parts > limits.max_parts) return;
    GMimeContentType* type = g_mime_object_get_content_type(object);
    if (GMIME_IS_MULTIPART(object)) {
      const bool report = g_mime_content_type_is_type(type, "multipart", "report") &&
                          lower(safe(g_mime_content_type_get_parameter(type, "report-type"))) == "delivery-status";
      if (report) {
        in_report = true;
        out.delivery_status.emplace();
      }
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      const int count = g_mime_multipart_get_count(multipart);
      for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i));
      return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      if (in_report && out.delivery_status && inner) {
        out.delivery_status->original_message_id = safe(g_mime_message_get_message_id(inner));
        return;
      }
      const auto subject = inner ? safe(g_mime_message_get_subject(inner)) : std::string();
      add_attachment(object, (subject.empty() ? std::string("message") : subject) + ".eml", object_bytes(object));
      return;
    }
    if (!GMIME_IS_PART(object)) return;
    GMimePart* part = GMIME_PART(object);
    const bool attachment = g_mime_part_is_attachment(part);
    if (in_report && g_mime_content_type_is_type(type, "message", "delivery-status")) {
      read_delivery_fields(part_bytes(part), *out.delivery_status);
      return;
    }
    if (in_report && g_mime_content_type_is_type(type, "text", "rfc822-headers")) {
      auto headers = part_bytes(part) + "\r\n\r\n";
      GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(headers.data(), headers.size()));
      GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
      GPtr<GMimeMessage> original(g_mime_parser_construct_message(parser.get(), options));
      if (original) out.delivery_status->original_message_id = safe(g_mime_message_get_message_id(original.get()));
      return;
    }
    if (!attachment && g_mime_content_type_is_type(type, "text", "plain")) {
      auto text = part_text(object);
      if (!out.text.empty()) out.text += "\n";
      out.text += text;
      return;
    }
    if (!attachment && g_mime_content_type_is_type(type, "text", "html") && out.html.empty()) {
      out.html = part_text(object);
      return;
    }
    add_attachment(object, safe(g_mime_part_get_filename(part)), part_bytes(part));
  }
};

}  // namespace

std::string decode_to_utf8(std::string_view bytes, std::string_view charset) {
  const auto name = iconv_name(charset);
  if (name.empty() || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii") {
    if (valid_utf8(bytes)) return std::string(bytes);
    // Undeclared or mislabelled 8-bit text: in this market it is nearly always GB18030.
    if (auto converted = convert(bytes, "GB18030")) return to_valid_utf8(*converted);
    return to_valid_utf8(bytes);
  }
  if (auto converted = convert(bytes, name)) return to_valid_utf8(*converted);
  return to_valid_utf8(bytes);
}

Result<ParsedEmail> parse_email(std::string_view raw, const ParseLimits& limits) {
  init_gmime();
  std::unique_ptr<GMimeParserOptions, OptionsFree> options(g_mime_parser_options_new());
  // Raw 8-bit headers (no encoded words) are common in Chinese mail: try UTF-8, then GB18030.
  const char* fallback[] = {"UTF-8", "GB18030", nullptr};
  g_mime_parser_options_set_fallback_charsets(options.get(), fallback);
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);

  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
  if (!message) return Error{ErrorCode::malformed, "not an RFC 5322 message", {}};
  GMimeObject* object = GMIME_OBJECT(message.get());

  ParsedEmail out;
  out.message_id = safe(g_mime_message_get_message_id(message.get()));
  const auto in_reply_to = message_ids(options.get(), header(object, "In-Reply-To"));
  if (!in_reply_to.empty()) out.in_reply_to = in_reply_to.front();
  out.references = message_ids(options.get(), header(object, "References"));
  out.subject = to_valid_utf8(trimmed(safe(g_mime_message_get_subject(message.get()))));
  out.from_address = first_mailbox(g_mime_message_get_from(message.get()), &out.from_name);
  out.from_name = to_valid_utf8(out.from_name);
  out.reply_to_address = first_mailbox(g_mime_message_get_reply_to(message.get()), nullptr);
  if (InternetAddressList* to = g_mime_message_get_to(message.get())) {
    const int count = internet_address_list_length(to);
    for (int i = 0; i < count && i < 50; ++i) {
      InternetAddress* address = internet_address_list_get_address(to, i);
      if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
        out.to_addresses.push_back(lower(safe(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)))));
      }
    }
  }
  out.date = header(object, "Date");
  out.auto_submitted = lower(header(object, "Auto-Submitted"));
  out.x_autoreply = lower(header(object, "X-Autoreply"));
  out.x_autorespond = lower(header(object, "X-Autorespond"));
  out.precedence = lower(header(object, "Precedence"));

  Walker walker{options.get(), limits, out};
  walker.walk(g_mime_message_get_mime_part(message.get()));

  if (!out.html.empty()) {
    if (out.text.empty()) out.text = html_to_text(out.html);
    out.html = out.html.size() > limits.max_html_bytes ? std::string() : sanitize_html(out.html);
  }
  // CRLF -> LF, then cut.
  std::erase(out.text, '\r');
  out.text = truncate_utf8(out.text, limits.max_text_bytes);
  return out;
}

}  // namespace cc::channels::email
