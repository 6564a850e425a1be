// Customer profiles (one query for the whole 360 view), prefix search, merge suggestions and
// unmerge. Business events and integration keys: pg_customer_events.cpp.
#include <stdexcept>

#include "cc/domain/cursor.hpp"
#include "cc/store/pg/pg_customer_store.hpp"
#include "cc/store/pg/pg_identity_resolution.hpp"

namespace cc::store {
namespace {

using nlohmann::json;

std::string iso(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', '" + kIsoTimeFormat + "')";
}

std::string event_json(const std::string& e) {
  return "jsonb_build_object('id', " + e + ".id::text, 'type', " + e + ".type, 'external_id', " + e +
         ".external_id, 'order_ref', " + e + ".order_ref, 'status', " + e + ".status, 'occurred_at', " +
         iso(e + ".occurred_at") + ", 'data', " + e + ".data)";
}

// One round trip: every part of the 360 view is an indexed sub-select.
const std::string& profile_sql() {
  static const std::string sql =
      "SELECT jsonb_build_object("
      "'customer', jsonb_build_object('id', c.id::text, 'display_name', c.display_name, 'tier', c.tier, "
      "  'tags', to_jsonb(c.tags), 'attributes', c.attributes, 'merged_into', c.merged_into::text, "
      "  'created_at', " + iso("c.created_at") + "), "
      "'identifiers', coalesce((SELECT jsonb_agg(jsonb_build_object('type', i.type, 'value', i.value, "
      "  'verified', i.verified) ORDER BY i.id) FROM (SELECT * FROM customer_identities "
      "  WHERE customer_id = c.id ORDER BY id LIMIT 100) i), '[]'), "
      "'orders', coalesce((SELECT jsonb_agg(" + event_json("e") + " ORDER BY e.occurred_at DESC) FROM "
      "  (SELECT * FROM business_events WHERE customer_id = c.id AND type = 'order' "
      "   ORDER BY occurred_at DESC LIMIT 3) e), '[]'), "
      "'returns', coalesce((SELECT jsonb_agg(" + event_json("e") + " ORDER BY e.occurred_at DESC) FROM "
      "  (SELECT * FROM business_events WHERE customer_id = c.id AND type IN ('return', 'exchange') "
      "   AND status NOT IN ('closed', 'completed', 'rejected', 'cancelled', 'refunded') "
      "   ORDER BY occurred_at DESC LIMIT 20) e), '[]'), "
      "'complaints', coalesce((SELECT jsonb_agg(" + event_json("e") + " ORDER BY e.occurred_at DESC) FROM "
      "  (SELECT * FROM business_events WHERE customer_id = c.id AND type = 'complaint' "
      "   ORDER BY occurred_at DESC LIMIT 20) e), '[]'), "
      "'timeline', coalesce((SELECT jsonb_agg(jsonb_build_object('conversation_id', v.id::text, "
      "  'channel', v.channel, 'status', v.status, 'preview', v.last_message_preview, "
      "  'last_message_at', " + iso("v.last_message_at") + ", 'review_flags', coalesce((SELECT "
      "  jsonb_agg(f.reason) FROM conversation_review_flags f WHERE f.conversation_id = v.id), '[]')) "
      "  ORDER BY v.last_message_at DESC) FROM (SELECT * FROM conversations WHERE customer_id = c.id "
      "  ORDER BY last_message_at DESC LIMIT 20) v), '[]')"
      ")::text FROM customers c WHERE c.id = $1";
  return sql;
}

std::string like_prefix(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "%";
}

domain::Page<json> json_page(const pqxx::result& rows, int limit) {
  domain::Page<json> page;
  for (const auto& row : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = domain::encode_cursor(std::stoll(page.items.back()["id"].get<std::string>()));
      break;
    }
    page.items.push_back(json::parse(row[0].c_str()));
  }
  return page;
}

}  // namespace

