#include <algorithm>

#include "cc/store/pg/pg_repositories.hpp"

namespace cc::store {

awaitable<Result<std::vector<svc::AgentEvent>>> PgAgentEventStore::append(
    std::vector<svc::AgentEvent> events) {
  auto job = [events = std::move(events)](pqxx::connection& c) mutable
                               -> Result<std::vector<svc::AgentEvent>> {
    // One statement for the whole set: a JSON array unnested server-side.
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& event : events) {
      rows.push_back({{"agent_id", event.agent_id}, {"type", event.type}, {"data", event.data}});
    }
    pqxx::work tx(c);
    const auto ids = tx.exec_params(
        "INSERT INTO agent_events (agent_id, type, data) "
        "SELECT (e->>'agent_id')::bigint, e->>'type', e->'data' "
        "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n RETURNING id",
        rows.dump());
    tx.commit();
    // Ids come from the sequence in insertion order, which follows ORDER BY n: sorted, the
    // returned ids line up with the input events.
    std::vector<std::int64_t> sequence;
    for (const auto& row : ids) sequence.push_back(row[0].as<std::int64_t>());
    std::sort(sequence.begin(), sequence.end());
    for (std::size_t i = 0; i < events.size() && i < sequence.size(); ++i) events[i].seq = sequence[i];
    return std::move(events);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::AgentEvent>>> PgAgentEventStore::since(domain::Id agent_id,
                                                                         std::int64_t after_seq,
                                                                         int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::AgentEvent>> {
    pqxx::nontransaction tx(c);
    std::vector<svc::AgentEvent> events;
    for (const auto& row : tx.exec_params(
             "SELECT id, type, data::text FROM agent_events WHERE agent_id = $1 AND id > $2 "
             "ORDER BY id LIMIT $3",
             agent_id, after_seq, limit)) {
      events.push_back(svc::AgentEvent{agent_id, row[1].c_str(),
                                       nlohmann::json::parse(row[2].c_str()),
                                       row[0].as<std::int64_t>()});
    }
    return events;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
