#pragma once
// Port: which agent may take a voice call now, claimed atomically (sip helper writes it, the
// assignment engine implements it; until then store/pg/pg_voice_calls implements it with one
// SQL statement).
//
// Contract for every implementation:
// - Candidates: active agents, status 'online', with a non-empty agents.sip_uri, members of
//   `queue` (a queue without queue_members rows accepts every agent; an unknown queue key is
//   treated like 'default'), holding every skill in `skills` (agent_skills, level >= 1).
// - Free: the agent has no live call (a voice_calls row in state offered|ringing|answered) and
//   no pending voice offer, and the assignment engine's own capacity rules say "room for a
//   voice call" (capacity->>'voice', wrap-up, ...). Whether open chats block a call is the
//   engine's policy; a live call blocks every other offer (the engine's side of the agreement).
// - Order: `preferred_agent_id` (or, when unset, the customer's last agent) first when free;
//   then the queue's strategy (longest idle by default). `priority` > 0 (VIP) never makes a
//   busy agent free; it only matters if the engine queues calls.
// - Claim: in the same transaction as the pick, insert the voice_calls row
//   (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, state 'offered').
//   The partial unique index voice_calls_one_live_call_per_agent makes two INVITEs never get the
//   same agent, even across server instances: on conflict pick again (bounded retries).
// - Idempotent: a call_id that already has a row returns that row's agent (an INVITE arriving
//   again after its transaction ended gets the same answer).
// - Fast: the SIP redirect server calls this once per new INVITE and must answer 2,000/s with
//   p99 < 10 ms; one round trip to the database is the budget.
// Releasing a claim (CANCEL, no ACK) and the call's later states stay with CallRouter /
// VoiceCallStore (services/ports/voice_calls.hpp): they only update voice_calls.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct VoiceClaimRequest {
  domain::Id channel_account_id = 0;
  std::string call_id;  // SIP Call-ID
  std::string caller;   // normalised phone number, or the raw From user
  std::string did;      // the dialled number (Request-URI user)
  std::string queue;    // the DID's queue key ("default" when the DID is not configured)
  std::vector<std::string> skills;          // required skills (all of them)
  std::optional<domain::Id> customer_id;    // resolved caller
  std::optional<domain::Id> preferred_agent_id;  // e.g. the customer's last agent
  int priority = 0;                         // VIP tier > 0
};

struct VoiceClaim {
  domain::Id agent_id = 0;
  std::string sip_uri;  // agents.sip_uri, as stored
};

class AgentAvailability {
 public:
  virtual ~AgentAvailability() = default;
  // Picks and claims a free agent for the call (see the contract above); nullopt when nobody in
  // the queue is free. Errors only for infrastructure failures.
  virtual boost::asio::awaitable<Result<std::optional<VoiceClaim>>> claim_for_call(VoiceClaimRequest request) = 0;
};

}  // namespace cc::services
