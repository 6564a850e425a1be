#include "cc/channels/voice/sip_transactions.hpp"

#include <algorithm>
#include <cstdio>

namespace cc::channels::voice {

SipTransactions::SipTransactions(SipTimers timers, std::uint64_t seed) : timers_(timers), random_(seed) {}

namespace {

bool rfc3261_branch(const SipRequest& request) { return request.branch.starts_with("z9hG4bK"); }

// The tag parameter of a From/To value ("" when none); header parameters follow the '>' when
// there is one.
std::string tag_of(const std::string& header) {
  const auto gt = header.rfind('>');
  const auto params = gt == std::string::npos ? std::string_view(header) : std::string_view(header).substr(gt);
  for (std::size_t at = params.find(';'); at != std::string_view::npos; at = params.find(';', at + 1)) {
    auto param = params.substr(at + 1);
    param = param.substr(0, param.find(';'));
    while (!param.empty() && param.front() == ' ') param.remove_prefix(1);
    if (param.size() > 4 && (param[0] | 0x20) == 't' && (param[1] | 0x20) == 'a' && (param[2] | 0x20) == 'g' &&
        param[3] == '=') {
      auto value = param.substr(4);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      return std::string(value);
    }
  }
  return {};
}

}  // namespace

// RFC 3261 17.2.3: branch + sent-by + method (ACK and CANCEL match their INVITE). RFC 2543 peers
// without the magic cookie: Request-URI, From tag, Call-ID, CSeq number and the top Via (sent-by
// and whatever branch it has); an ACK must also carry the To tag of our response (checked in
// on_request).
std::string SipTransactions::key_of(const SipRequest& request, const std::string& method_class) {
  if (rfc3261_branch(request)) return request.branch + "|" + request.sent_by + "|" + method_class;
  return "2543|" + request.request_uri + "|" + tag_of(request.from) + "|" + request.call_id + "|" +
         std::to_string(request.cseq) + "|" + request.sent_by + "|" + request.branch + "|" + method_class;
}

std::string SipTransactions::new_tag() {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random_()));
  return text;
}

std::string SipTransactions::reply(Transaction& t, int code, const std::string& reason,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  SipResponseSpec spec{code, reason, code == 100 ? std::string() : t.to_tag, std::move(headers)};
  t.last_response = build_sip_response(t.request, spec);
  return t.last_response;
}

std::string SipTransactions::finish(Transaction& t, int code, const std::string& reason,
                                    std::vector<std::pair<std::string, std::string>> headers, SipTime now) {
  auto text = reply(t, code, reason, std::move(headers));
  t.state = State::completed;
  if (t.invite) {
    if (!t.peer.reliable) {  // Timer G
      t.interval = timers_.t1;
      t.next_retransmit = now + t.interval;
    }
    t.expires = now + 64 * timers_.t1;  // Timer H
  } else {
    t.expires = t.peer.reliable ? now : now + 64 * timers_.t1;  // Timer J
  }
  return text;
}

void SipTransactions::schedule(const std::string& key, Transaction& t) {
  const auto when = std::min(t.next_retransmit, t.expires);
  if (when == t.scheduled) return;
  t.scheduled = when;
  if (when != SipTime::max()) schedule_.emplace(when, key);
}

