#pragma once
// Builds an agent's reply as a MIME message with GMime: Message-ID, In-Reply-To and References
// from the thread (so mail clients thread it), Date, From, Reply-To (plus-addressed with the
// conversation token), a UTF-8 subject encoded per RFC 2047 and a multipart/alternative body
// (text/plain + text/html). Pure apart from GMime's one-time initialisation.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace cc::channels::email {

struct OutgoingEmail {
  std::string from_address;
  std::string from_name;
  std::string reply_to;
  std::string to;
  std::string subject;  // UTF-8
  std::string text;     // UTF-8
  std::string message_id;  // without angle brackets
  std::vector<std::string> references;  // the thread, oldest first; the last is In-Reply-To
  std::chrono::system_clock::time_point date{};
};

// The message with CRLF line ends, 7-bit clean (quoted-printable / base64 where needed).
std::string build_mime(const OutgoingEmail& email);

// "Re: <subject>" unless it already starts with Re: / RE: / 回复: / 答复:.
std::string reply_subject(std::string_view subject);

// The text as HTML: escaped, line breaks as <br>.
std::string text_to_html(std::string_view text);

}  // namespace cc::channels::email
