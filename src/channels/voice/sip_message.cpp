#include "cc/channels/voice/sip_message.hpp"

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>

namespace cc::channels::voice {
namespace {

// osip_*_to_str allocates with malloc; this owns the result.
struct OsipString {
  char* p = nullptr;
  ~OsipString() { osip_free(p); }
  std::string str() const { return p ? std::string(p) : std::string(); }
};

struct MessageDeleter {
  void operator()(osip_message_t* m) const { osip_message_free(m); }
};

void init_parser_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    parser_init();
    // osip would print every refused datagram to stderr; refusals are counted by the caller.
    for (int level = TRACE_LEVEL0; level < END_TRACE_LEVEL; ++level) {
      osip_trace_disable_level(static_cast<osip_trace_level_t>(level));
    }
  });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 3261 25.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, single spaces, a bare
// URI (RFC 4475 ltgtruri, lwsruri, lwsstart, trws, badvers).
std::optional<std::string> check_request_line(std::string_view line) {
  if (line.empty() || line.front() == ' ') return "request line starts with a space";
  const auto first = line.find(' ');
  if (first == std::string_view::npos) return "request line has no Request-URI";
  const auto second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return "request line has no SIP version";
  if (line.find(' ', second + 1) != std::string_view::npos) return "request line has extra spaces";
  if (second == first + 1) return "request line has two spaces in a row";
  const auto uri = line.substr(first + 1, second - first - 1);
  if (uri.front() == '<') return "Request-URI is enclosed in <>";
  if (line.substr(second + 1) != "SIP/2.0") return "unsupported SIP version";
  return std::nullopt;
}

std::string via_with_source(osip_via_t* via, const SipPeer& peer) {
  osip_generic_param_t* rport = nullptr;
  osip_via_param_get_byname(via, const_cast<char*>("rport"), &rport);
  if (rport) {
    osip_free(rport->gvalue);
    rport->gvalue = osip_strdup(std::to_string(peer.port).c_str());
  }
  // RFC 3261 18.2.1: received when sent-by differs from the source (always with rport).
  const bool differs = !via->host || peer.address != via->host;
  if (differs || rport) {
    osip_generic_param_t* received = nullptr;
    osip_via_param_get_byname(via, const_cast<char*>("received"), &received);
    if (received) {
      osip_free(received->gvalue);
      received->gvalue = osip_strdup(peer.address.c_str());
    } else {
      osip_via_set_received(via, osip_strdup(peer.address.c_str()));
    }
  }
  OsipString text;
  if (osip_via_to_str(via, &text.p) != OSIP_SUCCESS) return {};
  return text.str();
}

}  // namespace