awaitable<Result<json>> PgCustomerStore::profile(domain::Id customer_id) {
  auto job = [customer_id](pqxx::connection& c) -> Result<json> {
    // Prepared once per connection: parsing and planning this statement cost more than running it
    // (the screen pop of every call reads it).
    c.prepare("customer_profile", profile_sql());
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_prepared("customer_profile", customer_id);
    if (rows.empty()) return Error::not_found("no such customer");
    return json::parse(rows[0][0].c_str());
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<std::string>>> PgCustomerStore::agent_permissions(domain::Id agent_id) {
  auto job = [agent_id](pqxx::connection& c) -> Result<std::vector<std::string>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params("SELECT unnest(permissions) FROM agents WHERE id = $1", agent_id);
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row[0].as<std::string>());
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<json>>> PgCustomerStore::search(std::string prefix,
                                                              std::optional<domain::Id> after, int limit) {
  auto job = [prefix = std::move(prefix), after, limit](pqxx::connection& c) -> Result<domain::Page<json>> {
    pqxx::read_transaction tx(c);
    const auto pattern = like_prefix(prefix);
    // Both arms use a text_pattern_ops index; the union is small for any real prefix.
    const auto rows = tx.exec_params(
        "SELECT jsonb_build_object('id', c.id::text, 'display_name', c.display_name, 'tier', c.tier, "
        "'tags', to_jsonb(c.tags))::text FROM customers c WHERE c.merged_into IS NULL AND c.id > $2 "
        "AND c.id IN (SELECT id FROM customers WHERE lower(display_name) LIKE lower($1) "
        "AND merged_into IS NULL UNION SELECT customer_id FROM customer_identities WHERE value LIKE $1 "
        "UNION SELECT customer_id FROM customer_identities WHERE value LIKE '+86' || $1) "
        "ORDER BY c.id LIMIT $3",
        pattern, after.value_or(0), limit + 1);
    return json_page(rows, limit);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<json>>> PgCustomerStore::merge_suggestions(std::string status,
                                                                         std::optional<domain::Id> after,
                                                                         int limit) {
  auto job = [status = std::move(status), after, limit](pqxx::connection& c) -> Result<domain::Page<json>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT jsonb_build_object('id', s.id::text, 'customer_ids', jsonb_build_array(s.customer_a::text, "
        "s.customer_b::text), 'reason', s.reason, 'status', s.status, 'created_at', " + iso("s.created_at") +
            ")::text FROM customer_merge_suggestions s WHERE s.status = $1 AND s.id > $2 ORDER BY s.id LIMIT $3",
        status, after.value_or(0), limit + 1);
    return json_page(rows, limit);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<json>> PgCustomerStore::decide_suggestion(domain::Id id, bool confirm, domain::Id actor) {
  auto job = [id, confirm, actor](pqxx::connection& c) -> Result<json> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "SELECT customer_a, customer_b, status FROM customer_merge_suggestions WHERE id = $1 FOR UPDATE", id);
    if (rows.empty()) return Error::not_found("no such merge suggestion");
    if (rows[0][2].as<std::string>() != "pending") return Error::conflict("the suggestion is already decided");
    json out{{"id", std::to_string(id)}, {"status", confirm ? "confirmed" : "rejected"}};
    if (confirm) {
      const auto a = rows[0][0].as<domain::Id>();
      const auto b = rows[0][1].as<domain::Id>();
      try {
        out["merge_id"] = std::to_string(merge_customers(tx, a, b, actor, false));
        out["survivor_id"] = std::to_string(a);
      } catch (const std::invalid_argument& e) {
        return Error::conflict(std::string("cannot merge: ") + e.what());
      }
    }
    tx.exec_params(
        "UPDATE customer_merge_suggestions SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1",
        id, std::string(confirm ? "confirmed" : "rejected"), actor);
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<json>> PgCustomerStore::unmerge(domain::Id customer_id, domain::Id actor) {
  auto job = [customer_id, actor](pqxx::connection& c) -> Result<json> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "SELECT id, survivor_id, merged_id FROM customer_merges WHERE undone_at IS NULL "
        "AND (survivor_id = $1 OR merged_id = $1) ORDER BY id DESC LIMIT 1",
        customer_id);
    if (rows.empty()) return Error::not_found("the customer has no merge to undo");
    const auto merge_id = rows[0][0].as<domain::Id>();
    // A merge is undone last-in first-out: a later merge into the survivor is undone first.
    const auto later = tx.exec_params(
        "SELECT 1 FROM customer_merges WHERE undone_at IS NULL AND id > $1 AND (survivor_id = $2 OR merged_id = $2)",
        merge_id, rows[0][1].as<domain::Id>());
    if (!later.empty()) return Error::conflict("undo the later merge of the surviving customer first");
    if (!unmerge_customers(tx, merge_id, actor)) return Error::not_found("the merge is already undone");
    tx.commit();
    return json{{"merge_id", std::to_string(merge_id)},
                {"customer_ids", {std::to_string(rows[0][1].as<domain::Id>()),
                                  std::to_string(rows[0][2].as<domain::Id>())}}};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
