#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace {

const std::string kEntryColumns =
    "o.id, o.message_id, m.conversation_id, o.channel_account_id, o.status, o.attempts, "
    "coalesce(o.last_error, '') AS last_error, coalesce(o.failure_reason, '') AS failure_reason, "
    "coalesce(o.provider_message_id, '') AS provider_message_id, o.failover_from, "
    "(extract(epoch from o.created_at) * 1000)::bigint AS created_ms, "
    "(extract(epoch from o.updated_at) * 1000)::bigint AS updated_ms";

svc::OutboxEntry entry_from(const pqxx::row& row) {
  svc::OutboxEntry entry;
  entry.id = row["id"].as<domain::Id>();
  entry.message_id = row["message_id"].as<domain::Id>();
  entry.conversation_id = row["conversation_id"].as<domain::Id>();
  entry.channel_account_id = row["channel_account_id"].as<domain::Id>();
  entry.status = row["status"].c_str();
  entry.attempts = row["attempts"].as<int>();
  entry.last_error = row["last_error"].c_str();
  entry.failure_reason = row["failure_reason"].c_str();
  entry.provider_message_id = row["provider_message_id"].c_str();
  if (!row["failover_from"].is_null()) entry.failover_from = row["failover_from"].as<domain::Id>();
  entry.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  entry.updated_at = time_from_millis(row["updated_ms"].as<std::int64_t>());
  return entry;
}

svc::OutboxItem item_from(const pqxx::row& row) {
  svc::OutboxItem item;
  item.id = row["outbox_id"].as<domain::Id>();
  item.attempts = row["attempts"].as<int>();
  item.in_doubt = row["in_doubt"].as<bool>();
  item.recipient = row["recipient"].c_str();
  if (!row["failover_from"].is_null()) item.failover_from = row["failover_from"].as<domain::Id>();
  item.customer_id = row["customer_id"].as<domain::Id>();
  item.channel_account_id = row["sending_account_id"].as<domain::Id>();
  item.channel =
      domain::parse_channel(row["sending_channel"].c_str()).value_or(domain::Channel::webchat);
  item.account_config_json = row["account_config"].c_str();
  item.message = message_from(row);
  item.message_id = item.message.id;
  item.conversation_id = item.message.conversation_id;
  return item;
}

std::optional<svc::OutboxEntry> load_entry(pqxx::transaction_base& tx, domain::Id outbox_id) {
  const auto rows = tx.exec_params("SELECT " + kEntryColumns +
                                       " FROM outbox o JOIN messages m ON m.id = o.message_id "
                                       "WHERE o.id = $1",
                                   outbox_id);
  if (rows.empty()) return std::nullopt;
  return entry_from(rows[0]);
}

}  // namespace

