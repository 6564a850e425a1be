// Routing tasks while they wait: claiming the ones whose steps ran out under a ticket/close plan,
// and per-queue figures (length, oldest, recent assignments) for conditions and expected waits.
#include "cc/services/assignment_plan_json.hpp"
#include "cc/store/pg/pg_assignment_store.hpp"
#include "cc/store/pg/pg_rows.hpp"
#include "pg_assignment_rows.hpp"

namespace cc::store {

namespace svc = cc::services;
using namespace assignment_rows;
using boost::asio::awaitable;

awaitable<Result<std::vector<svc::ExhaustedTask>>> PgAssignmentStore::claim_exhausted(domain::TimePoint now,
                                                                                     int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::ExhaustedTask>> {
    pqxx::work tx(c);
    // Every step has a timeout and the longest has passed (step timeouts count from entered_at).
    const auto rows = tx.exec_params(
        "SELECT t.conversation_id, t.channel, t.plan::text, (extract(epoch from t.entered_at) * 1000)::bigint, "
        "c.customer_id FROM routing_tasks t JOIN conversations c ON c.id = t.conversation_id "
        "AND c.status = 'queued' WHERE t.state = 'waiting' "
        "AND t.plan->>'when_exhausted' IN ('ticket', 'close') "
        "AND NOT jsonb_path_exists(t.plan, '$.steps[*] ? (@.timeout_seconds <= 0)') "
        "AND to_timestamp($1 / 1000.0) >= t.entered_at + make_interval(secs => (SELECT "
        "max((s->>'timeout_seconds')::double precision) FROM jsonb_array_elements(t.plan->'steps') s)) "
        "ORDER BY t.entered_at LIMIT $2 FOR UPDATE OF t SKIP LOCKED",
        millis_of(now), limit);
    std::vector<svc::ExhaustedTask> out;
    std::vector<domain::Id> ids;
    for (const auto& row : rows) {
      svc::ExhaustedTask task;
      task.conversation_id = row[0].as<domain::Id>();
      const auto channel = domain::parse_channel(row[1].c_str()).value_or(domain::Channel::webchat);
      task.plan = svc::plan_from_json(row[2].c_str(), task.conversation_id, channel,
                                      time_from_millis(row[3].as<std::int64_t>()));
      task.customer_id = row[4].as<domain::Id>();
      // The same rule as the matcher's, so both always agree.
      if (!svc::active_step(task.plan, now).exhausted) continue;
      ids.push_back(task.conversation_id);
      out.push_back(std::move(task));
    }
    if (!ids.empty()) {
      tx.exec_params("UPDATE routing_tasks SET state = 'exhausted', updated_at = now() "
                     "WHERE conversation_id = ANY($1::bigint[])",
                     bigint_array(ids));
    }
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::AssignmentQueueLoad>>> PgAssignmentStore::queue_loads(std::chrono::seconds window) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::AssignmentQueueLoad>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT q.key, coalesce(w.n, 0)::int, w.oldest_ms, coalesce(r.n, 0)::int FROM queues q "
        "LEFT JOIN (SELECT t.queue_key, count(*) AS n, (extract(epoch from min(t.entered_at)) * 1000)::bigint "
        "AS oldest_ms FROM routing_tasks t JOIN conversations c ON c.id = t.conversation_id "
        "AND c.status = 'queued' WHERE t.state IN ('waiting', 'offered') GROUP BY t.queue_key) w "
        "ON w.queue_key = q.key "
        "LEFT JOIN (SELECT queue_key, count(*) AS n FROM routing_tasks WHERE assigned_at IS NOT NULL "
        "AND assigned_at > now() - make_interval(secs => $1) GROUP BY queue_key) r ON r.queue_key = q.key "
        "ORDER BY q.key",
        static_cast<double>(window.count()));
    std::vector<svc::AssignmentQueueLoad> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      svc::AssignmentQueueLoad load;
      load.queue = row[0].c_str();
      load.waiting = row[1].as<int>();
      if (!row[2].is_null()) load.oldest_entered_at = time_from_millis(row[2].as<std::int64_t>());
      load.assigned_recently = row[3].as<int>();
      out.push_back(std::move(load));
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
