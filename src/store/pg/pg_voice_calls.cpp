#include "cc/store/pg/pg_voice_calls.hpp"

namespace cc::store {

using boost::asio::awaitable;
using namespace services;

namespace {

// One statement: pick a free agent of the DID's queue (queue_members; a queue without members, or
// an unknown queue key, accepts every agent) holding every required skill, with room for a voice
// call and no live call or pending voice offer; the preferred (else the customer's last) agent
// first, then longest idle; rows other pickers hold are skipped. Then insert the live call. The
// partial unique index on voice_calls(agent_id) settles a race with another instance: the insert
// does nothing and the picker tries again.
constexpr const char* kClaimSql = R"(
WITH q AS (
  SELECT coalesce((SELECT id FROM queues WHERE key = $5), (SELECT id FROM queues WHERE key = 'default')) AS id),
preferred AS (
  SELECT coalesce($8::bigint,
    (SELECT assignee_id FROM conversations
     WHERE customer_id = $6 AND assignee_id IS NOT NULL ORDER BY last_message_at DESC LIMIT 1)) AS id),
pick AS (
  SELECT a.id, a.sip_uri FROM agents a
  WHERE a.status = 'online' AND a.active AND coalesce(a.sip_uri, '') <> ''
    AND coalesce((a.capacity->>'voice')::int, 1) > 0
    AND (NOT EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = (SELECT id FROM q))
         OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = (SELECT id FROM q) AND m.agent_id = a.id))
    AND NOT EXISTS (SELECT jsonb_array_elements_text($7::jsonb)
                    EXCEPT SELECT s.skill FROM agent_skills s WHERE s.agent_id = a.id)
    AND NOT EXISTS (SELECT 1 FROM voice_calls v WHERE v.agent_id = a.id
                    AND v.state IN ('offered', 'ringing', 'answered'))
    AND NOT EXISTS (SELECT 1 FROM task_offers o WHERE o.agent_id = a.id AND o.state = 'pending'
                    AND o.channel = 'voice')
  ORDER BY coalesce(a.id = (SELECT id FROM preferred), false) DESC, a.status_changed_at, a.id
  LIMIT 1 FOR NO KEY UPDATE OF a SKIP LOCKED),
ins AS (
  INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, state)
  SELECT $1, $2, $3, $4, $5, $6, pick.id, 'offered' FROM pick
  ON CONFLICT DO NOTHING
  RETURNING agent_id)
SELECT (SELECT id FROM pick), (SELECT sip_uri FROM pick), (SELECT agent_id FROM ins),
       (SELECT v.agent_id FROM voice_calls v WHERE v.channel_account_id = $1 AND v.call_id = $2),
       (SELECT a.sip_uri FROM voice_calls v JOIN agents a ON a.id = v.agent_id
        WHERE v.channel_account_id = $1 AND v.call_id = $2))";

std::string skills_json(const std::vector<std::string>& skills) {
  std::string out = "[";
  for (const auto& skill : skills) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char ch : skill) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
    }
    out += '"';
  }
  return out + "]";
}

}  // namespace

awaitable<Result<std::optional<VoiceClaim>>> PgVoiceCalls::claim_for_call(VoiceClaimRequest request) {
  auto job = [request = std::move(request)](pqxx::connection& c) -> Result<std::optional<VoiceClaim>> {
    const auto skills = skills_json(request.skills);
    for (int attempt = 0; attempt < 3; ++attempt) {
      pqxx::work tx(c);
      const auto row = tx.exec_params1(kClaimSql, request.channel_account_id, request.call_id, request.caller,
                                       request.did, request.queue, request.customer_id, skills,
                                       request.preferred_agent_id);
      tx.commit();
      if (!row[2].is_null()) return std::optional<VoiceClaim>(VoiceClaim{row[2].as<domain::Id>(), row[1].as<std::string>()});
      // The same call routed before (an INVITE after its transaction ended): the same agent.
      if (!row[3].is_null() && !row[4].is_null()) {
        return std::optional<VoiceClaim>(VoiceClaim{row[3].as<domain::Id>(), row[4].as<std::string>()});
      }
      if (row[0].is_null()) return std::optional<VoiceClaim>();  // nobody free
      // Picked an agent another instance reserved a moment earlier: pick again.
    }
    return std::optional<VoiceClaim>();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<CallOffer>>> PgVoiceCalls::offer(CallRequest request) {
  VoiceClaimRequest claim;
  claim.channel_account_id = request.channel_account_id;
  claim.call_id = std::move(request.call_id);
  claim.caller = std::move(request.caller);
  claim.did = std::move(request.did);
  claim.queue = std::move(request.queue);
  claim.customer_id = request.customer_id;
  auto claimed = co_await claim_for_call(std::move(claim));
  if (!claimed) co_return claimed.error();
  if (!*claimed) co_return std::optional<CallOffer>();
  co_return std::optional<CallOffer>(CallOffer{(*claimed)->agent_id, (*claimed)->sip_uri});
}

awaitable<void> PgVoiceCalls::release(domain::Id channel_account_id, std::string call_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE voice_calls SET state = 'released', ended_at = now() "
        "WHERE channel_account_id = $1 AND call_id = $2 AND state = 'offered'",
        channel_account_id, call_id);
    tx.commit();
    return Ok{};
  };
  co_await pool_.run(std::move(job));
}