awaitable<Result<std::vector<svc::OutboxItem>>> PgOutboxRepository::claim_due(
    int limit, std::chrono::seconds lease) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::OutboxItem>> {
    pqxx::work tx(c);
    // begin_attempts() marks a row just before its provider call. If the process dies before
    // the outcome is recorded, the lease runs out and this claim finds the mark still set: that
    // attempt is in doubt, and the dispatcher reconciles instead of blindly sending again.
    const auto rows = tx.exec_params(
        "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= now() "
        "AND (locked_until IS NULL OR locked_until < now()) ORDER BY next_attempt_at, id "
        "LIMIT $1 FOR UPDATE SKIP LOCKED), "
        "claimed AS (UPDATE outbox o SET locked_until = now() + make_interval(secs => $2), "
        "updated_at = now() FROM due WHERE o.id = due.id "
        "RETURNING o.id, o.message_id, o.attempts, o.recipient, o.failover_from, "
        "o.channel_account_id, o.attempt_started_at IS NOT NULL AS in_doubt) "
        "SELECT claimed.id AS outbox_id, claimed.attempts, claimed.recipient, "
        "claimed.failover_from, claimed.in_doubt, c.customer_id, "
        "ca.id AS sending_account_id, ca.channel AS sending_channel, "
        "ca.config::text AS account_config, " + kMessageColumns + " FROM claimed "
        "JOIN messages m ON m.id = claimed.message_id "
        "JOIN conversations c ON c.id = m.conversation_id "
        "JOIN channel_accounts ca ON ca.id = claimed.channel_account_id ORDER BY claimed.id",
        limit, static_cast<double>(lease.count()));
    tx.commit();
    std::vector<svc::OutboxItem> items;
    items.reserve(rows.size());
    for (const auto& row : rows) items.push_back(item_from(row));
    return items;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::begin_attempts(std::vector<domain::Id> outbox_ids) {
  auto job = [ids = std::move(outbox_ids)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    std::string list = "{";
    for (const auto id : ids) list += (list.size() > 1 ? "," : "") + std::to_string(id);
    list += "}";
    tx.exec_params("UPDATE outbox SET attempt_started_at = now() WHERE id = ANY($1::bigint[])",
                   list);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::mark_sent(domain::Id outbox_id,
                                                std::string provider_message_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // A delivery report may already have moved the message past "sent" (fast providers).
    tx.exec_params(
        "WITH o AS (UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
        "provider_message_id = nullif($2, ''), locked_until = NULL, attempt_started_at = NULL, "
        "updated_at = now() WHERE id = $1 RETURNING message_id) "
        "UPDATE messages SET delivery_status = 'sent' FROM o WHERE messages.id = o.message_id "
        "AND messages.delivery_status IN ('queued', 'failed')",
        outbox_id, provider_message_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::postpone(domain::Id outbox_id,
                                               std::chrono::milliseconds delay) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        // attempt_started_at stays: a postponed row that was in doubt is still in doubt.
        "UPDATE outbox SET locked_until = NULL, "
        "next_attempt_at = now() + make_interval(secs => $2), updated_at = now() WHERE id = $1",
        outbox_id, static_cast<double>(delay.count()) / 1000.0);
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
        "attempt_started_at = NULL, next_attempt_at = now() + make_interval(secs => $3), "
        "updated_at = now() WHERE id = $1",
        outbox_id, error, static_cast<double>(delay.count()) / 1000.0);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::mark_failed(domain::Id outbox_id, std::string error,
                                                  std::string reason) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "WITH o AS (UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, "
        "failure_reason = nullif($3, ''), locked_until = NULL, attempt_started_at = NULL, "
        "dead_lettered_at = now(), updated_at = now() WHERE id = $1 RETURNING message_id) "
        "UPDATE messages SET delivery_status = 'failed' FROM o WHERE messages.id = o.message_id",
        outbox_id, error, reason);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgOutboxRepository::mark_in_doubt(domain::Id outbox_id, std::string error) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE outbox SET status = 'in_doubt', last_error = $2, failure_reason = 'in_doubt', "
        "locked_until = NULL, attempt_started_at = NULL, dead_lettered_at = now(), "
        "updated_at = now() WHERE id = $1",
        outbox_id, error);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Message>> PgOutboxRepository::fail_over(domain::Id outbox_id,
                                                                 std::string reason,
                                                                 domain::Id target_account,
                                                                 std::string recipient,
                                                                 std::string note) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Message> {
    pqxx::work tx(c);
    const auto original = tx.exec_params(
        "UPDATE outbox SET status = 'failed_over', failure_reason = $2, locked_until = NULL, "
        "attempt_started_at = NULL, updated_at = now() WHERE id = $1 AND status = 'pending' "
        "RETURNING message_id",
        outbox_id, reason);
    if (original.empty()) return Error::conflict("the outbox row is no longer pending");
    const auto message_id = original[0][0].as<domain::Id>();
    // ON CONFLICT: a message already handed to that account (a second failover) is not re-sent.
    tx.exec_params(
        "INSERT INTO outbox (message_id, channel_account_id, recipient, failover_from) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (message_id, channel_account_id) DO NOTHING",
        message_id, target_account, recipient, outbox_id);
    const auto noted = tx.exec_params(
        "WITH m AS (INSERT INTO messages (conversation_id, channel_account_id, direction, "
        "sender_type, content, content_type, delivery_status, metadata) "
        "SELECT conversation_id, channel_account_id, 'outbound', 'system', $2, 'note', 'sent', "
        "jsonb_build_object('failover', jsonb_build_object('message_id', id::text, "
        "'to_channel_account_id', $3::text, 'reason', $4::text)) "
        "FROM messages WHERE id = $1::bigint RETURNING *) SELECT " + kMessageColumns + " FROM m",
        message_id, note, target_account, reason);
    tx.exec_params(
        "UPDATE messages SET metadata = metadata || jsonb_build_object('failover', "
        "jsonb_build_object('to_channel_account_id', $2::text, 'reason', $3::text)) WHERE id = $1",
        message_id, target_account, reason);
    tx.commit();
    return message_from(noted[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<std::string>>> PgOutboxRepository::verified_address(
    domain::Id customer_id, std::string identifier_type) {
  auto job = [=](pqxx::connection& c) -> Result<std::optional<std::string>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT value FROM customer_identities WHERE customer_id = $1 AND type = $2 AND verified "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        customer_id, identifier_type);
    if (rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>(rows[0][0].c_str());
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<svc::OutboxEntry>>> PgOutboxRepository::list(svc::OutboxQuery query) {
  auto job = [query](pqxx::connection& c) -> Result<domain::Page<svc::OutboxEntry>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kEntryColumns + " FROM outbox o JOIN messages m ON m.id = o.message_id "
        "WHERE ($1::text IS NULL OR o.status = $1) AND ($2::bigint IS NULL OR m.conversation_id = $2) "
        "AND ($3::bigint IS NULL OR o.id < $3) ORDER BY o.id DESC LIMIT $4",
        query.status, query.conversation_id, query.after, query.limit + 1);
    return page_from<svc::OutboxEntry>(rows, query.limit, entry_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::OutboxEntry>> PgOutboxRepository::get(domain::Id outbox_id) {
  auto job = [outbox_id](pqxx::connection& c) -> Result<svc::OutboxEntry> {
    pqxx::read_transaction tx(c);
    auto entry = load_entry(tx, outbox_id);
    if (!entry) return Error::not_found("no such outbox entry");
    return *entry;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::OutboxEntry>> PgOutboxRepository::requeue(domain::Id outbox_id) {
  auto job = [outbox_id](pqxx::connection& c) -> Result<svc::OutboxEntry> {
    pqxx::work tx(c);
    const auto updated = tx.exec_params(
        "WITH o AS (UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), "
        "locked_until = NULL, attempt_started_at = NULL, dead_lettered_at = NULL, "
        "updated_at = now() WHERE id = $1 AND status IN ('failed', 'in_doubt') "
        "RETURNING message_id) "
        "UPDATE messages SET delivery_status = 'queued' FROM o WHERE messages.id = o.message_id "
        "RETURNING messages.id",
        outbox_id);
    auto entry = load_entry(tx, outbox_id);
    if (!entry) return Error::not_found("no such outbox entry");
    if (updated.empty()) {
      return Error::conflict("only failed or in-doubt messages can be retried (this one is " +
                             entry->status + ")");
    }
    tx.commit();
    return *entry;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<svc::DeliveryUpdate>>> PgOutboxRepository::record_delivery(
    domain::Id channel_account_id, std::string provider_message_id, std::string status,
    std::string error) {
  auto job = [=](pqxx::connection& c) -> Result<std::optional<svc::DeliveryUpdate>> {
    pqxx::work tx(c);
    // Reports can arrive out of order (delivered before sent): never move a message back.
    const auto rows = tx.exec_params(
        "WITH o AS (SELECT message_id FROM outbox WHERE channel_account_id = $1 "
        "AND provider_message_id = $2 LIMIT 1) "
        "UPDATE messages m SET delivery_status = CASE WHEN $3 = 'sent' AND m.delivery_status IN "
        "('delivered', 'undelivered') THEN m.delivery_status ELSE $3 END, "
        "metadata = CASE WHEN $4 = '' THEN m.metadata "
        "ELSE m.metadata || jsonb_build_object('delivery_error', $4::text) END "
        "FROM o WHERE m.id = o.message_id RETURNING m.id, m.conversation_id, m.delivery_status",
        channel_account_id, provider_message_id, status, error);
    tx.commit();
    if (rows.empty()) return std::optional<svc::DeliveryUpdate>{};
    return std::optional<svc::DeliveryUpdate>(svc::DeliveryUpdate{
        rows[0][0].as<domain::Id>(), rows[0][1].as<domain::Id>(), rows[0][2].c_str()});
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
