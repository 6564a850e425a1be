// Merge and unmerge of two customers, each one transaction step of its caller. The merge journal
// (customer_merges.snapshot) records every row it touched, so unmerge restores them exactly.
// Profile rule (docs/identity.md): the survivor's name unless empty, the higher tier, attributes
// of both with the survivor's keys winning, the union of tags.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cc/store/pg/pg_identity_resolution.hpp"

namespace cc::store {
namespace {

using nlohmann::json;

json ids_of(const pqxx::result& rows) {
  json out = json::array();
  for (const auto& row : rows) out.push_back(row[0].as<domain::Id>());
  return out;
}

std::string id_array(const json& ids) {
  std::string list = "{";
  for (const auto& id : ids) list += (list.size() > 1 ? "," : "") + std::to_string(id.get<domain::Id>());
  return list + "}";
}

bool has_table(pqxx::transaction_base& tx, const char* name) {
  return tx.exec_params("SELECT to_regclass($1) IS NOT NULL", std::string(name))[0][0].as<bool>();
}

// Identities: a row the survivor already has is deleted (kept whole in the journal), and upgrades
// the survivor's row to verified when the merged one was; the rest move.
void move_identities(pqxx::transaction_base& tx, domain::Id survivor, domain::Id merged, json& snap) {
  const auto deleted = tx.exec_params(
      "DELETE FROM customer_identities m USING customer_identities s "
      "WHERE m.customer_id = $2 AND s.customer_id = $1 AND s.type = m.type AND s.value = m.value "
      "RETURNING to_jsonb(m), s.id, m.verified AND NOT s.verified",
      survivor, merged);
  snap["identities_deleted"] = json::array();
  snap["identities_upgraded"] = json::array();
  for (const auto& row : deleted) {
    snap["identities_deleted"].push_back(json::parse(row[0].c_str()));
    if (row[2].as<bool>()) snap["identities_upgraded"].push_back(row[1].as<domain::Id>());
  }
  if (!snap["identities_upgraded"].empty()) {
    tx.exec_params("UPDATE customer_identities SET verified = true WHERE id = ANY($1::bigint[])",
                   id_array(snap["identities_upgraded"]));
  }
  snap["identities_moved"] = ids_of(tx.exec_params(
      "UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2 RETURNING id", survivor,
      merged));
}

// Conversations: a live one on an account where the survivor also has a live one is closed
// first (one live conversation per customer and account); its old state is journaled.
void move_conversations(pqxx::transaction_base& tx, domain::Id survivor, domain::Id merged, json& snap) {
  const auto clashing = tx.exec_params(
      "SELECT m.id, m.status, m.closed_at::text FROM conversations m JOIN conversations s "
      "ON s.customer_id = $1 AND s.channel_account_id = m.channel_account_id AND s.status <> 'closed' "
      "WHERE m.customer_id = $2 AND m.status <> 'closed' FOR UPDATE OF m",
      survivor, merged);
  snap["conversations_closed"] = json::array();
  for (const auto& row : clashing) {
    snap["conversations_closed"].push_back(
        {{"id", row[0].as<domain::Id>()}, {"status", row[1].as<std::string>()}});
    tx.exec_params("UPDATE conversations SET status = 'closed', closed_at = now() WHERE id = $1",
                   row[0].as<domain::Id>());
  }
  snap["conversations_moved"] = ids_of(tx.exec_params(
      "UPDATE conversations SET customer_id = $1 WHERE customer_id = $2 RETURNING id", survivor, merged));
}

void move_owned(pqxx::transaction_base& tx, domain::Id survivor, domain::Id merged, json& snap) {
  snap["business_events_moved"] = ids_of(tx.exec_params(
      "UPDATE business_events SET customer_id = $1 WHERE customer_id = $2 RETURNING id", survivor, merged));
  snap["notes_moved"] = ids_of(tx.exec_params(
      "UPDATE customer_notes SET customer_id = $1 WHERE customer_id = $2 RETURNING id", survivor, merged));
  snap["tickets_moved"] = json::array();
  if (has_table(tx, "tickets")) {  // the tickets module's table (migrations/0009_tickets.sql)
    snap["tickets_moved"] = ids_of(tx.exec_params(
        "UPDATE tickets SET requester_id = $1 WHERE requester_id = $2 RETURNING id", survivor, merged));
  }
}

void move_back(pqxx::transaction_base& tx, const char* table, const char* column, const json& ids,
               domain::Id merged) {
  if (ids.empty()) return;
  tx.exec_params(std::string("UPDATE ") + table + " SET " + column + " = $1 WHERE id = ANY($2::bigint[])",
                 merged, id_array(ids));
}

}  // namespace

domain::Id merge_customers(pqxx::transaction_base& tx, domain::Id survivor, domain::Id merged,
                           std::optional<domain::Id> actor, bool automatic) {
  if (survivor == merged) throw std::invalid_argument("a customer cannot merge with itself");
  const auto rows = tx.exec_params(
      "SELECT id, to_jsonb(c), merged_into IS NOT NULL FROM customers c "
      "WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
      survivor, merged);
  if (rows.size() != 2) throw std::invalid_argument("unknown customer");
  json snap{{"survivor", nullptr}, {"merged", nullptr}};
  for (const auto& row : rows) {
    if (row[2].as<bool>()) throw std::invalid_argument("customer already merged");
    snap[row[0].as<domain::Id>() == survivor ? "survivor" : "merged"] = json::parse(row[1].c_str());
  }
  move_identities(tx, survivor, merged, snap);
  move_conversations(tx, survivor, merged, snap);
  move_owned(tx, survivor, merged, snap);
  tx.exec_params(
      "UPDATE customers s SET "
      "display_name = CASE WHEN s.display_name = '' THEN m.display_name ELSE s.display_name END, "
      "tier = CASE WHEN cc_tier_rank(m.tier) > cc_tier_rank(s.tier) THEN m.tier ELSE s.tier END, "
      "attributes = m.attributes || s.attributes, "
      "tags = ARRAY(SELECT DISTINCT t FROM unnest(s.tags || m.tags) t ORDER BY t), updated_at = now() "
      "FROM customers m WHERE s.id = $1 AND m.id = $2",
      survivor, merged);
  tx.exec_params("UPDATE customers SET merged_into = $1, updated_at = now() WHERE id = $2", survivor, merged);
  const auto merge_id =
      tx.exec_params("INSERT INTO customer_merges (survivor_id, merged_id, automatic, actor_agent_id, snapshot) "
                     "VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id",
                     survivor, merged, automatic, actor, snap.dump())[0][0]
          .as<domain::Id>();
  json details = snap;
  details["merge_id"] = merge_id;
  details["automatic"] = automatic;
  tx.exec_params(
      "INSERT INTO audit_log (actor_agent_id, action, target_type, target_id, details) "
      "VALUES ($1, 'customer.merged', 'customer', $2, $3::jsonb)",
      actor, std::to_string(survivor), details.dump());
  return merge_id;
}

bool unmerge_customers(pqxx::transaction_base& tx, domain::Id merge_id, std::optional<domain::Id> actor) {
  const auto rows = tx.exec_params(
      "SELECT survivor_id, merged_id, snapshot::text FROM customer_merges "
      "WHERE id = $1 AND undone_at IS NULL FOR UPDATE",
      merge_id);
  if (rows.empty()) return false;
  const auto survivor = rows[0][0].as<domain::Id>();
  const auto merged = rows[0][1].as<domain::Id>();
  const auto snap = json::parse(rows[0][2].c_str());
  tx.exec_params("SELECT 1 FROM customers WHERE id IN ($1, $2) ORDER BY id FOR UPDATE", survivor, merged);
  // Identities: downgrade first, so the re-inserted verified rows do not clash.
  if (!snap["identities_upgraded"].empty()) {
    tx.exec_params("UPDATE customer_identities SET verified = false WHERE id = ANY($1::bigint[])",
                   id_array(snap["identities_upgraded"]));
  }
  move_back(tx, "customer_identities", "customer_id", snap["identities_moved"], merged);
  for (const auto& row : snap["identities_deleted"]) {
    tx.exec_params(
        "INSERT INTO customer_identities SELECT * FROM jsonb_populate_record(NULL::customer_identities, $1::jsonb)",
        row.dump());
  }
  move_back(tx, "conversations", "customer_id", snap["conversations_moved"], merged);
  for (const auto& row : snap["conversations_closed"]) {
    tx.exec_params("UPDATE conversations SET status = $2, closed_at = NULL WHERE id = $1",
                   row["id"].get<domain::Id>(), row["status"].get<std::string>());
  }
  move_back(tx, "business_events", "customer_id", snap["business_events_moved"], merged);
  move_back(tx, "customer_notes", "customer_id", snap["notes_moved"], merged);
  if (!snap["tickets_moved"].empty()) move_back(tx, "tickets", "requester_id", snap["tickets_moved"], merged);
  for (const char* side : {"survivor", "merged"}) {
    tx.exec_params(
        "UPDATE customers c SET display_name = r.display_name, tier = r.tier, attributes = r.attributes, "
        "tags = r.tags, merged_into = r.merged_into, created_at = r.created_at, updated_at = r.updated_at "
        "FROM jsonb_populate_record(NULL::customers, $1::jsonb) r WHERE c.id = r.id",
        snap[side].dump());
  }
  tx.exec_params("UPDATE customer_merges SET undone_at = now() WHERE id = $1", merge_id);
  tx.exec_params(
      "INSERT INTO audit_log (actor_agent_id, action, target_type, target_id, details) "
      "VALUES ($1, 'customer.unmerged', 'customer', $2, $3::jsonb)",
      actor, std::to_string(merged), json{{"merge_id", merge_id}, {"survivor_id", survivor}}.dump());
  return true;
}

}  // namespace cc::store
