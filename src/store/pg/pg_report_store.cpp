#include "cc/store/pg/pg_report_store.hpp"

#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

using services::AgentLoad;
using services::ChannelHour;
using services::CsatSummary;
using services::FirstResponse;
using services::QueueFigures;
using services::SlaCounts;

boost::asio::awaitable<Result<std::vector<QueueFigures>>> PgReportStore::queues() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<QueueFigures>> {
    pqxx::read_transaction tx(c);
    // Every configured queue (zero when empty) and any queue key a task names.
    const auto rows = tx.exec(
        "SELECT k.key, count(t.conversation_id), "
        "COALESCE(extract(epoch FROM now() - min(t.entered_at)), 0)::float8 "
        "FROM (SELECT key FROM queues UNION SELECT DISTINCT queue_key FROM routing_tasks) k "
        "LEFT JOIN routing_tasks t ON t.queue_key = k.key AND t.state IN ('waiting', 'offered') "
        "GROUP BY k.key ORDER BY k.key");
    std::vector<QueueFigures> out;
    for (const auto& row : rows) {
      out.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<double>()});
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<AgentLoad>>> PgReportStore::agents() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<AgentLoad>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec(
        "SELECT a.id, a.name, a.status, "
        "(SELECT count(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'open'), "
        "(SELECT COALESCE(sum(value::int), 0) FROM jsonb_each_text(a.capacity)) "
        "FROM agents a WHERE a.active ORDER BY a.id LIMIT 1000");
    std::vector<AgentLoad> out;
    for (const auto& row : rows) {
      out.push_back({row[0].as<domain::Id>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<int>(), row[4].as<int>()});
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<SlaCounts>> PgReportStore::sla() {
  auto job = [](pqxx::connection& c) -> Result<SlaCounts> {
    pqxx::read_transaction tx(c);
    const auto row = tx.exec1(
        "SELECT count(*) FILTER (WHERE sla_status = 'warning' OR (sla_status = 'ok' AND "
        "next_sla_warning_at <= now())), "
        "count(*) FILTER (WHERE sla_status = 'breached') "
        "FROM tickets WHERE state NOT IN ('solved', 'closed') AND merged_into_id IS NULL");
    return SlaCounts{row[0].as<int>(), row[1].as<int>()};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<FirstResponse>> PgReportStore::first_response(domain::TimePoint since) {
  const auto since_ms = millis_of(since);
  auto job = [since_ms](pqxx::connection& c) -> Result<FirstResponse> {
    pqxx::read_transaction tx(c);
    // From a conversation's first customer message to the first agent reply after it.
    const auto row = tx.exec_params1(
        "WITH firsts AS ("
        " SELECT c.id, (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id "
        "   AND m.direction = 'inbound') AS asked FROM conversations c "
        " WHERE c.created_at >= to_timestamp($1::float8 / 1000)), "
        "answers AS ("
        " SELECT extract(epoch FROM (SELECT min(m.created_at) FROM messages m "
        "   WHERE m.conversation_id = f.id AND m.sender_type = 'agent' AND m.created_at >= f.asked) "
        "   - f.asked)::float8 AS s FROM firsts f WHERE f.asked IS NOT NULL) "
        "SELECT count(s), COALESCE(avg(s), 0)::float8, "
        "COALESCE(percentile_cont(0.5) WITHIN GROUP (ORDER BY s), 0)::float8 "
        "FROM answers WHERE s IS NOT NULL",
        since_ms);
    return FirstResponse{row[0].as<int>(), row[1].as<double>(), row[2].as<double>()};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<CsatSummary>> PgReportStore::csat(domain::TimePoint since) {
  const auto since_ms = millis_of(since);
  auto job = [since_ms](pqxx::connection& c) -> Result<CsatSummary> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT score, count(*) FROM csat_surveys WHERE score IS NOT NULL "
        "AND answered_at >= to_timestamp($1::float8 / 1000) GROUP BY score",
        since_ms);
    CsatSummary summary;
    long total = 0;
    for (const auto& row : rows) {
      const int score = row[0].as<int>();
      const int count = row[1].as<int>();
      if (score < 1 || score > 5) continue;
      summary.by_score[static_cast<std::size_t>(score - 1)] = count;
      summary.answered += count;
      total += static_cast<long>(score) * count;
    }
    if (summary.answered > 0) summary.average = static_cast<double>(total) / summary.answered;
    return summary;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<ChannelHour>>> PgReportStore::messages_per_hour(
    domain::TimePoint day_start) {
  const auto start_ms = millis_of(day_start);
  auto job = [start_ms](pqxx::connection& c) -> Result<std::vector<ChannelHour>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT c.channel, floor(extract(epoch FROM m.created_at - to_timestamp($1::float8 / 1000)) "
        "/ 3600)::int AS hour, count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE m.created_at >= to_timestamp($1::float8 / 1000) "
        "AND m.created_at < to_timestamp($1::float8 / 1000) + interval '24 hours' "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        start_ms);
    std::vector<ChannelHour> out;
    for (const auto& row : rows) {
      out.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<int>()});
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<std::string>>> PgReportStore::inbound_texts(
    domain::TimePoint since, int limit, int max_bytes) {
  const auto since_ms = millis_of(since);
  auto job = [since_ms, limit, max_bytes](pqxx::connection& c) -> Result<std::vector<std::string>> {
    pqxx::read_transaction tx(c);
    // left() counts characters, so a cut never splits a UTF-8 sequence.
    const auto rows = tx.exec_params(
        "SELECT left(content, $3) FROM messages WHERE direction = 'inbound' "
        "AND sender_type = 'customer' AND created_at >= to_timestamp($1::float8 / 1000) "
        "ORDER BY created_at DESC LIMIT $2",
        since_ms, limit, max_bytes / 3);
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row[0].as<std::string>());
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
