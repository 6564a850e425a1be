#pragma once
// Claiming agents for new calls inside the caller's transaction (PgAssignmentVoice's batch).
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <vector>

#include "cc/services/ports/call_decisions.hpp"

namespace cc::store {

// One result per call, in order: the agent claimed (a voice_calls row 'offered' inserted), or
// nullopt when nobody in the call's queue is free. Calls sharing a queue and skills are claimed
// with one pick and one insert; see the contract in services/ports/call_decisions.hpp.
// `new_customers`: customers made in this transaction, who have no last agent to look up.
std::vector<std::optional<services::VoiceClaim>> claim_voice_agents(
    pqxx::connection& connection, pqxx::transaction_base& tx,
    const std::vector<services::VoiceClaimRequest>& calls, const std::set<domain::Id>& new_customers);

}  // namespace cc::store