Result<SipRequest> parse_sip_request(std::string_view text, const SipPeer& peer, const SipLimits& limits) {
  if (text.size() > limits.max_message_bytes) return Error::invalid("message too large");
  if (text.empty() || text.find('\0') != std::string_view::npos) return Error::invalid("empty or binary message");
  const auto line_end = text.find("\r\n");
  if (line_end == std::string_view::npos) return Error::invalid("no CRLF after the request line");
  if (text.starts_with("SIP/")) return Error::invalid("a response, not a request");
  if (auto problem = check_request_line(text.substr(0, line_end))) return Error::invalid(*problem);

  auto header_end = text.find("\r\n\r\n");
  if (header_end == std::string_view::npos) return Error::invalid("headers are not terminated by an empty line");
  std::string_view body = text.substr(header_end + 4);

  // RFC 3261 7.3.1: header line folding is equivalent to one space; unfold before osip reads it.
  std::string unfolded;
  unfolded.reserve(text.size());
  for (std::size_t i = 0; i < header_end + 4; ++i) {
    if (i < header_end && text[i] == '\r' && text[i + 1] == '\n' && (text[i + 2] == ' ' || text[i + 2] == '\t')) {
      unfolded += ' ';
      i += 1;  // skip the LF; the SP/HT is kept and collapses with it
      continue;
    }
    unfolded += text[i];
  }
  unfolded.append(body);

  init_parser_once();
  osip_message_t* raw = nullptr;
  if (osip_message_init(&raw) != OSIP_SUCCESS) return Error::invalid("out of memory");
  std::unique_ptr<osip_message_t, MessageDeleter> msg(raw);
  // osip reads the body by Content-Length itself; give it only what Content-Length allows so an
  // oversized claim is our refusal, not its read past the end.
  if (osip_message_parse(msg.get(), unfolded.data(), unfolded.size()) != OSIP_SUCCESS) {
    return Error::invalid("unparsable SIP message");
  }
  if (!MSG_IS_REQUEST(msg.get()) || !msg->sip_method || !msg->req_uri) return Error::invalid("not a request");

  SipRequest out;
  out.method = msg->sip_method;
  {
    OsipString uri;
    if (osip_uri_to_str(msg->req_uri, &uri.p) != OSIP_SUCCESS) return Error::invalid("bad Request-URI");
    out.request_uri = uri.str();
    if (msg->req_uri->username) out.request_user = msg->req_uri->username;
  }
  if (!msg->from || !msg->to || !msg->call_id || !msg->cseq || osip_list_size(&msg->vias) == 0) {
    return Error::invalid("missing one of Via, From, To, Call-ID, CSeq");
  }
  // Content-Length: digits only, no more than the datagram holds (RFC 4475 clerr, ncl).
  if (msg->content_length && msg->content_length->value) {
    const std::string_view value = trim(msg->content_length->value);
    if (!all_digits(value) || value.size() > 7) return Error::invalid("bad Content-Length");
    std::size_t length = 0;
    std::from_chars(value.data(), value.data() + value.size(), length);
    if (length > body.size()) return Error::invalid("Content-Length larger than the message");
    body = body.substr(0, length);
  }
  out.body.assign(body);

  const std::string_view cseq_number = msg->cseq->number ? trim(msg->cseq->number) : std::string_view();
  if (!all_digits(cseq_number) || cseq_number.size() > 10) return Error::invalid("bad CSeq number");
  std::uint64_t cseq = 0;
  std::from_chars(cseq_number.data(), cseq_number.data() + cseq_number.size(), cseq);
  if (cseq >= (1ULL << 31)) return Error::invalid("CSeq number out of range");  // RFC 3261 8.1.1.5
  out.cseq = static_cast<std::uint32_t>(cseq);
  out.cseq_method = msg->cseq->method ? msg->cseq->method : "";
  if (out.cseq_method != out.method) return Error::invalid("CSeq method differs from the request method");

  osip_header_t* max_forwards = nullptr;
  if (osip_message_get_max_forwards(msg.get(), 0, &max_forwards) >= 0 && max_forwards) {
    const std::string_view value = max_forwards->hvalue ? trim(max_forwards->hvalue) : std::string_view();
    if (!all_digits(value) || value.size() > 4) return Error::invalid("bad Max-Forwards");
    int hops = 0;
    std::from_chars(value.data(), value.data() + value.size(), hops);
    if (hops > 255) return Error::invalid("Max-Forwards out of range");  // RFC 4475 scalar02
    out.max_forwards = hops;
  }
  for (int pos = 0;;) {
    osip_header_t* require = nullptr;
    const int found = osip_message_header_get_byname(msg.get(), "require", pos, &require);
    if (found < 0 || !require) break;
    std::string_view list = require->hvalue ? require->hvalue : "";
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto tag = trim(list.substr(0, comma));
      if (!tag.empty()) out.require.emplace_back(tag);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    pos = found + 1;
  }

  const int via_count = osip_list_size(&msg->vias);
  if (static_cast<std::size_t>(via_count) > limits.max_vias) return Error::invalid("too many Via headers");
  for (int i = 0; i < via_count; ++i) {
    auto* via = static_cast<osip_via_t*>(osip_list_get(&msg->vias, i));
    if (!via || !via->host || !via->version || std::string_view(via->version) != "2.0") {
      return Error::invalid("bad Via");
    }
    if (i == 0) {
      osip_generic_param_t* branch = nullptr;
      osip_via_param_get_byname(via, const_cast<char*>("branch"), &branch);
      if (branch && branch->gvalue) out.branch = branch->gvalue;
      out.sent_by = std::string(via->host) + ":" + (via->port ? via->port : "5060");
      out.vias.push_back(via_with_source(via, peer));
    } else {
      OsipString text;
      if (osip_via_to_str(via, &text.p) != OSIP_SUCCESS) return Error::invalid("bad Via");
      out.vias.push_back(text.str());
    }
    if (out.vias.back().empty()) return Error::invalid("bad Via");
  }

  OsipString from, to, call_id;
  if (osip_from_to_str(msg->from, &from.p) != OSIP_SUCCESS || osip_to_to_str(msg->to, &to.p) != OSIP_SUCCESS ||
      osip_call_id_to_str(msg->call_id, &call_id.p) != OSIP_SUCCESS) {
    return Error::invalid("bad From, To or Call-ID");
  }
  out.from = from.str();
  out.to = to.str();
  out.call_id = call_id.str();
  if (out.call_id.empty()) return Error::invalid("empty Call-ID");
  if (msg->from->url && msg->from->url->username) out.from_user = msg->from->url->username;
  if (msg->from->displayname) out.from_display = msg->from->displayname;
  osip_generic_param_t* tag = nullptr;
  osip_generic_param_get_byname(&msg->to->gen_params, const_cast<char*>("tag"), &tag);
  if (tag && tag->gvalue) out.to_tag = tag->gvalue;
  return out;
}

std::string build_sip_response(const SipRequest& request, const SipResponseSpec& spec) {
  std::string out;
  out.reserve(512);
  out += "SIP/2.0 " + std::to_string(spec.code) + " " + spec.reason + "\r\n";
  for (const auto& via : request.vias) out += "Via: " + via + "\r\n";
  out += "From: " + request.from + "\r\n";
  out += "To: " + request.to;
  if (request.to_tag.empty() && !spec.to_tag.empty()) out += ";tag=" + spec.to_tag;
  out += "\r\n";
  out += "Call-ID: " + request.call_id + "\r\n";
  out += "CSeq: " + std::to_string(request.cseq) + " " + request.cseq_method + "\r\n";
  for (const auto& [name, value] : spec.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace cc::channels::voice