SipIncoming SipTransactions::on_request(SipRequest request, const SipPeer& peer, bool allowed, SipTime now) {
  SipIncoming out;
  const auto invite_key = key_of(request, "INVITE");

  if (request.method == "ACK") {  // absorbed; it ends Timer G/H
    auto it = transactions_.find(invite_key);
    const bool tag_matches = rfc3261_branch(request) || (it != transactions_.end() && request.to_tag == it->second.to_tag);
    if (it != transactions_.end() && it->second.state == State::completed && tag_matches) {
      auto& t = it->second;
      t.state = State::confirmed;
      t.next_retransmit = SipTime::max();
      t.expires = t.peer.reliable ? now : now + timers_.t4;  // Timer I
      schedule(invite_key, t);
    }
    return out;
  }

  const auto key = request.method == "INVITE" ? invite_key : key_of(request, request.method);
  if (auto it = transactions_.find(key); it != transactions_.end()) {  // a retransmission
    if (!it->second.last_response.empty()) out.replies.push_back(it->second.last_response);
    return out;
  }

  Transaction t;
  t.invite = request.method == "INVITE";
  t.request = std::move(request);
  t.peer = peer;
  t.to_tag = new_tag();
  const auto& r = t.request;
  const bool honours_require = r.method != "CANCEL";

  if (!allowed) {
    out.replies.push_back(finish(t, 403, "Forbidden", {}, now));
  } else if (honours_require && !r.require.empty()) {
    std::string tags;
    for (const auto& tag : r.require) tags += (tags.empty() ? "" : ", ") + tag;
    out.replies.push_back(finish(t, 420, "Bad Extension", {{"Unsupported", tags}}, now));
  } else if (r.method == "CANCEL") {
    auto invite = transactions_.find(invite_key);
    if (invite == transactions_.end()) {
      out.replies.push_back(finish(t, 481, "Call/Transaction Does Not Exist", {}, now));
    } else {
      // The 200 for the CANCEL carries the INVITE's To tag (RFC 3261 9.2).
      t.to_tag = invite->second.to_tag;
      out.replies.push_back(finish(t, 200, "OK", {}, now));
      auto& inv = invite->second;
      if (inv.state == State::proceeding) {
        inv.cancelled = true;
        out.cancelled_call_id = inv.request.call_id;
        out.replies.push_back(finish(inv, 487, "Request Terminated", {}, now));
        schedule(invite_key, inv);
      }
    }
  } else if (r.method == "OPTIONS") {
    out.replies.push_back(finish(t, 200, "OK", {{"Allow", kSipAllow}, {"Accept", "application/sdp"}}, now));
  } else if (!t.invite) {
    out.replies.push_back(finish(t, 405, "Method Not Allowed", {{"Allow", kSipAllow}}, now));
  } else if (r.max_forwards && *r.max_forwards == 0) {
    out.replies.push_back(finish(t, 483, "Too Many Hops", {}, now));
  } else if (!r.to_tag.empty()) {  // a re-INVITE: a redirect server holds no dialogs
    out.replies.push_back(finish(t, 481, "Call/Transaction Does Not Exist", {}, now));
  } else {
    out.replies.push_back(reply(t, 100, "Trying"));
    t.expires = now + 64 * timers_.t1;  // a decision that never comes does not leak
    out.route = true;
    out.key = key;
    out.request = t.request;
  }
  auto [it, inserted] = transactions_.emplace(key, std::move(t));
  schedule(key, it->second);
  return out;
}

std::optional<std::string> SipTransactions::answer(const std::string& key, int code, const std::string& reason,
                                                   std::vector<std::pair<std::string, std::string>> headers,
                                                   SipTime now) {
  auto it = transactions_.find(key);
  if (it == transactions_.end() || it->second.state != State::proceeding) return std::nullopt;
  auto text = finish(it->second, code, reason, std::move(headers), now);
  schedule(key, it->second);
  return text;
}

SipTimerOutput SipTransactions::on_timer(SipTime now) {
  SipTimerOutput out;
  while (!schedule_.empty() && schedule_.begin()->first <= now) {
    const auto node = schedule_.extract(schedule_.begin());
    auto it = transactions_.find(node.mapped());
    if (it == transactions_.end() || it->second.scheduled != node.key()) continue;  // stale entry
    auto& t = it->second;
    t.scheduled = SipTime::max();
    if (t.expires <= now) {
      if (t.invite && t.state == State::completed && !t.cancelled) {
        out.unacknowledged_call_ids.push_back(t.request.call_id);
      }
      transactions_.erase(it);
      continue;
    }
    if (t.next_retransmit <= now) {
      out.retransmissions.push_back({t.last_response, t.peer});
      t.interval = std::min(2 * t.interval, timers_.t2);
      t.next_retransmit = now + t.interval;
    }
    schedule(it->first, t);
  }
  return out;
}

std::optional<SipTime> SipTransactions::next_deadline() const {
  if (schedule_.empty()) return std::nullopt;
  return schedule_.begin()->first;
}

}  // namespace cc::channels::voice
