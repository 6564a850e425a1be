#pragma once
// services::CallDecisionStore on the assignment engine's tables: a batch of new calls decided in
// one transaction (see include/cc/services/ports/call_decisions.hpp). The callers are resolved
// together (resolve_verified_contacts), then each call's agent is picked and claimed in one
// statement. The engine's rules: online, active, role agent, a SIP address, member of the queue
// (or the queue has no members), every skill, voice capacity > 0 and no live call or pending voice
// offer. Open chats do not block a call; a live call blocks every other offer (assignment_rows'
// load counts it).
#include "cc/services/ports/call_decisions.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgAssignmentVoice final : public services::CallDecisionStore {
 public:
  explicit PgAssignmentVoice(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::vector<services::CallDecision>>> decide_calls(
      std::vector<services::CallDecisionRequest> batch) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
