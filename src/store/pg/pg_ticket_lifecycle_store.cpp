// Custom field definitions, the ticket access check, auto-close candidates and the
// silent-customer follow-up claims (conversation_followups: its primary key makes a claim once).
#include "cc/store/pg/pg_ticket_lifecycle_store.hpp"

#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_ticket_rows.hpp"

namespace cc::store {

using boost::asio::awaitable;
using nlohmann::json;
namespace svc = services;

namespace {

svc::TicketFieldDefinition field_from(const pqxx::row& row) {
  svc::TicketFieldDefinition f;
  f.key = row["key"].c_str();
  f.label = row["label"].c_str();
  f.type = row["type"].c_str();
  const auto options = json::parse(row["options"].c_str(), nullptr, false);
  if (options.is_array()) {
    for (const auto& option : options) {
      if (option.is_string()) f.options.push_back(option.get<std::string>());
    }
  }
  f.required = row["required"].as<bool>();
  return f;
}

const char* const kFieldColumns = "key, label, type, options::text AS options, required";

}  // namespace

awaitable<Result<std::vector<svc::TicketFieldDefinition>>> PgTicketLifecycleStore::ticket_fields() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::TicketFieldDefinition>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec(std::string("SELECT ") + kFieldColumns + " FROM ticket_field_definitions ORDER BY key");
    return rows_to<svc::TicketFieldDefinition>(rows, field_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::TicketFieldDefinition>> PgTicketLifecycleStore::save_ticket_field(
    svc::TicketFieldDefinition field) {
  auto job = [field = std::move(field)](pqxx::connection& c) -> Result<svc::TicketFieldDefinition> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        std::string("INSERT INTO ticket_field_definitions (key, label, type, options, required) "
                    "VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (key) DO UPDATE SET label = excluded.label, "
                    "type = excluded.type, options = excluded.options, required = excluded.required RETURNING ") +
            kFieldColumns,
        field.key, field.label, field.type, json(field.options).dump(), field.required);
    auto saved = field_from(rows[0]);
    tx.commit();
    return saved;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketLifecycleStore::delete_ticket_field(std::string key) {
  auto job = [key = std::move(key)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // Stored values stay in the tickets' custom_fields; they are no longer validated.
    const auto rows = tx.exec_params("DELETE FROM ticket_field_definitions WHERE key = $1 RETURNING key", key);
    if (rows.empty()) return Error::not_found("no such ticket field");
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<bool>> PgTicketLifecycleStore::agent_may_see(domain::Id agent_id, domain::Id ticket_id) {
  auto job = [=](pqxx::connection& c) -> Result<bool> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT 1 FROM tickets t WHERE t.id = $2 AND " + ticket_visible_to_agent_sql("$1"), agent_id, ticket_id);
    return !rows.empty();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Id>>> PgTicketLifecycleStore::solved_before(int days, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT id FROM tickets WHERE state = 'solved' AND solved_at < now() - make_interval(days => $1) "
        "ORDER BY solved_at, id LIMIT $2",
        days, limit);
    return ids_of(rows);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<domain::Id>>> PgTicketLifecycleStore::closed_ticket_to_follow(
    domain::Id conversation_id) {
  auto job = [conversation_id](pqxx::connection& c) -> Result<std::optional<domain::Id>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT t.id FROM tickets t JOIN ticket_conversations tc ON tc.ticket_id = t.id "
        "WHERE tc.conversation_id = $1 AND t.state = 'closed' AND t.merged_into_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM tickets o JOIN ticket_conversations oc ON oc.ticket_id = o.id "
        "WHERE oc.conversation_id = $1 AND o.state <> 'closed') ORDER BY t.id DESC LIMIT 1",
        conversation_id);
    if (rows.empty()) return std::optional<domain::Id>{};
    return std::optional<domain::Id>(rows[0][0].as<domain::Id>());
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::FollowupClaim>>> PgTicketLifecycleStore::claim_followups(int silence_seconds,
                                                                                          int limit) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<svc::FollowupClaim>> {
    pqxx::work tx(c);
    // The last message of each live conversation; an agent's reply that has waited long enough,
    // after the customer wrote, is claimed by inserting its key. A second instance inserting the
    // same key waits for the first and then skips it (ON CONFLICT DO NOTHING).
    const auto rows = tx.exec_params(
        "INSERT INTO conversation_followups (conversation_id, after_message_id) "
        "SELECT c.id, m.id FROM conversations c "
        "JOIN LATERAL (SELECT id, sender_type, created_at FROM messages WHERE conversation_id = c.id "
        "ORDER BY id DESC LIMIT 1) m ON true "
        "WHERE c.status <> 'closed' AND m.sender_type = 'agent' "
        "AND m.created_at < now() - make_interval(secs => $1) "
        "AND EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = c.id AND x.sender_type = 'customer') "
        "ORDER BY m.id LIMIT $2 ON CONFLICT DO NOTHING RETURNING conversation_id, after_message_id",
        silence_seconds, limit);
    tx.commit();
    return rows_to<svc::FollowupClaim>(rows, [](const pqxx::row& row) {
      return svc::FollowupClaim{row[0].as<domain::Id>(), row[1].as<domain::Id>()};
    });
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketLifecycleStore::record_followup(svc::FollowupClaim claim, domain::Id message_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE conversation_followups SET message_id = $3, sent_at = now() "
        "WHERE conversation_id = $1 AND after_message_id = $2",
        claim.conversation_id, claim.after_message_id, message_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketLifecycleStore::release_followup(svc::FollowupClaim claim) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "DELETE FROM conversation_followups WHERE conversation_id = $1 AND after_message_id = $2 "
        "AND message_id IS NULL",
        claim.conversation_id, claim.after_message_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
