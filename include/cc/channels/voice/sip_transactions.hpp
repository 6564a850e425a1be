#pragma once
// The server transaction layer of the redirect server (RFC 3261 17.2), pure and clock-injected:
// - a new INVITE gets 100 Trying and asks its owner for a routing decision (route = true); the
//   decision comes back through answer(); a retransmitted INVITE gets the last response again and
//   never a second decision;
// - over UDP a final response is retransmitted (Timer G: T1 doubling up to T2) until the ACK,
//   and given up after Timer H (64*T1), which reports the call so its reservation is released;
// - ACK is absorbed; CANCEL before the final answer -> 200 (CANCEL) + 487 (INVITE), after -> 200,
//   unknown -> 481; OPTIONS -> 200 with Allow; Max-Forwards 0 on INVITE -> 483; any Require -> 420
//   with Unsupported; other methods -> 405 with Allow; requests from outside the allow-list -> 403.
// Not thread-safe: its owner (SipService) serialises calls.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cc/channels/voice/sip_message.hpp"

namespace cc::channels::voice {

using SipTime = std::chrono::steady_clock::time_point;

struct SipTimers {
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
};

struct SipSend {
  std::string data;
  SipPeer to;
};

struct SipIncoming {
  std::vector<std::string> replies;  // to the request's peer, now, in order
  bool route = false;                // a new INVITE: decide, then answer(key, ...)
  std::string key;
  SipRequest request;  // set when route
  std::optional<std::string> cancelled_call_id;  // CANCEL arrived before the decision
};

struct SipTimerOutput {
  std::vector<SipSend> retransmissions;
  std::vector<std::string> unacknowledged_call_ids;  // Timer H fired: the 302 was never ACKed
};

class SipTransactions {
 public:
  explicit SipTransactions(SipTimers timers = {}, std::uint64_t seed = std::random_device{}());

  // `allowed`: the peer is a configured gateway.
  SipIncoming on_request(SipRequest request, const SipPeer& peer, bool allowed, SipTime now);
  // The final answer of a routed INVITE; nullopt when the transaction is gone or already answered
  // (CANCEL won the race): the caller then releases whatever it reserved.
  std::optional<std::string> answer(const std::string& key, int code, const std::string& reason,
                                    std::vector<std::pair<std::string, std::string>> headers, SipTime now);
  SipTimerOutput on_timer(SipTime now);
  std::optional<SipTime> next_deadline() const;
  std::size_t size() const { return transactions_.size(); }

 private:
  enum class State { proceeding, completed, confirmed };
  struct Transaction {
    bool invite = false;
    State state = State::proceeding;
    SipRequest request;
    SipPeer peer;
    std::string to_tag;
    std::string last_response;
    std::chrono::milliseconds interval{0};
    SipTime next_retransmit = SipTime::max();
    SipTime expires = SipTime::max();  // Timer H / I / J, or the decision's deadline
    SipTime scheduled = SipTime::max();
    bool cancelled = false;
  };

  static std::string key_of(const SipRequest& request, const std::string& method_class);
  std::string new_tag();
  std::string reply(Transaction& t, int code, const std::string& reason,
                    std::vector<std::pair<std::string, std::string>> headers = {});
  std::string finish(Transaction& t, int code, const std::string& reason,
                     std::vector<std::pair<std::string, std::string>> headers, SipTime now);
  void schedule(const std::string& key, Transaction& t);

  SipTimers timers_;
  std::mt19937_64 random_;
  std::unordered_map<std::string, Transaction> transactions_;
  std::multimap<SipTime, std::string> schedule_;  // stale entries are skipped when popped
};

}  // namespace cc::channels::voice
