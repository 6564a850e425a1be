#include "cc/channels/email/email_mime_builder.hpp"

#include <gmime/gmime.h>
#include <memory>
#include <mutex>

namespace cc::channels::email {
namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct Unref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

GMimeObject* text_part(const char* subtype, const std::string& content) {
  GMimeTextPart* part = g_mime_text_part_new_with_subtype(subtype);
  g_mime_text_part_set_charset(part, "utf-8");
  g_mime_text_part_set_text(part, content.c_str());
  g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT(part);
}

}  // namespace

std::string reply_subject(std::string_view subject) {
  while (!subject.empty() && subject.front() == ' ') subject.remove_prefix(1);
  if (istarts_with(subject, "re:") || subject.starts_with("回复:") || subject.starts_with("回复：") ||
      subject.starts_with("答复:") || subject.starts_with("答复：")) {
    return std::string(subject);
  }
  return subject.empty() ? std::string("Re: your message") : "Re: " + std::string(subject);
}

std::string text_to_html(std::string_view text) {
  std::string out = "<html><body><div>";
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br>\n"; break;
      case '\r': break;
      default: out.push_back(c);
    }
  }
  out += "</div></body></html>\n";
  return out;
}

std::string build_mime(const OutgoingEmail& email) {
  init_gmime();
  std::unique_ptr<GMimeMessage, Unref> message(g_mime_message_new(TRUE));
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_FROM,
                             email.from_name.empty() ? nullptr : email.from_name.c_str(), email.from_address.c_str());
  if (!email.reply_to.empty()) {
    g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_REPLY_TO, nullptr, email.reply_to.c_str());
  }
  g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, nullptr, email.to.c_str());
  g_mime_message_set_subject(message.get(), email.subject.c_str(), "utf-8");
  g_mime_message_set_message_id(message.get(), email.message_id.c_str());
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(email.date.time_since_epoch()).count();
  GDateTime* date = g_date_time_new_from_unix_utc(seconds);
  g_mime_message_set_date(message.get(), date);
  g_date_time_unref(date);
  GMimeObject* object = GMIME_OBJECT(message.get());
  if (!email.references.empty()) {
    const std::string in_reply_to = "<" + email.references.back() + ">";
    g_mime_object_set_header(object, "In-Reply-To", in_reply_to.c_str(), nullptr);
    std::string references;
    for (const auto& id : email.references) {
      if (!references.empty()) references += " ";
      references += "<" + id + ">";
    }
    g_mime_object_set_header(object, "References", references.c_str(), nullptr);
  }
  GMimeMultipart* alternative = g_mime_multipart_new_with_subtype("alternative");
  GMimeObject* plain = text_part("plain", email.text);
  GMimeObject* html = text_part("html", text_to_html(email.text));
  g_mime_multipart_add(alternative, plain);
  g_mime_multipart_add(alternative, html);
  g_object_unref(plain);
  g_object_unref(html);
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative));
  g_object_unref(alternative);

  GMimeFormatOptions* format = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
  char* text = g_mime_object_to_string(object, format);
  g_mime_format_options_free(format);
  std::string out = text ? text : "";
  g_free(text);
  return out;
}

}  // namespace cc::channels::email
