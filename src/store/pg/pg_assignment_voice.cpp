// New calls decided in one transaction per batch: callers resolved together
// (resolve_verified_contacts), agents claimed together (claim_voice_agents), calls nobody was
// free for recorded together, one commit.
#include "cc/store/pg/pg_assignment_voice.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "cc/store/pg/pg_identity_resolution.hpp"
#include "pg_voice_claims.hpp"

namespace cc::store {

namespace svc = cc::services;
using boost::asio::awaitable;

namespace {

// Calls nobody was free for, recorded in one statement (a repeated Call-ID keeps its first row).
void record_unrouted(pqxx::transaction_base& tx, const nlohmann::json& rows) {
  if (rows.empty()) return;
  tx.exec_params(
      "INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, state) "
      "SELECT account, call_id, caller, did, queue, customer, state FROM jsonb_to_recordset($1::jsonb) "
      "AS x(account bigint, call_id text, caller text, did text, queue text, customer bigint, state text) "
      "ON CONFLICT DO NOTHING",
      rows.dump());
}

}  // namespace

awaitable<Result<std::vector<svc::CallDecision>>> PgAssignmentVoice::decide_calls(
    std::vector<svc::CallDecisionRequest> batch) {
  auto job = [batch = std::move(batch)](pqxx::connection& c) -> Result<std::vector<svc::CallDecision>> {
    pqxx::work tx(c);
    // Not waiting for the WAL flush: a crash loses at most the last ~0.6 s of decisions, whose
    // calls the PBX carries anyway; its call events re-create the records (PgVoiceCalls::
    // record_event), and a lost claim only frees an agent early.
    tx.exec("SET LOCAL synchronous_commit = off");
    std::vector<VerifiedContact> contacts;
    std::vector<std::size_t> contact_of_call;  // index into contacts, or npos
    for (const auto& request : batch) {
      if (!request.caller) {
        contact_of_call.push_back(std::string::npos);
        continue;
      }
      contact_of_call.push_back(contacts.size());
      contacts.push_back(VerifiedContact{*request.caller, request.caller_name});
    }
    const auto customers = resolve_verified_contacts(tx, contacts);
    std::vector<svc::CallDecision> decisions;
    decisions.reserve(batch.size());
    auto unrouted = nlohmann::json::array();
    std::vector<svc::VoiceClaimRequest> claims;
    claims.reserve(batch.size());
    std::set<domain::Id> new_customers;  // no conversations yet: no last agent to look up
    for (std::size_t i = 0; i < batch.size(); ++i) {
      claims.push_back(batch[i].claim);
      if (contact_of_call[i] == std::string::npos) continue;
      const auto& customer = customers[contact_of_call[i]];
      claims.back().customer_id = customer.customer_id;
      if (customer.created) new_customers.insert(customer.customer_id);
    }
    auto agents = claim_voice_agents(c, tx, claims, new_customers);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      svc::CallDecision decision;
      const auto& claim = claims[i];
      decision.customer_id = claim.customer_id;
      decision.agent = std::move(agents[i]);
      if (!decision.agent) {
        const auto queue = claim.queue.empty() ? std::string("default") : claim.queue;
        unrouted.push_back({{"account", claim.channel_account_id}, {"call_id", claim.call_id},
                            {"caller", claim.caller}, {"did", claim.did}, {"queue", queue},
                            {"customer", claim.customer_id ? nlohmann::json(*claim.customer_id) : nlohmann::json()},
                            {"state", batch[i].unrouted_state}});
      }
      decisions.push_back(std::move(decision));
    }
    record_unrouted(tx, unrouted);
    tx.commit();
    return decisions;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
