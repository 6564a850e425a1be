#pragma once
// services::AgentAvailability on the assignment engine's tables: which agent takes a new call,
// claimed in one statement (see include/cc/services/ports/agent_availability.hpp). The engine's
// rules: online, active, role agent, a SIP address, member of the queue (or the queue has no
// members), every skill, voice capacity > 0 and no live call or pending voice offer. Open chats
// do not block a call; a live call blocks every other offer (assignment_rows' load counts it).
#include "cc/services/ports/agent_availability.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgAssignmentVoice final : public services::AgentAvailability {
 public:
  explicit PgAssignmentVoice(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::optional<services::VoiceClaim>>> claim_for_call(
      services::VoiceClaimRequest request) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
