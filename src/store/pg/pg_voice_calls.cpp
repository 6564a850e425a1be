#include "cc/store/pg/pg_voice_calls.hpp"

namespace cc::store {

using boost::asio::awaitable;
using namespace services;

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