awaitable<void> PgVoiceCalls::record_unrouted(CallRequest request, bool overflowed) {
  auto job = [request = std::move(request), overflowed](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, state) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        request.channel_account_id, request.call_id, request.caller, request.did, request.queue,
        request.customer_id, std::string(overflowed ? "overflowed" : "rejected"));
    tx.commit();
    return Ok{};
  };
  co_await pool_.run(std::move(job));
}

awaitable<Result<CallRecord>> PgVoiceCalls::record_event(domain::Id channel_account_id, CallEvent event) {
  auto job = [channel_account_id, event = std::move(event)](pqxx::connection& c) -> Result<CallRecord> {
    const std::string state = event.event == "hangup" ? "ended" : event.event;
    pqxx::work tx(c);
    // Late or repeated events never reopen an ended call; the agent is matched by SIP URI when
    // the PBX reports a call we did not route.
    const auto row = tx.exec_params1(
        "INSERT INTO voice_calls (channel_account_id, call_id, caller, did, state, hangup_cause, duration_seconds, "
        "  billsec, answered_at, ended_at, agent_id) "
        "VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, "
        "  CASE WHEN $5 = 'answered' THEN now() END, CASE WHEN $5 = 'ended' THEN now() END, "
        "  CASE WHEN $5 = 'ended' THEN (SELECT id FROM agents WHERE sip_uri = nullif($9, '') LIMIT 1) END) "
        "ON CONFLICT (channel_account_id, call_id) DO UPDATE SET "
        "  state = CASE WHEN voice_calls.state = 'ended' THEN 'ended' ELSE EXCLUDED.state END, "
        "  hangup_cause = coalesce(EXCLUDED.hangup_cause, voice_calls.hangup_cause), "
        "  duration_seconds = coalesce(EXCLUDED.duration_seconds, voice_calls.duration_seconds), "
        "  billsec = coalesce(EXCLUDED.billsec, voice_calls.billsec), "
        "  answered_at = coalesce(voice_calls.answered_at, EXCLUDED.answered_at), "
        "  ended_at = coalesce(voice_calls.ended_at, EXCLUDED.ended_at) "
        "RETURNING agent_id, customer_id, answered_at IS NOT NULL, state",
        channel_account_id, event.call_id, event.from, event.to, state, event.cause, event.duration, event.billsec,
        event.agent);
    tx.commit();
    CallRecord record;
    if (!row[0].is_null()) record.agent_id = row[0].as<domain::Id>();
    if (!row[1].is_null()) record.customer_id = row[1].as<domain::Id>();
    record.answered = row[2].as<bool>();
    record.state = row[3].as<std::string>();
    return record;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<bool>> PgVoiceCalls::claim_callback(domain::Id channel_account_id, std::string call_id) {
  auto job = [=](pqxx::connection& c) -> Result<bool> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "UPDATE voice_calls SET callback_claimed = true "
        "WHERE channel_account_id = $1 AND call_id = $2 AND NOT callback_claimed RETURNING id",
        channel_account_id, call_id);
    tx.commit();
    return !rows.empty();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<void> PgVoiceCalls::unclaim_callback(domain::Id channel_account_id, std::string call_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE voice_calls SET callback_claimed = false "
        "WHERE channel_account_id = $1 AND call_id = $2 AND callback_ticket_id IS NULL",
        channel_account_id, call_id);
    tx.commit();
    return Ok{};
  };
  co_await pool_.run(std::move(job));
}

awaitable<Status> PgVoiceCalls::link(domain::Id channel_account_id, std::string call_id,
                                     std::optional<domain::Id> conversation_id, std::optional<domain::Id> ticket_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE voice_calls SET conversation_id = coalesce($3, conversation_id), "
        "callback_ticket_id = coalesce($4, callback_ticket_id) WHERE channel_account_id = $1 AND call_id = $2",
        channel_account_id, call_id, conversation_id, ticket_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgVoiceCalls::expire_offers(int ring_timeout_seconds) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE voice_calls SET state = 'released', ended_at = now() "
        "WHERE state IN ('offered', 'ringing') AND offered_at < now() - make_interval(secs => $1)",
        ring_timeout_seconds);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
