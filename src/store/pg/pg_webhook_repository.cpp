#include "cc/store/pg/pg_webhook_repository.hpp"

#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace svc = cc::services;

namespace {

#define CC_WH_MILLIS(column) "(extract(epoch from " column ") * 1000)::bigint"

const std::string kSubscriptionColumns =
    "s.id, s.url, to_jsonb(s.events)::text AS events, s.filters::text AS filters, s.description, "
    "s.secret, s.previous_secret, s.paused, " CC_WH_MILLIS("s.previous_secret_expires_at")
    " AS previous_expires_ms, " CC_WH_MILLIS("s.created_at") " AS created_ms, " CC_WH_MILLIS(
        "s.updated_at") " AS updated_ms";

const std::string kDeliveryColumns =
    "d.id, d.subscription_id, d.webhook_id, d.event_type, d.payload, d.order_key, d.status, "
    "d.attempts, d.response_code, d.latency_ms, coalesce(d.last_error, '') AS last_error, " CC_WH_MILLIS(
        "d.next_attempt_at") " AS next_attempt_ms, " CC_WH_MILLIS("d.delivered_at")
    " AS delivered_ms, " CC_WH_MILLIS("d.created_at") " AS created_ms, " CC_WH_MILLIS(
        "d.updated_at") " AS updated_ms, " CC_WH_MILLIS("d.first_attempt_at") " AS first_attempt_ms";

std::optional<domain::TimePoint> optional_time(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return time_from_millis(field.as<std::int64_t>());
}

std::optional<std::string> optional_text(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

std::optional<int> optional_int(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<int>();
}

std::string filters_json(const svc::WebhookFilters& filters) {
  auto json = nlohmann::json::object();
  if (filters.channel) json["channel"] = *filters.channel;
  if (filters.queue) json["queue"] = *filters.queue;
  if (filters.tag) json["tag"] = *filters.tag;
  return json.dump();
}

std::string events_json(const std::vector<std::string>& events) { return nlohmann::json(events).dump(); }

svc::WebhookSubscription subscription_from(const pqxx::row& row) {
  svc::WebhookSubscription s;
  s.id = row["id"].as<domain::Id>();
  s.url = row["url"].as<std::string>();
  s.events = nlohmann::json::parse(row["events"].as<std::string>()).get<std::vector<std::string>>();
  const auto filters = nlohmann::json::parse(row["filters"].as<std::string>());
  if (filters.contains("channel")) s.filters.channel = filters["channel"].get<std::string>();
  if (filters.contains("queue")) s.filters.queue = filters["queue"].get<std::string>();
  if (filters.contains("tag")) s.filters.tag = filters["tag"].get<std::string>();
  s.description = row["description"].as<std::string>();
  s.secret = row["secret"].as<std::string>();
  s.previous_secret = optional_text(row["previous_secret"]);
  s.previous_secret_expires_at = optional_time(row["previous_expires_ms"]);
  s.paused = row["paused"].as<bool>();
  s.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  s.updated_at = time_from_millis(row["updated_ms"].as<std::int64_t>());
  return s;
}

svc::WebhookDelivery delivery_from(const pqxx::row& row) {
  svc::WebhookDelivery d;
  d.id = row["id"].as<domain::Id>();
  d.subscription_id = row["subscription_id"].as<domain::Id>();
  d.webhook_id = row["webhook_id"].as<std::string>();
  d.event_type = row["event_type"].as<std::string>();
  d.payload = row["payload"].as<std::string>();
  d.order_key = optional_text(row["order_key"]);
  d.status = row["status"].as<std::string>();
  d.attempts = row["attempts"].as<int>();
  d.response_code = optional_int(row["response_code"]);
  d.latency_ms = optional_int(row["latency_ms"]);
  d.last_error = row["last_error"].as<std::string>();
  d.next_attempt_at = time_from_millis(row["next_attempt_ms"].as<std::int64_t>());
  d.delivered_at = optional_time(row["delivered_ms"]);
  d.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  d.updated_at = time_from_millis(row["updated_ms"].as<std::int64_t>());
  return d;
}

}  // namespace

boost::asio::awaitable<Result<svc::WebhookSubscription>> PgWebhookRepository::create_subscription(
    svc::NewWebhookSubscription subscription) {
  auto job = [s = std::move(subscription)](pqxx::connection& c) -> Result<svc::WebhookSubscription> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH s AS (INSERT INTO webhook_subscriptions (url, events, filters, description, secret) "
        "VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3::jsonb, $4, $5) "
        "RETURNING *) SELECT " + kSubscriptionColumns + " FROM s",
        s.url, events_json(s.events), filters_json(s.filters), s.description, s.secret);
    tx.commit();
    return subscription_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<svc::WebhookSubscription>> PgWebhookRepository::get_subscription(
    domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<svc::WebhookSubscription> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kSubscriptionColumns +
                                         " FROM webhook_subscriptions s WHERE s.id = $1 "
                                         "AND s.deleted_at IS NULL",
                                     id);
    if (rows.empty()) return Error::not_found("no such webhook subscription");
    return subscription_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<domain::Page<svc::WebhookSubscription>>>
PgWebhookRepository::list_subscriptions(std::optional<domain::Id> after, int limit) {
  auto job = [after, limit](pqxx::connection& c) -> Result<domain::Page<svc::WebhookSubscription>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kSubscriptionColumns +
                                         " FROM webhook_subscriptions s WHERE s.deleted_at IS NULL "
                                         "AND s.id > coalesce($1::bigint, 0) ORDER BY s.id LIMIT $2",
                                     after, limit + 1);
    return page_from<svc::WebhookSubscription>(rows, limit, subscription_from);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<svc::WebhookSubscription>> PgWebhookRepository::update_subscription(
    domain::Id id, svc::WebhookSubscriptionPatch patch) {
  std::optional<std::string> events;
  if (patch.events) events = events_json(*patch.events);
  std::optional<std::string> filters;
  if (patch.filters) filters = filters_json(*patch.filters);
  auto job = [id, patch = std::move(patch), events, filters](
                 pqxx::connection& c) -> Result<svc::WebhookSubscription> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH s AS (UPDATE webhook_subscriptions SET url = coalesce($2, url), "
        "events = CASE WHEN $3::jsonb IS NULL THEN events "
        "ELSE ARRAY(SELECT jsonb_array_elements_text($3::jsonb)) END, "
        "filters = coalesce($4::jsonb, filters), description = coalesce($5, description), "
        "paused = coalesce($6, paused), updated_at = now() "
        "WHERE id = $1 AND deleted_at IS NULL RETURNING *) SELECT " + kSubscriptionColumns +
            " FROM s",
        id, patch.url, events, filters, patch.description, patch.paused);
    if (rows.empty()) return Error::not_found("no such webhook subscription");
    tx.commit();
    return subscription_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgWebhookRepository::delete_subscription(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "UPDATE webhook_subscriptions SET deleted_at = now(), updated_at = now() "
        "WHERE id = $1 AND deleted_at IS NULL RETURNING id",
        id);
    if (rows.empty()) return Error::not_found("no such webhook subscription");
    // Undelivered rows will never go out now; they stay in the log as failed.
    tx.exec_params(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = 'subscription deleted', "
        "locked_until = NULL, updated_at = now() WHERE subscription_id = $1 AND status = 'pending'",
        id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<svc::WebhookSubscription>> PgWebhookRepository::rotate_secret(
    domain::Id id, std::string new_secret, std::chrono::seconds overlap) {
  auto job = [id, new_secret = std::move(new_secret),
              overlap](pqxx::connection& c) -> Result<svc::WebhookSubscription> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH s AS (UPDATE webhook_subscriptions SET previous_secret = secret, secret = $2, "
        "previous_secret_expires_at = now() + make_interval(secs => $3), updated_at = now() "
        "WHERE id = $1 AND deleted_at IS NULL RETURNING *) SELECT " + kSubscriptionColumns +
            " FROM s",
        id, new_secret, static_cast<double>(overlap.count()));
    if (rows.empty()) return Error::not_found("no such webhook subscription");
    tx.commit();
    return subscription_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<svc::WebhookSubscription>>>
PgWebhookRepository::live_subscriptions() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::WebhookSubscription>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec("SELECT " + kSubscriptionColumns +
                              " FROM webhook_subscriptions s WHERE s.deleted_at IS NULL ORDER BY s.id");
    std::vector<svc::WebhookSubscription> subscriptions;
    subscriptions.reserve(rows.size());
    for (const auto& row : rows) subscriptions.push_back(subscription_from(row));
    return subscriptions;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgWebhookRepository::insert_deliveries(
    std::vector<svc::NewWebhookDelivery> deliveries) {
  auto job = [deliveries = std::move(deliveries)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // One statement per row keeps ids in the given order (the per-conversation order).
    for (const auto& d : deliveries) {
      tx.exec_params(
          "INSERT INTO webhook_deliveries (subscription_id, webhook_id, event_type, payload, "
          "order_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subscription_id, webhook_id) DO NOTHING",
          d.subscription_id, d.webhook_id, d.event_type, d.payload, d.order_key);
    }
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<svc::ClaimedWebhookDelivery>>>
PgWebhookRepository::claim_due(int limit, std::chrono::seconds lease) {
  auto job = [limit, lease](pqxx::connection& c) -> Result<std::vector<svc::ClaimedWebhookDelivery>> {
    pqxx::work tx(c);
    // A delivery waits while an older one of the same subscription and order key is pending
    // (retrying or leased elsewhere): receivers see a conversation's events in order.
    const auto rows = tx.exec_params(
        "WITH due AS (SELECT d.id FROM webhook_deliveries d "
        "JOIN webhook_subscriptions s ON s.id = d.subscription_id "
        "WHERE d.status = 'pending' AND d.next_attempt_at <= now() "
        "AND (d.locked_until IS NULL OR d.locked_until < now()) "
        "AND NOT s.paused AND s.deleted_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.status = 'pending' "
        "AND o.subscription_id = d.subscription_id AND o.order_key = d.order_key AND o.id < d.id) "
        "ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED), "
        "claimed AS (UPDATE webhook_deliveries w SET locked_until = now() + make_interval(secs => $2), "
        "first_attempt_at = coalesce(w.first_attempt_at, now()), updated_at = now() "
        "FROM due WHERE w.id = due.id RETURNING w.*) "
        "SELECT " + kDeliveryColumns + ", s.url, s.secret AS current_secret, "
        "CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END AS old_secret "
        "FROM claimed d JOIN webhook_subscriptions s ON s.id = d.subscription_id ORDER BY d.id",
        limit, static_cast<double>(lease.count()));
    tx.commit();
    std::vector<svc::ClaimedWebhookDelivery> claimed;
    claimed.reserve(rows.size());
    for (const auto& row : rows) {
      svc::ClaimedWebhookDelivery item;
      item.delivery = delivery_from(row);
      item.url = row["url"].as<std::string>();
      item.secrets.push_back(row["current_secret"].as<std::string>());
      if (!row["old_secret"].is_null()) item.secrets.push_back(row["old_secret"].as<std::string>());
      item.first_attempt_at = time_from_millis(row["first_attempt_ms"].as<std::int64_t>());
      claimed.push_back(std::move(item));
    }
    return claimed;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgWebhookRepository::record_attempt(svc::WebhookAttempt attempt) {
  auto job = [a = std::move(attempt)](pqxx::connection& c) -> Status {
    using Outcome = svc::WebhookAttempt::Outcome;
    pqxx::work tx(c);
    const double retry_seconds = static_cast<double>(a.retry_in.count()) / 1000.0;
    switch (a.outcome) {
      case Outcome::delivered:
        tx.exec_params(
            "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, "
            "response_code = $2, latency_ms = $3, last_error = NULL, locked_until = NULL, "
            "delivered_at = now(), updated_at = now() WHERE id = $1",
            a.delivery_id, a.response_code, a.latency_ms);
        break;
      case Outcome::retry:
        tx.exec_params(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, response_code = $2, "
            "latency_ms = $3, last_error = $4, locked_until = NULL, "
            "next_attempt_at = now() + make_interval(secs => $5), updated_at = now() WHERE id = $1",
            a.delivery_id, a.response_code, a.latency_ms, a.error, retry_seconds);
        break;
      case Outcome::failed:
        tx.exec_params(
            "UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, "
            "response_code = $2, latency_ms = $3, last_error = $4, locked_until = NULL, "
            "updated_at = now() WHERE id = $1",
            a.delivery_id, a.response_code, a.latency_ms, a.error);
        break;
      case Outcome::postponed:
        tx.exec_params(
            "UPDATE webhook_deliveries SET last_error = $2, locked_until = NULL, "
            "next_attempt_at = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1",
            a.delivery_id, a.error, retry_seconds);
        break;
    }
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<domain::Page<svc::WebhookDelivery>>>
PgWebhookRepository::list_deliveries(svc::WebhookDeliveryQuery query) {
  auto job = [q = std::move(query)](pqxx::connection& c) -> Result<domain::Page<svc::WebhookDelivery>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kDeliveryColumns + " FROM webhook_deliveries d WHERE d.subscription_id = $1 "
        "AND ($2::text IS NULL OR d.status = $2) AND d.id > coalesce($3::bigint, 0) "
        "ORDER BY d.id LIMIT $4",
        q.subscription_id, q.status, q.after, q.limit + 1);
    return page_from<svc::WebhookDelivery>(rows, q.limit, delivery_from);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<svc::WebhookDelivery>> PgWebhookRepository::get_delivery(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<svc::WebhookDelivery> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kDeliveryColumns + " FROM webhook_deliveries d WHERE d.id = $1", id);
    if (rows.empty()) return Error::not_found("no such webhook delivery");
    return delivery_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<svc::WebhookDelivery>> PgWebhookRepository::replay_delivery(
    domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<svc::WebhookDelivery> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH d AS (UPDATE webhook_deliveries w SET status = 'pending', attempts = 0, "
        "next_attempt_at = now(), first_attempt_at = NULL, locked_until = NULL, updated_at = now() "
        "FROM webhook_subscriptions s WHERE w.id = $1 AND s.id = w.subscription_id "
        "AND s.deleted_at IS NULL AND w.status <> 'pending' RETURNING w.*) "
        "SELECT " + kDeliveryColumns + " FROM d",
        id);
    if (rows.empty()) {
      const auto existing = tx.exec_params(
          "SELECT w.status, s.deleted_at IS NULL AS live FROM webhook_deliveries w "
          "JOIN webhook_subscriptions s ON s.id = w.subscription_id WHERE w.id = $1",
          id);
      if (existing.empty() || !existing[0]["live"].as<bool>()) {
        return Error::not_found("no such webhook delivery");
      }
      return Error::conflict("the delivery is still pending");
    }
    tx.commit();
    return delivery_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<int>> PgWebhookRepository::replay_range(domain::Id subscription_id,
                                                                      domain::TimePoint from,
                                                                      domain::TimePoint to,
                                                                      int limit) {
  const auto from_ms = millis_of(from);
  const auto to_ms = millis_of(to);
  auto job = [=](pqxx::connection& c) -> Result<int> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH picked AS (SELECT id FROM webhook_deliveries WHERE subscription_id = $1 "
        "AND status <> 'pending' AND created_at >= to_timestamp($2::double precision / 1000) "
        "AND created_at < to_timestamp($3::double precision / 1000) ORDER BY id LIMIT $4 "
        "FOR UPDATE SKIP LOCKED) "
        "UPDATE webhook_deliveries w SET status = 'pending', attempts = 0, next_attempt_at = now(), "
        "first_attempt_at = NULL, locked_until = NULL, updated_at = now() FROM picked "
        "WHERE w.id = picked.id RETURNING w.id",
        subscription_id, from_ms, to_ms, limit);
    tx.commit();
    return static_cast<int>(rows.size());
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
