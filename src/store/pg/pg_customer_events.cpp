// Integration keys and business events (orders, payments, shipments, returns, exchanges,
// complaints): idempotent on the external id, resolved to a customer like an inbound contact,
// and checked for a return and an exchange of the same order within a window.
#include "cc/store/pg/pg_customer_store.hpp"
#include "cc/store/pg/pg_identity_resolution.hpp"

namespace cc::store {
namespace {

using nlohmann::json;

std::string event_select() {
  return std::string(
             "SELECT jsonb_build_object('id', id::text, 'type', type, 'external_id', external_id, "
             "'customer_id', customer_id::text, 'order_ref', order_ref, 'status', status, 'occurred_at', "
             "to_char(occurred_at AT TIME ZONE 'UTC', '") +
         kIsoTimeFormat + "'), 'data', data)::text FROM business_events ";
}

std::optional<std::string> text_of(const json& data, const char* key) {
  const auto it = data.find(key);
  if (it == data.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

// A return and an exchange of one order close together: flag the conversations involved (those
// the events name, else the customer's live ones) for manual review.
std::optional<json> contradiction(pqxx::transaction_base& tx, domain::Id customer, const json& event,
                                  std::chrono::seconds window) {
  const auto& type = event["type"].get_ref<const std::string&>();
  if ((type != "return" && type != "exchange") || event["order_ref"].is_null()) return std::nullopt;
  const auto other = tx.exec_params(
      "SELECT id, data->>'conversation_id' FROM business_events WHERE customer_id = $1 AND order_ref = $2 "
      "AND type = $3 AND id <> $4::bigint AND abs(extract(epoch FROM occurred_at - $5::timestamptz)) <= $6",
      customer, event["order_ref"].get<std::string>(), std::string(type == "return" ? "exchange" : "return"),
      event["id"].get<std::string>(), event["occurred_at"].get<std::string>(),
      static_cast<long long>(window.count()));
  if (other.empty()) return std::nullopt;
  json event_ids = json::array({event["id"]});
  std::string named = "{";
  if (auto own = text_of(event["data"], "conversation_id")) named += *own;
  for (const auto& row : other) {
    event_ids.push_back(row[0].as<std::string>());
    if (!row[1].is_null() && !row[1].as<std::string>().empty()) {
      named += (named.size() > 1 ? "," : "") + row[1].as<std::string>();
    }
  }
  named += "}";
  const json details{{"order_ref", event["order_ref"]}, {"event_ids", event_ids}};
  const auto flagged = tx.exec_params(
      "INSERT INTO conversation_review_flags (conversation_id, reason, details) "
      "SELECT id, 'return_exchange_conflict', $3::jsonb FROM conversations WHERE customer_id = $1 AND "
      "(CASE WHEN cardinality($2::bigint[]) > 0 THEN id = ANY($2::bigint[]) ELSE status <> 'closed' END) "
      "ON CONFLICT (conversation_id, reason) DO UPDATE SET details = EXCLUDED.details RETURNING conversation_id",
      customer, named, details.dump());
  json conversations = json::array();
  for (const auto& row : flagged) conversations.push_back(row[0].as<std::string>());
  return json{{"customer_id", std::to_string(customer)}, {"order_ref", event["order_ref"]},
              {"event_ids", event_ids}, {"conversation_ids", conversations}};
}

}  // namespace

awaitable<Result<json>> PgCustomerStore::create_integration_key(std::string name, std::string key_hash,
                                                                domain::Id actor) {
  auto job = [name = std::move(name), key_hash = std::move(key_hash), actor](pqxx::connection& c) -> Result<json> {
    pqxx::work tx(c);
    const auto row = tx.exec_params(
        "INSERT INTO integration_keys (name, key_hash, created_by) VALUES ($1, $2, $3) RETURNING id", name,
        key_hash, actor)[0];
    const auto id = row[0].as<domain::Id>();
    tx.exec_params(
        "INSERT INTO audit_log (actor_agent_id, action, target_type, target_id, details) "
        "VALUES ($1, 'integration_key.created', 'integration_key', $2, $3::jsonb)",
        actor, std::to_string(id), json{{"name", name}}.dump());
    tx.commit();
    return json{{"id", std::to_string(id)}, {"name", name}};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Id>> PgCustomerStore::find_integration_key(std::string key_hash) {
  auto job = [key_hash = std::move(key_hash)](pqxx::connection& c) -> Result<domain::Id> {
    pqxx::read_transaction tx(c);
    const auto rows =
        tx.exec_params("SELECT id FROM integration_keys WHERE key_hash = $1 AND revoked_at IS NULL", key_hash);
    if (rows.empty()) return Error::unauthorized("unknown or revoked integration key");
    return rows[0][0].as<domain::Id>();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<services::BusinessEventOutcome>> PgCustomerStore::record_business_event(
    services::NewBusinessEvent event, std::chrono::seconds window) {
  auto job = [event = std::move(event), window](pqxx::connection& c) -> Result<services::BusinessEventOutcome> {
    pqxx::work tx(c);
    services::BusinessEventOutcome outcome;
    const auto known = tx.exec_params(event_select() + "WHERE external_id = $1", event.external_id);
    if (!known.empty()) {
      outcome.event = json::parse(known[0][0].c_str());
      return outcome;
    }
    const auto customer = resolve_customer(tx, event.identifiers, std::nullopt);
    auto order_ref = text_of(event.data, "order_id");
    if (!order_ref && event.type == "order") order_ref = event.external_id;
    const auto status = text_of(event.data, "status").value_or("");
    const auto inserted = tx.exec_params(
        "WITH e AS (INSERT INTO business_events (customer_id, type, external_id, order_ref, status, "
        "occurred_at, data, key_id) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::jsonb, nullif($8, 0)) "
        "ON CONFLICT (external_id) DO NOTHING RETURNING id) SELECT id FROM e",
        customer, event.type, event.external_id, order_ref, status, event.occurred_at, event.data.dump(),
        event.key_id);
    if (inserted.empty()) {  // a concurrent push of the same event won
      tx.abort();
      return Error::conflict("the event is being recorded by a concurrent request; retry");
    }
    outcome.event = json::parse(
        tx.exec_params(event_select() + "WHERE id = $1", inserted[0][0].as<domain::Id>())[0][0].c_str());
    outcome.created = true;
    outcome.contradiction = contradiction(tx, customer, outcome.event, window);
    tx.commit();
    return outcome;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
