// Tickets: create, read, list, update with history, merge. SLA and CSAT bookkeeping are in
// pg_ticket_sla_store.cpp.
// GCC 12 reports a false maybe-uninitialized inside std::variant's move when a Result<Ticket>
// passes through Asio's any_completion_handler (-O2 inlining); the value is always initialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "cc/store/pg/pg_ticket_repository.hpp"

#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_rows.hpp"
#include "cc/store/pg/pg_ticket_rows.hpp"

namespace cc::store {

using boost::asio::awaitable;
using nlohmann::json;
namespace svc = services;
using domain::Ticket;

#define CC_T_MILLIS(column) "(extract(epoch from t." column ") * 1000)::bigint AS " column "_ms"

const std::string kTicketColumns =
    "t.id, t.requester_id, t.assignee_id, t.team, t.state, t.type, t.priority, t.subject, t.description, "
    "array_to_json(t.tags)::text AS tags, t.custom_fields::text AS custom_fields, t.source, t.version, "
    "t.merged_into_id, t.sla_policy_id, t.sla_status, t.first_reply_remaining_s, t.next_reply_remaining_s, "
    "t.resolution_remaining_s, " CC_T_MILLIS("first_reply_due_at") ", " CC_T_MILLIS("next_reply_due_at") ", "
    CC_T_MILLIS("resolution_due_at") ", " CC_T_MILLIS("sla_paused_at") ", " CC_T_MILLIS("first_replied_at") ", "
    CC_T_MILLIS("next_sla_due_at") ", " CC_T_MILLIS("next_sla_warning_at") ", " CC_T_MILLIS("created_at") ", "
    CC_T_MILLIS("updated_at") ", " CC_T_MILLIS("solved_at") ", " CC_T_MILLIS("closed_at");

namespace {

std::optional<domain::TimePoint> time_of(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return time_from_millis(field.as<std::int64_t>());
}

template <class T>
std::optional<T> opt(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

std::optional<std::int64_t> millis_or_null(const std::optional<domain::TimePoint>& time) {
  if (!time) return std::nullopt;
  return millis_of(*time);
}

std::optional<std::int64_t> seconds_or_null(const std::optional<std::chrono::seconds>& s) {
  if (!s) return std::nullopt;
  return s->count();
}

json id_json(const std::optional<domain::Id>& id) { return id ? json(std::to_string(*id)) : json(nullptr); }

Ticket load(pqxx::transaction_base& tx, domain::Id id, bool lock) {
  const auto rows = tx.exec_params(
      "SELECT " + kTicketColumns + " FROM tickets t WHERE t.id = $1" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) throw std::out_of_range("ticket");
  return ticket_from(rows[0]);
}

void add_history(pqxx::transaction_base& tx, domain::Id ticket_id, const svc::TicketActor& actor,
                 const std::string& field, const json& old_value, const json& new_value, const std::string& reason) {
  tx.exec_params(
      "INSERT INTO ticket_history (ticket_id, actor_agent_id, actor, field, old_value, new_value, reason) "
      "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, nullif($7, ''))",
      ticket_id, actor.agent_id, actor.name, field, old_value.dump(), new_value.dump(), reason);
}

// Writes the SLA timer columns from a clock; next_sla_due_at is the earliest running due time.
void write_sla(pqxx::transaction_base& tx, domain::Id id, const domain::SlaClock& clock,
               const std::optional<domain::TimePoint>& next_check, const std::string& status) {
  const auto next = domain::next_due(clock);
  tx.exec_params(
      "UPDATE tickets SET "
      "first_reply_due_at = to_timestamp($2::bigint / 1000.0), next_reply_due_at = to_timestamp($3::bigint / 1000.0), "
      "resolution_due_at = to_timestamp($4::bigint / 1000.0), first_reply_remaining_s = $5, "
      "next_reply_remaining_s = $6, resolution_remaining_s = $7, sla_paused_at = to_timestamp($8::bigint / 1000.0), "
      "next_sla_due_at = to_timestamp($9::bigint / 1000.0), next_sla_warning_at = to_timestamp($10::bigint / 1000.0), "
      "sla_status = $11 WHERE id = $1",
      id, millis_or_null(clock.due[0]), millis_or_null(clock.due[1]), millis_or_null(clock.due[2]),
      seconds_or_null(clock.remaining[0]), seconds_or_null(clock.remaining[1]), seconds_or_null(clock.remaining[2]),
      millis_or_null(clock.paused_at), millis_or_null(next ? std::optional(next->due) : std::nullopt),
      millis_or_null(next_check), status);
}

// Applies one field of a patch: the column update and its history row, when the value changes.
template <class V>
void change(pqxx::transaction_base& tx, domain::Id id, const svc::TicketActor& actor, const std::string& reason,
            const char* column, const json& old_value, const json& new_value, const V& sql_value,
            const std::string& cast = "") {
  if (old_value == new_value) return;
  tx.exec_params("UPDATE tickets SET " + std::string(column) + " = $2" + cast + " WHERE id = $1", id, sql_value);
  add_history(tx, id, actor, column, old_value, new_value, reason);
}

}  // namespace

domain::Ticket ticket_from(const pqxx::row& row) {
  Ticket t;
  t.id = row["id"].as<domain::Id>();
  t.requester_id = opt<domain::Id>(row["requester_id"]);
  t.assignee_id = opt<domain::Id>(row["assignee_id"]);
  t.team = opt<std::string>(row["team"]);
  t.state = domain::parse_ticket_state(row["state"].c_str()).value_or(domain::TicketState::open);
  t.type = domain::parse_ticket_type(row["type"].c_str()).value_or(domain::TicketType::question);
  t.priority = domain::parse_ticket_priority(row["priority"].c_str()).value_or(domain::TicketPriority::normal);
  t.subject = row["subject"].c_str();
  t.description = row["description"].c_str();
  auto tags = json::parse(row["tags"].c_str(), nullptr, false);
  if (tags.is_array()) {
    for (const auto& tag : tags) {
      if (tag.is_string()) t.tags.push_back(tag.get<std::string>());
    }
  }
  t.custom_fields_json = row["custom_fields"].c_str();
  t.source = row["source"].c_str();
  t.version = row["version"].as<int>();
  t.merged_into_id = opt<domain::Id>(row["merged_into_id"]);
  t.sla_policy_id = opt<domain::Id>(row["sla_policy_id"]);
  t.sla_status = row["sla_status"].c_str();
  t.sla.due[0] = time_of(row["first_reply_due_at_ms"]);
  t.sla.due[1] = time_of(row["next_reply_due_at_ms"]);
  t.sla.due[2] = time_of(row["resolution_due_at_ms"]);
  const char* remaining[] = {"first_reply_remaining_s", "next_reply_remaining_s", "resolution_remaining_s"};
  for (int i = 0; i < 3; ++i) {
    if (auto s = opt<std::int64_t>(row[remaining[i]])) t.sla.remaining[i] = std::chrono::seconds(*s);
  }
  t.sla.paused_at = time_of(row["sla_paused_at_ms"]);
  t.first_replied_at = time_of(row["first_replied_at_ms"]);
  t.next_sla_due_at = time_of(row["next_sla_due_at_ms"]);
  t.next_sla_check_at = time_of(row["next_sla_warning_at_ms"]);
  t.created_at = time_from_millis(row["created_at_ms"].as<std::int64_t>());
  t.updated_at = time_from_millis(row["updated_at_ms"].as<std::int64_t>());
  t.solved_at = time_of(row["solved_at_ms"]);
  t.closed_at = time_of(row["closed_at_ms"]);
  return t;
}

awaitable<Result<Ticket>> PgTicketRepository::create(svc::TicketDraft draft, svc::TicketActor actor) {
  auto job = [draft = std::move(draft), actor](pqxx::connection& c) -> Result<Ticket> {
    pqxx::work tx(c);
    const auto& t = draft.ticket;
    if (t.requester_id &&
        tx.exec_params("SELECT 1 FROM customers WHERE id = $1", *t.requester_id).empty()) {
      return Error::invalid("no such customer", "requester_id");
    }
    if (t.assignee_id &&
        tx.exec_params("SELECT 1 FROM agents WHERE id = $1 AND active", *t.assignee_id).empty()) {
      return Error::invalid("no such agent", "assignee_id");
    }
    if (draft.conversation_id &&
        tx.exec_params("SELECT 1 FROM conversations WHERE id = $1", *draft.conversation_id).empty()) {
      return Error::invalid("no such conversation", "conversation_id");
    }
    const auto inserted = tx.exec_params(
        "INSERT INTO tickets (requester_id, assignee_id, team, type, priority, subject, description, tags, "
        "custom_fields, source, sla_policy_id) "
        "SELECT $1, $2, $3, $4, $5, $6, $7, coalesce(array_agg(x), '{}'), $9::jsonb, $10, $11 "
        "FROM jsonb_array_elements_text($8::jsonb) x RETURNING id",
        t.requester_id, t.assignee_id, t.team, std::string(domain::to_string(t.type)),
        std::string(domain::to_string(t.priority)), t.subject, t.description, json(t.tags).dump(),
        t.custom_fields_json, t.source, t.sla_policy_id);
    const auto id = inserted[0][0].as<domain::Id>();
    if (t.sla_policy_id) write_sla(tx, id, t.sla, t.next_sla_check_at, t.sla_status);
    if (draft.conversation_id) {
      tx.exec_params("INSERT INTO ticket_conversations (ticket_id, conversation_id) VALUES ($1, $2)", id,
                     *draft.conversation_id);
    }
    add_history(tx, id, actor, "created", nullptr,
                json{{"subject", t.subject}, {"source", t.source}, {"conversation_id", id_json(draft.conversation_id)}},
                "");
    auto ticket = load(tx, id, false);
    tx.commit();
    return ticket;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<Ticket>> PgTicketRepository::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<Ticket> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kTicketColumns + " FROM tickets t WHERE t.id = $1", id);
    if (rows.empty()) return Error::not_found("no such ticket");
    return ticket_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<Ticket>>> PgTicketRepository::list(svc::TicketQuery q) {
  auto job = [q](pqxx::connection& c) -> Result<domain::Page<Ticket>> {
    pqxx::nontransaction tx(c);
    const std::string filters =
        "WHERE ($1::text IS NULL OR t.state = $1) AND ($2::bigint IS NULL OR t.assignee_id = $2) "
        "AND ($3::text IS NULL OR t.team = $3) AND ($4::text IS NULL OR t.priority = $4) "
        "AND ($5::text IS NULL OR t.sla_status = $5) AND ($6::text IS NULL OR $6 = ANY (t.tags)) "
        "AND ($7::bigint IS NULL OR t.requester_id = $7) "
        "AND ($10::bigint IS NULL OR " + ticket_visible_to_agent_sql("$10") + ") ";
    // Sorted by due: the next breach first, tickets without a running SLA last; the cursor is
    // the last id seen, whose sort key is looked up again.
    const std::string keyset =
        q.sort_by_due
            ? "AND ($8::bigint IS NULL OR (coalesce(t.next_sla_due_at, 'infinity'), t.id) > "
              "(SELECT coalesce(next_sla_due_at, 'infinity'), id FROM tickets WHERE id = $8)) "
              "ORDER BY coalesce(t.next_sla_due_at, 'infinity'), t.id "
            : "AND ($8::bigint IS NULL OR t.id < $8) ORDER BY t.id DESC ";
    auto text = [](const auto& value) -> std::optional<std::string> {
      if (!value) return std::nullopt;
      return std::string(domain::to_string(*value));
    };
    const auto rows = tx.exec_params("SELECT " + kTicketColumns + " FROM tickets t " + filters + keyset + "LIMIT $9",
                                     text(q.state), q.assignee_id, q.team, text(q.priority), q.sla_status, q.tag,
                                     q.requester_id, q.after, q.limit + 1, q.visible_to_agent);
    return page_from<Ticket>(rows, q.limit, ticket_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<Ticket>> PgTicketRepository::update(domain::Id id, std::optional<int> expected_version,
                                                     svc::TicketPatch p, svc::TicketActor actor) {
  auto job = [=](pqxx::connection& c) -> Result<Ticket> {
    pqxx::work tx(c);
    Ticket current;
    try {
      current = load(tx, id, true);
    } catch (const std::out_of_range&) {
      return Error::not_found("no such ticket");
    }
    if (expected_version && *expected_version != current.version) {
      return Error::conflict("the ticket changed since version " + std::to_string(*expected_version) +
                             " (now " + std::to_string(current.version) + ")");
    }
    if (current.state == domain::TicketState::closed) return Error::conflict("closed tickets are immutable");
    const auto& r = p.reason;
    if (p.subject) change(tx, id, actor, r, "subject", current.subject, *p.subject, *p.subject);
    if (p.description) change(tx, id, actor, r, "description", current.description, *p.description, *p.description);
    if (p.type) {
      const std::string v(domain::to_string(*p.type));
      change(tx, id, actor, r, "type", std::string(domain::to_string(current.type)), v, v);
    }
    if (p.priority) {
      const std::string v(domain::to_string(*p.priority));
      change(tx, id, actor, r, "priority", std::string(domain::to_string(current.priority)), v, v);
    }
    if (p.assignee_id) {
      if (*p.assignee_id &&
          tx.exec_params("SELECT 1 FROM agents WHERE id = $1 AND active", **p.assignee_id).empty()) {
        return Error::invalid("no such agent", "assignee_id");
      }
      change(tx, id, actor, r, "assignee_id", id_json(current.assignee_id), id_json(*p.assignee_id), *p.assignee_id);
    }
    if (p.team) {
      const json old_team = current.team ? json(*current.team) : json(nullptr);
      const json new_team = *p.team ? json(**p.team) : json(nullptr);
      change(tx, id, actor, r, "team", old_team, new_team, *p.team);
    }
    if (p.tags && json(current.tags) != json(*p.tags)) {
      tx.exec_params("UPDATE tickets SET tags = ARRAY(SELECT jsonb_array_elements_text($2::jsonb)) WHERE id = $1",
                     id, json(*p.tags).dump());
      add_history(tx, id, actor, "tags", json(current.tags), json(*p.tags), r);
    }
    if (p.custom_fields_json) {
      change(tx, id, actor, r, "custom_fields", json::parse(current.custom_fields_json, nullptr, false),
             json::parse(*p.custom_fields_json, nullptr, false), *p.custom_fields_json, "::jsonb");
    }
    if (p.state && *p.state != current.state) {
      const std::string v(domain::to_string(*p.state));
      change(tx, id, actor, r, "state", std::string(domain::to_string(current.state)), v, v);
      tx.exec_params(
          "UPDATE tickets SET solved_at = CASE WHEN $2 = 'solved' THEN now() WHEN $2 = 'closed' THEN solved_at "
          "ELSE NULL END, closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END WHERE id = $1",
          id, v);
    }
    if (p.merged_into_id) {
      change(tx, id, actor, r, "merged_into_id", id_json(current.merged_into_id), id_json(*p.merged_into_id),
             *p.merged_into_id);
    }
    if (p.sla) {
      write_sla(tx, id, *p.sla, p.next_sla_check.value_or(std::nullopt), p.sla_status.value_or(current.sla_status));
    } else if (p.sla_status) {
      tx.exec_params("UPDATE tickets SET sla_status = $2 WHERE id = $1", id, *p.sla_status);
    }
    if (p.first_replied) {
      tx.exec_params("UPDATE tickets SET first_replied_at = coalesce(first_replied_at, now()) WHERE id = $1", id);
    }
    tx.exec_params("UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1", id);
    auto ticket = load(tx, id, false);
    tx.commit();
    return ticket;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<Ticket>> PgTicketRepository::merge(domain::Id duplicate_id, domain::Id target_id,
                                                    svc::TicketActor actor) {
  auto job = [=](pqxx::connection& c) -> Result<Ticket> {
    pqxx::work tx(c);
    // Both rows locked in id order, so two opposite merges cannot deadlock.
    const auto locked = tx.exec_params(
        "SELECT id, state, merged_into_id FROM tickets WHERE id IN ($1, $2) ORDER BY id FOR UPDATE", duplicate_id,
        target_id);
    if (locked.size() != 2) return Error::not_found("no such ticket");
    for (const auto& row : locked) {
      if (std::string_view(row[1].c_str()) == "closed") return Error::conflict("closed tickets cannot be merged");
    }
    tx.exec_params(
        "INSERT INTO ticket_conversations (ticket_id, conversation_id) SELECT $2, conversation_id "
        "FROM ticket_conversations WHERE ticket_id = $1 ON CONFLICT DO NOTHING",
        duplicate_id, target_id);
    const auto moved_conversations =
        tx.exec_params("DELETE FROM ticket_conversations WHERE ticket_id = $1", duplicate_id).affected_rows();
    const auto moved_notes =
        tx.exec_params("UPDATE ticket_notes SET ticket_id = $2 WHERE ticket_id = $1", duplicate_id, target_id)
            .affected_rows();
    const auto before = load(tx, duplicate_id, false);
    tx.exec_params(
        "UPDATE tickets SET state = 'closed', closed_at = now(), merged_into_id = $2, version = version + 1, "
        "updated_at = now(), first_reply_due_at = NULL, next_reply_due_at = NULL, resolution_due_at = NULL, "
        "next_sla_due_at = NULL, next_sla_warning_at = NULL, sla_status = 'none' WHERE id = $1",
        duplicate_id, target_id);
    add_history(tx, duplicate_id, actor, "state", std::string(domain::to_string(before.state)), "closed",
                "merged into " + std::to_string(target_id));
    add_history(tx, duplicate_id, actor, "merged_into_id", nullptr, std::to_string(target_id), "");
    add_history(tx, target_id, actor, "merged", nullptr,
                json{{"ticket_id", std::to_string(duplicate_id)},
                     {"conversations", moved_conversations},
                     {"notes", moved_notes}},
                "");
    tx.exec_params(
        "INSERT INTO ticket_links (ticket_id, related_ticket_id, kind) VALUES ($1, $2, 'duplicate') "
        "ON CONFLICT (ticket_id, related_ticket_id) DO UPDATE SET kind = 'duplicate'",
        duplicate_id, target_id);
    tx.exec_params("UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1", target_id);
    auto target = load(tx, target_id, false);
    tx.commit();
    return target;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<Ticket>>> PgTicketRepository::for_conversation(domain::Id conversation_id) {
  auto job = [conversation_id](pqxx::connection& c) -> Result<std::vector<Ticket>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kTicketColumns + " FROM tickets t JOIN ticket_conversations tc ON tc.ticket_id = t.id "
        "WHERE tc.conversation_id = $1 AND t.state <> 'closed' ORDER BY t.id",
        conversation_id);
    return rows_to<Ticket>(rows, ticket_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Id>>> PgTicketRepository::conversations_of(domain::Id ticket_id) {
  auto job = [ticket_id](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT tc.conversation_id FROM ticket_conversations tc JOIN conversations c ON c.id = tc.conversation_id "
        "WHERE tc.ticket_id = $1 ORDER BY c.last_message_at, c.id",
        ticket_id);
    return ids_of(rows);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketRepository::link_conversation(domain::Id ticket_id, domain::Id conversation_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO ticket_conversations (ticket_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        ticket_id, conversation_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
