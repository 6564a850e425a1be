// Routing tasks after matching: offers (accept, decline, expiry), agents gone offline, and the
// waiting customers' position notices.
#include "cc/store/pg/pg_assignment_store.hpp"
#include "cc/store/pg/pg_rows.hpp"
#include "pg_assignment_rows.hpp"

namespace cc::store {

namespace svc = cc::services;
using namespace assignment_rows;
using boost::asio::awaitable;

awaitable<Result<domain::Conversation>> PgAssignmentStore::accept_offer(domain::Id offer_id,
                                                                        domain::Id agent_id,
                                                                        domain::TimePoint now) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Conversation> {
    pqxx::work tx(c);
    // Agent first, then the task: the same order as a matching round, so no deadlock.
    tx.exec_params("SELECT id FROM agents WHERE id = $1 FOR NO KEY UPDATE", agent_id);
    const auto offer = tx.exec_params(
        "SELECT conversation_id FROM task_offers WHERE id = $1 AND agent_id = $2", offer_id, agent_id);
    if (offer.empty()) return Error::not_found("no such offer");
    const auto conversation_id = offer[0][0].as<domain::Id>();
    tx.exec_params("SELECT 1 FROM routing_tasks WHERE conversation_id = $1 FOR UPDATE", conversation_id);
    const auto live = tx.exec_params(
        "SELECT 1 FROM task_offers WHERE id = $1 AND state = 'pending' AND expires_at > to_timestamp($2 / 1000.0) "
        "FOR UPDATE",
        offer_id, millis_of(now));
    if (live.empty()) return Error::conflict("the offer is no longer open");
    const auto rows = tx.exec_params(
        "WITH c AS (UPDATE conversations c SET status = 'open', assignee_id = $2, assigned_at = now() "
        "WHERE c.id = $1 AND c.status = 'queued' RETURNING c.*) SELECT " + kConversationColumns + " FROM c",
        conversation_id, agent_id);
    tx.exec_params(
        "UPDATE task_offers SET state = CASE WHEN id = $2 THEN 'accepted' ELSE 'cancelled' END, "
        "decided_at = now() WHERE conversation_id = $1 AND state = 'pending'",
        conversation_id, offer_id);
    if (rows.empty()) {
      tx.commit();  // the offers are settled either way
      return Error::conflict("the conversation was taken meanwhile");
    }
    tx.exec_params(
        "UPDATE routing_tasks SET state = 'assigned', assigned_agent_id = $2, missed_offers = 0, "
        "assigned_at = now(), updated_at = now() WHERE conversation_id = $1",
        conversation_id, agent_id);
    tx.exec_params(
        "UPDATE agents SET missed_offers = 0, last_assigned_at = now(), assigned_today = CASE WHEN "
        "assigned_day = current_date THEN assigned_today + 1 ELSE 1 END, assigned_day = current_date "
        "WHERE id = $1",
        agent_id);
    auto conversation = conversation_from(rows[0]);
    tx.commit();
    return conversation;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgAssignmentStore::decline_offer(domain::Id offer_id, domain::Id agent_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    const auto offer = tx.exec_params(
        "SELECT conversation_id FROM task_offers WHERE id = $1 AND agent_id = $2", offer_id, agent_id);
    if (offer.empty()) return Error::not_found("no such offer");
    const auto conversation_id = offer[0][0].as<domain::Id>();
    // The task row lock serialises declines of one ring_all task's offers.
    tx.exec_params("SELECT 1 FROM routing_tasks WHERE conversation_id = $1 FOR UPDATE", conversation_id);
    const auto declined = tx.exec_params(
        "UPDATE task_offers SET state = 'declined', decided_at = now() WHERE id = $1 AND state = 'pending' "
        "RETURNING id",
        offer_id);
    if (declined.empty()) return Error::conflict("the offer is no longer open");
    // Back to waiting at its original age (entered_at unchanged), not to this agent next.
    tx.exec_params(
        "UPDATE routing_tasks SET state = 'waiting', last_missed_agent_id = $2, updated_at = now() "
        "WHERE conversation_id = $1 AND state = 'offered' AND NOT EXISTS (SELECT 1 FROM task_offers "
        "WHERE conversation_id = $1 AND state = 'pending')",
        conversation_id, agent_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::ExpiredOffers>> PgAssignmentStore::expire_offers(domain::TimePoint now, int max_missed) {
  auto job = [=](pqxx::connection& c) -> Result<svc::ExpiredOffers> {
    pqxx::work tx(c);
    // All CTEs see one snapshot: "still pending" below means pending and not yet expired.
    const auto rows = tx.exec_params(
        "WITH e AS (UPDATE task_offers SET state = 'expired', decided_at = now() WHERE state = 'pending' "
        "AND expires_at <= to_timestamp($1 / 1000.0) RETURNING conversation_id, agent_id), "
        "t AS (UPDATE routing_tasks t SET state = 'waiting', last_missed_agent_id = x.agent_id, "
        "missed_offers = t.missed_offers + 1, updated_at = now() FROM (SELECT DISTINCT ON "
        "(conversation_id) conversation_id, agent_id FROM e) x WHERE t.conversation_id = x.conversation_id "
        "AND t.state = 'offered' AND NOT EXISTS (SELECT 1 FROM task_offers o WHERE o.conversation_id = "
        "t.conversation_id AND o.state = 'pending' AND o.expires_at > to_timestamp($1 / 1000.0)) "
        "RETURNING t.conversation_id), "
        "a AS (UPDATE agents a SET missed_offers = CASE WHEN a.missed_offers + x.n >= $2 THEN 0 "
        "ELSE a.missed_offers + x.n END, status = CASE WHEN a.missed_offers + x.n >= $2 AND "
        "a.status = 'online' THEN 'away' ELSE a.status END, status_changed_at = CASE WHEN "
        "a.missed_offers + x.n >= $2 AND a.status = 'online' THEN now() ELSE a.status_changed_at END "
        "FROM (SELECT agent_id, count(*)::int AS n FROM e GROUP BY agent_id) x WHERE a.id = x.agent_id "
        "RETURNING a.id, a.status = 'away' AND a.status_changed_at = now() AS set_away) "
        "SELECT (SELECT count(*) FROM e)::int, (SELECT count(*) FROM t)::int, a.id, a.set_away "
        "FROM (SELECT 1) one LEFT JOIN a ON true",
        millis_of(now), max_missed);
    svc::ExpiredOffers out;
    for (const auto& row : rows) {
      out.expired = static_cast<std::size_t>(row[0].as<int>());
      if (row[2].is_null()) continue;
      out.agents_missed.push_back(row[2].as<domain::Id>());
      if (row[3].as<bool>()) out.agents_set_away.push_back(row[2].as<domain::Id>());
    }
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::OfflineOutcome>>> PgAssignmentStore::release_offline_agents(
    domain::TimePoint now, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::OfflineOutcome>> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH x AS (SELECT c.id, c.assignee_id, q.offline_action, "
        "CASE WHEN q.offline_action = 'transfer' AND coalesce(q.transfer_queue, '') <> '' "
        "THEN q.transfer_queue ELSE q.key END AS target "
        "FROM conversations c JOIN agents a ON a.id = c.assignee_id "
        "JOIN routing_tasks t ON t.conversation_id = c.id JOIN queues q ON q.key = t.queue_key "
        "WHERE c.status = 'open' AND a.status = 'offline' AND q.offline_action <> 'keep' "
        "AND a.status_changed_at <= to_timestamp($1 / 1000.0) - make_interval(secs => q.offline_grace_seconds) "
        "ORDER BY c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED), "
        "c2 AS (UPDATE conversations c SET status = 'queued', assignee_id = NULL, assigned_at = NULL "
        "FROM x WHERE c.id = x.id RETURNING c.id), "
        "t2 AS (UPDATE routing_tasks t SET state = 'waiting', assigned_agent_id = NULL, queue_key = x.target, "
        "plan = CASE WHEN x.offline_action = 'transfer' THEN jsonb_set(t.plan, '{steps}', "
        "jsonb_build_array(jsonb_build_object('queue', x.target))) ELSE t.plan END, updated_at = now() "
        "FROM x WHERE t.conversation_id = x.id RETURNING t.conversation_id) "
        "SELECT x.id, x.assignee_id, x.offline_action, x.target, (SELECT count(*) FROM c2), "
        "(SELECT count(*) FROM t2) FROM x",
        millis_of(now), limit);
    std::vector<svc::OfflineOutcome> out;
    for (const auto& row : rows) {
      out.push_back({row[0].as<domain::Id>(), row[1].as<domain::Id>(),
                     svc::parse_offline_action(row[2].c_str()).value_or(svc::OfflineAction::requeue),
                     row[3].c_str()});
    }
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::PositionNotice>>> PgAssignmentStore::due_position_notices(
    domain::TimePoint now, std::chrono::seconds interval, std::vector<domain::Channel> channels, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::PositionNotice>> {
    std::vector<std::string> names;
    for (const auto channel : channels) names.emplace_back(domain::to_string(channel));
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH w AS (SELECT t.conversation_id, row_number() OVER (PARTITION BY t.queue_key ORDER BY "
        "t.priority DESC, t.entered_at) AS pos FROM routing_tasks t JOIN conversations c ON "
        "c.id = t.conversation_id AND c.status = 'queued' WHERE t.state IN ('waiting', 'offered')), "
        "d AS (SELECT t.conversation_id, w.pos FROM routing_tasks t JOIN w ON w.conversation_id = "
        "t.conversation_id WHERE t.channel = ANY($3::text[]) AND t.entered_at <= to_timestamp($1 / 1000.0) "
        "- make_interval(secs => $2) AND (t.position_told_at IS NULL OR t.position_told_at <= "
        "to_timestamp($1 / 1000.0) - make_interval(secs => $2)) ORDER BY w.pos LIMIT $4 "
        "FOR UPDATE OF t SKIP LOCKED) "
        "UPDATE routing_tasks t SET position_told_at = to_timestamp($1 / 1000.0) FROM d "
        "WHERE t.conversation_id = d.conversation_id RETURNING t.conversation_id, d.pos, t.queue_key, "
        "coalesce(t.plan->>'language', '')",
        millis_of(now), static_cast<double>(interval.count()), text_array(names), limit);
    std::vector<svc::PositionNotice> out;
    for (const auto& row : rows) {
      out.push_back({row[0].as<domain::Id>(), static_cast<int>(row[1].as<long long>()), row[2].c_str(),
                     row[3].c_str()});
    }
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
