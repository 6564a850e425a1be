// A new call's agent, picked and claimed in one statement: the voice_calls row is inserted in
// the same statement that chooses the agent, and the partial unique index
// voice_calls_one_live_call_per_agent turns a race between two INVITEs (or two instances) into
// "no row inserted": then we pick again.
#include "cc/store/pg/pg_assignment_voice.hpp"

#include "pg_assignment_rows.hpp"

namespace cc::store {

namespace svc = cc::services;
using boost::asio::awaitable;

namespace {

constexpr int kClaimAttempts = 4;

const char* kClaimSql =
    "WITH existing AS (SELECT v.agent_id, coalesce(a.sip_uri, '') AS sip_uri FROM voice_calls v "
    "JOIN agents a ON a.id = v.agent_id WHERE v.channel_account_id = $1 AND v.call_id = $2), "
    "q AS (SELECT id, key, strategy FROM queues WHERE key IN ($5, 'default') "
    "ORDER BY (key = $5) DESC LIMIT 1), "
    "pref AS (SELECT coalesce($7::bigint, (SELECT c.assignee_id FROM conversations c WHERE c.customer_id = $8 "
    "AND c.assignee_id IS NOT NULL ORDER BY c.id DESC LIMIT 1)) AS id), "
    "cand AS (SELECT a.id, a.sip_uri FROM agents a, q WHERE NOT EXISTS (SELECT 1 FROM existing) "
    "AND a.active AND a.role = 'agent' AND a.status = 'online' AND coalesce(a.sip_uri, '') <> '' "
    "AND coalesce((a.capacity->>'voice')::int, 0) > (SELECT count(*) FROM conversations c "
    "WHERE c.assignee_id = a.id AND c.status = 'open' AND c.channel = 'voice') "
    "AND (NOT EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id) "
    "OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.agent_id = a.id)) "
    "AND NOT EXISTS (SELECT 1 FROM unnest($6::text[]) s(skill) WHERE NOT EXISTS (SELECT 1 FROM agent_skills k "
    "WHERE k.agent_id = a.id AND k.skill = s.skill AND k.level >= 1)) "
    "AND NOT EXISTS (SELECT 1 FROM voice_calls v WHERE v.agent_id = a.id "
    "AND v.state IN ('offered', 'ringing', 'answered')) "
    "AND NOT EXISTS (SELECT 1 FROM task_offers o WHERE o.agent_id = a.id AND o.state = 'pending' "
    "AND o.channel = 'voice') "
    "ORDER BY (a.id = (SELECT id FROM pref)) IS TRUE DESC, "
    "CASE WHEN q.strategy = 'fewest_today' AND a.assigned_day = current_date THEN a.assigned_today ELSE 0 END, "
    "greatest(coalesce(a.last_assigned_at, a.status_changed_at), a.status_changed_at), a.id "
    "LIMIT 1), "
    "ins AS (INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, "
    "state) SELECT $1, $2, $3, $4, $5, $8, cand.id, 'offered' FROM cand ON CONFLICT DO NOTHING "
    "RETURNING agent_id) "
    "SELECT 'new', ins.agent_id, (SELECT sip_uri FROM agents WHERE id = ins.agent_id) FROM ins "
    "UNION ALL SELECT 'existing', agent_id, sip_uri FROM existing "
    "UNION ALL SELECT 'lost', id, '' FROM cand";

}  // namespace

awaitable<Result<std::optional<svc::VoiceClaim>>> PgAssignmentVoice::claim_for_call(svc::VoiceClaimRequest request) {
  auto job = [request = std::move(request)](pqxx::connection& c) -> Result<std::optional<svc::VoiceClaim>> {
    const auto skills = assignment_rows::text_array(request.skills);
    const auto queue = request.queue.empty() ? std::string("default") : request.queue;
    std::optional<domain::Id> customer = request.customer_id;
    for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
      pqxx::work tx(c);
      const auto rows = tx.exec_params(kClaimSql, request.channel_account_id, request.call_id, request.caller,
                                       request.did, queue, skills, request.preferred_agent_id, customer);
      tx.commit();
      bool lost = false;
      for (const auto& row : rows) {
        if (std::string_view(row[0].c_str()) == "lost") {
          lost = true;
        } else if (!row[1].is_null()) {
          return std::optional<svc::VoiceClaim>(svc::VoiceClaim{row[1].as<domain::Id>(), row[2].c_str()});
        }
      }
      if (!lost) return std::optional<svc::VoiceClaim>{};  // nobody free
      // The candidate got another call meanwhile (or this Call-ID arrived twice at once): again.
    }
    return std::optional<svc::VoiceClaim>{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
