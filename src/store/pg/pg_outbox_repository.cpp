#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

awaitable<Result<std::vector<svc::OutboxItem>>> PgOutboxRepository::claim_due(
    int limit, std::chrono::seconds lease) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::OutboxItem>> {
    pqxx::work tx(c);
    // The lease marks the attempt before the send: a crash leaves the row to be retried after
    // the lease, never silently dropped.
    const auto rows = tx.exec_params(
        "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= now() "
        "AND (locked_until IS NULL OR locked_until < now()) ORDER BY next_attempt_at, id "
        "LIMIT $1 FOR UPDATE SKIP LOCKED), "
        "claimed AS (UPDATE outbox o SET locked_until = now() + make_interval(secs => $2), "
        "updated_at = now() FROM due WHERE o.id = due.id RETURNING o.id, o.message_id, o.attempts) "
        "SELECT claimed.id AS outbox_id, claimed.attempts, c.customer_id, c.channel, "
        "c.channel_account_id, " + kMessageColumns + " FROM claimed "
        "JOIN messages m ON m.id = claimed.message_id "
        "JOIN conversations c ON c.id = m.conversation_id ORDER BY claimed.id",
        limit, static_cast<double>(lease.count()));
    tx.commit();
    std::vector<svc::OutboxItem> items;
    items.reserve(rows.size());
    for (const auto& row : rows) {
      svc::OutboxItem item;
      item.id = row["outbox_id"].as<domain::Id>();
      item.attempts = row["attempts"].as<int>();
      item.customer_id = row["customer_id"].as<domain::Id>();
      item.channel_account_id = row["channel_account_id"].as<domain::Id>();
      item.channel = domain::parse_channel(row["channel"].c_str()).value_or(domain::Channel::webchat);
      item.message = message_from(row);
      item.message_id = item.message.id;
      item.conversation_id = item.message.conversation_id;
      items.push_back(std::move(item));
    }
    return items;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::mark_sent(domain::Id outbox_id,
                                                std::string provider_message_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "WITH o AS (UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
        "provider_message_id = nullif($2, ''), locked_until = NULL, updated_at = now() "
        "WHERE id = $1 RETURNING message_id) "
        "UPDATE messages SET delivery_status = 'sent' FROM o WHERE messages.id = o.message_id",
        outbox_id, provider_message_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::schedule_retry(domain::Id outbox_id,
                                                     std::chrono::milliseconds delay,
                                                     std::string error) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, locked_until = NULL, "
        "next_attempt_at = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1",
        outbox_id, error, static_cast<double>(delay.count()) / 1000.0);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::mark_failed(domain::Id outbox_id, std::string error) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "WITH o AS (UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, "
        "locked_until = NULL, updated_at = now() WHERE id = $1 RETURNING message_id) "
        "UPDATE messages SET delivery_status = 'failed' FROM o WHERE messages.id = o.message_id",
        outbox_id, error);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
