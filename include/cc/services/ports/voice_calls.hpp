#pragma once
// Ports of the voice channel (implemented in store/pg/pg_voice_calls):
// - CallRouter frees an agent whose offer ended without a call, and records calls nobody was
//   offered. (Choosing the agent is CallDecisionStore's job: ports/call_decisions.hpp.)
// - VoiceCallStore records what the PBX reports about calls (webhook events).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct CallRequest {
  domain::Id channel_account_id = 0;
  std::string call_id;
  std::string caller;  // normalised phone number, or the raw From user
  std::string did;
  std::string queue;
  std::optional<domain::Id> customer_id;
};

class CallRouter {
 public:
  virtual ~CallRouter() = default;
  // The offer ended without a call (CANCEL, no ACK): the agent is free again.
  virtual boost::asio::awaitable<void> release(domain::Id channel_account_id, std::string call_id) = 0;
  // Remembers a call nobody was offered (overflow / 480), for the missed-call task.
  virtual boost::asio::awaitable<void> record_unrouted(CallRequest request, bool overflowed) = 0;
};

struct CallEvent {
  std::string call_id;
  std::string event;  // ringing, answered, hangup
  std::string from;
  std::string to;
  std::string agent;  // the agent's SIP URI as the PBX knows it ("" = unknown)
  std::string cause;
  std::optional<int> duration;
  std::optional<int> billsec;
};

struct CallRecord {
  std::optional<domain::Id> agent_id;
  std::optional<domain::Id> customer_id;
  bool answered = false;
  std::string state;
};

class VoiceCallStore {
 public:
  virtual ~VoiceCallStore() = default;
  virtual boost::asio::awaitable<Result<CallRecord>> record_event(domain::Id channel_account_id, CallEvent event) = 0;
  // True exactly once per call: the caller that gets true creates the callback task.
  virtual boost::asio::awaitable<Result<bool>> claim_callback(domain::Id channel_account_id, std::string call_id) = 0;
  // The task could not be created: let the next delivery of the event try again.
  virtual boost::asio::awaitable<void> unclaim_callback(domain::Id channel_account_id, std::string call_id) = 0;
  virtual boost::asio::awaitable<Status> link(domain::Id channel_account_id, std::string call_id,
                                              std::optional<domain::Id> conversation_id,
                                              std::optional<domain::Id> ticket_id) = 0;
  // Offers the PBX never confirmed (no ringing/answered within ring_timeout) free their agent.
  virtual boost::asio::awaitable<Status> expire_offers(int ring_timeout_seconds) = 0;
};

}  // namespace cc::services
