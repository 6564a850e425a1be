#pragma once
// SIP over a stream (RFC 3261 18.3): messages are delimited by Content-Length, which is
// mandatory; CRLF keep-alives between messages are skipped. Pure.
#include <cstddef>
#include <string>
#include <string_view>

namespace cc::net {

struct SipFrame {
  enum class Kind { need_more, message, bad } kind = Kind::need_more;
  std::string message;
  std::size_t consumed = 0;  // bytes of the buffer used (keep-alives and the message)
};

// `bad`: no or an invalid Content-Length, or more than max_message_bytes: close the stream.
SipFrame next_sip_frame(std::string_view buffer, std::size_t max_message_bytes);

}  // namespace cc::net
