#include "cc/net/sip_framing.hpp"

#include <cctype>
#include <charconv>
#include <optional>

namespace cc::net {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Content-Length (or its compact form "l") from a header block; nullopt when absent, -1 when bad.
std::optional<long> content_length(std::string_view headers) {
  std::optional<long> found;
  std::size_t pos = 0;
  while (pos < headers.size()) {
    auto end = headers.find("\r\n", pos);
    if (end == std::string_view::npos) end = headers.size();
    const auto line = headers.substr(pos, end - pos);
    pos = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || line.front() == ' ' || line.front() == '\t') continue;
    auto name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!iequals(name, "content-length") && !iequals(name, "l")) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    long n = -1;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || p != value.data() + value.size() || n < 0) return -1;
    if (found && *found != n) return -1;  // two different lengths: no way to frame
    found = n;
  }
  return found;
}

}  // namespace

SipFrame next_sip_frame(std::string_view buffer, std::size_t max_message_bytes) {
  SipFrame frame;
  std::size_t start = 0;
  while (start + 1 < buffer.size() && buffer[start] == '\r' && buffer[start + 1] == '\n') start += 2;  // keep-alives
  const auto end = buffer.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    frame.kind = buffer.size() - start > max_message_bytes ? SipFrame::Kind::bad : SipFrame::Kind::need_more;
    frame.consumed = start;
    return frame;
  }
  const auto length = content_length(buffer.substr(start, end + 2 - start));
  if (!length || *length < 0 || static_cast<std::size_t>(*length) + (end + 4 - start) > max_message_bytes) {
    frame.kind = SipFrame::Kind::bad;  // RFC 3261 18.3: a stream message must carry Content-Length
    return frame;
  }
  const auto total = end + 4 + static_cast<std::size_t>(*length);
  if (buffer.size() < total) {
    frame.consumed = start;
    return frame;
  }
  frame.kind = SipFrame::Kind::message;
  frame.message.assign(buffer.substr(start, total - start));
  frame.consumed = total;
  return frame;
}

}  // namespace cc::net
