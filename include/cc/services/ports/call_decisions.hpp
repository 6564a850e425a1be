#pragma once
// Port: the routing decision for new calls, many at a time. The SIP redirect server hands over
// every INVITE that arrived while the previous batch was being decided (group commit), and the
// store decides them all in one transaction: resolve each caller to a customer (identity rules),
// then pick and claim a free agent for each call, in arrival order. One commit per batch is
// what lets the redirect server answer 2,000 INVITEs/s with p99 < 10 ms.
//
// Contract for every implementation:
// - Caller: `caller` (a verified phone number: the network delivered the call from it) resolves
//   to a customer exactly as identity resolution does for any verified identifier, creating the
//   customer when nobody holds the number. The result goes into the claim's customer_id.
// - Candidates: active agents, status 'online', with a non-empty agents.sip_uri, members of
//   `queue` (a queue without queue_members rows accepts every agent; an unknown queue key is
//   treated like 'default'), holding every skill in `skills` (agent_skills, level >= 1).
// - Free: the agent has no live call (a voice_calls row in state offered|ringing|answered) and
//   no pending voice offer, and the assignment engine's own capacity rules say "room for a
//   voice call" (capacity->>'voice'). Whether open chats block a call is the engine's policy;
//   a live call blocks every other offer (the engine's side of the agreement).
// - Order: `preferred_agent_id` (or, when unset, the customer's last agent) first when free;
//   then the queue's strategy (longest idle by default). `priority` > 0 (VIP) never makes a
//   busy agent free; it only matters if the engine queues calls.
// - Claim: in the same transaction as the pick, insert the voice_calls row
//   (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, state 'offered').
//   The partial unique index voice_calls_one_live_call_per_agent makes two INVITEs never get the
//   same agent, even across server instances or concurrent batches: on conflict pick again.
// - Idempotent: a call_id that already has a row returns that row's agent (an INVITE arriving
//   again after its transaction ended gets the same answer).
// - Unrouted: a call nobody was free for gets its voice_calls row too, agent null, state
//   `unrouted_state`, so it shows as waiting/missed.
// - One result per request, in order. The whole batch fails together (unavailable) when the
//   database cannot commit.
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

struct CallDecisionRequest {
  VoiceClaimRequest claim;                    // claim.customer_id is set from `caller` when given
  std::optional<domain::Identifier> caller;   // verified; resolved to a customer first
  std::optional<std::string> caller_name;     // the From display name, for a new customer
  // Nobody free: the call is recorded with this state ("overflowed" or "rejected"), for the
  // dashboard and the missed-call task, in the same transaction.
  std::string unrouted_state = "rejected";
};

struct CallDecision {
  std::optional<domain::Id> customer_id;
  std::optional<VoiceClaim> agent;  // nullopt: nobody in the queue is free
};

class CallDecisionStore {
 public:
  virtual ~CallDecisionStore() = default;
  // See the contract above. Errors only for infrastructure failures, for the whole batch.
  virtual boost::asio::awaitable<Result<std::vector<CallDecision>>> decide_calls(
      std::vector<CallDecisionRequest> batch) = 0;
};

}  // namespace cc::services
