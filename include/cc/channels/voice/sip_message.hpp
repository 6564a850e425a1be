#pragma once
// A SIP request as the redirect server needs it, parsed with libosip2 plus the stricter checks
// RFC 3261 asks of a server (RFC 4475 3.1.2): request line shape, version, CSeq method, scalar
// ranges, Content-Length. Responses are built from it: every Via copied in order (the top one
// with received/rport filled from the packet's source), From, To (+ our tag), Call-ID, CSeq.
// Pure and thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cc/domain/error.hpp"

namespace cc::channels::voice {

// Where a request came from, as the transport saw it.
struct SipPeer {
  std::string address;  // textual IP
  std::uint16_t port = 0;
  bool reliable = false;  // TCP: no retransmissions, Content-Length mandatory
};

struct SipRequest {
  std::string method;
  std::string request_uri;
  std::string request_user;  // user part of the Request-URI: the dialled number (DID)
  std::vector<std::string> vias;  // response Via values, in order; the top one with received/rport
  std::string branch;             // top Via's branch ("" for RFC 2543 peers)
  std::string sent_by;            // top Via's host:port, part of the transaction key
  std::string from;
  std::string from_user;  // the caller's number
  std::string from_display;
  std::string to;
  std::string to_tag;
  std::string call_id;
  std::uint32_t cseq = 0;
  std::string cseq_method;
  std::optional<int> max_forwards;
  std::vector<std::string> require;  // option tags of every Require header
  std::string body;
};

struct SipLimits {
  std::size_t max_message_bytes = 16 * 1024;
  std::size_t max_vias = 32;
};

// Refuses (Error::invalid with the reason) what a server must not act on. `peer` fills received/rport.
Result<SipRequest> parse_sip_request(std::string_view text, const SipPeer& peer, const SipLimits& limits = {});

struct SipResponseSpec {
  int code = 200;
  std::string reason;
  std::string to_tag;  // added to To when the request's To had none ("" = none, e.g. 100 Trying)
  std::vector<std::pair<std::string, std::string>> headers;  // Contact, Allow, Retry-After ...
};

std::string build_sip_response(const SipRequest& request, const SipResponseSpec& spec);

// The methods the redirect server answers (for Allow).
inline constexpr const char* kSipAllow = "INVITE, ACK, CANCEL, OPTIONS";

}  // namespace cc::channels::voice
