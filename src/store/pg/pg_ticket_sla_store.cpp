// Ticket notes, history, links, SLA policies and calendars, CSAT surveys and the SLA timer
// claims (FOR UPDATE SKIP LOCKED leases plus a unique event row: each warning fires once).
// GCC 12 reports a false maybe-uninitialized inside std::variant's move when a Result<Ticket>
// passes through Asio's any_completion_handler (-O2 inlining); the value is always initialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_rows.hpp"
#include "cc/store/pg/pg_ticket_rows.hpp"
#include "cc/store/pg/pg_ticket_repository.hpp"

namespace cc::store {

using boost::asio::awaitable;
using nlohmann::json;
namespace svc = services;

namespace {

std::vector<std::string> strings_of(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::chrono::seconds> seconds_of(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return std::chrono::seconds(field.as<std::int64_t>());
}

std::optional<std::int64_t> count_of(const std::optional<std::chrono::seconds>& s) {
  if (!s) return std::nullopt;
  return s->count();
}

svc::SlaPolicy policy_from(const pqxx::row& row) {
  svc::SlaPolicy p;
  p.id = row["id"].as<domain::Id>();
  p.name = row["name"].c_str();
  p.position = row["position"].as<int>();
  p.active = row["active"].as<bool>();
  const auto conditions = json::parse(row["conditions"].c_str(), nullptr, false);
  if (conditions.is_object()) {
    p.conditions.priorities = strings_of(conditions.value("priority", json::array()));
    p.conditions.tiers = strings_of(conditions.value("tier", json::array()));
    p.conditions.channels = strings_of(conditions.value("channel", json::array()));
    p.conditions.types = strings_of(conditions.value("type", json::array()));
  }
  if (!row["calendar_id"].is_null()) p.calendar_id = row["calendar_id"].as<domain::Id>();
  p.targets.first_reply = seconds_of(row["first_reply_seconds"]);
  p.targets.next_reply = seconds_of(row["next_reply_seconds"]);
  p.targets.resolution = seconds_of(row["resolution_seconds"]);
  p.targets.warning_percent = row["warning_percent"].as<int>();
  p.warning_actions_json = row["warning_actions"].c_str();
  p.breach_actions_json = row["breach_actions"].c_str();
  p.version = row["version"].as<int>();
  return p;
}

svc::TicketNote note_from(const pqxx::row& row) {
  svc::TicketNote note;
  note.id = row["id"].as<domain::Id>();
  note.ticket_id = row["ticket_id"].as<domain::Id>();
  if (!row["author_agent_id"].is_null()) note.author_agent_id = row["author_agent_id"].as<domain::Id>();
  note.body = row["body"].c_str();
  const auto mentions = json::parse(row["mentions"].c_str(), nullptr, false);
  if (mentions.is_array()) {
    for (const auto& m : mentions) {
      if (m.is_number_integer()) note.mentions.push_back(m.get<domain::Id>());
    }
  }
  note.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
  return note;
}

const std::string kNoteColumns =
    "id, ticket_id, author_agent_id, body, array_to_json(mentions)::text AS mentions, "
    "(extract(epoch from created_at) * 1000)::bigint AS created_ms";

}  // namespace

awaitable<Result<svc::TicketNote>> PgTicketRepository::add_note(svc::TicketNote note) {
  auto job = [note = std::move(note)](pqxx::connection& c) -> Result<svc::TicketNote> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "INSERT INTO ticket_notes (ticket_id, author_agent_id, body, mentions) "
        "SELECT $1, $2, $3, coalesce(array_agg(x::bigint), '{}') FROM jsonb_array_elements_text($4::jsonb) x "
        "RETURNING " + kNoteColumns,
        note.ticket_id, note.author_agent_id, note.body, json(note.mentions).dump());
    auto stored = note_from(rows[0]);
    tx.commit();
    return stored;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::TicketNote>>> PgTicketRepository::notes(domain::Id ticket_id) {
  auto job = [ticket_id](pqxx::connection& c) -> Result<std::vector<svc::TicketNote>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kNoteColumns + " FROM ticket_notes WHERE ticket_id = $1 ORDER BY id LIMIT 500", ticket_id);
    return rows_to<svc::TicketNote>(rows, note_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<svc::TicketHistoryEntry>>> PgTicketRepository::history(
    domain::Id ticket_id, std::optional<domain::Id> after, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Page<svc::TicketHistoryEntry>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT id, ticket_id, actor_agent_id, actor, field, coalesce(old_value::text, 'null') AS old_value, "
        "coalesce(new_value::text, 'null') AS new_value, coalesce(reason, '') AS reason, "
        "(extract(epoch from created_at) * 1000)::bigint AS created_ms FROM ticket_history "
        "WHERE ticket_id = $1 AND id > coalesce($2::bigint, 0) ORDER BY id LIMIT $3",
        ticket_id, after, limit + 1);
    return page_from<svc::TicketHistoryEntry>(rows, limit, [](const pqxx::row& row) {
      svc::TicketHistoryEntry e;
      e.id = row["id"].as<domain::Id>();
      e.ticket_id = row["ticket_id"].as<domain::Id>();
      if (!row["actor_agent_id"].is_null()) e.actor_agent_id = row["actor_agent_id"].as<domain::Id>();
      e.actor = row["actor"].c_str();
      e.field = row["field"].c_str();
      e.old_value_json = row["old_value"].c_str();
      e.new_value_json = row["new_value"].c_str();
      e.reason = row["reason"].c_str();
      e.created_at = time_from_millis(row["created_ms"].as<std::int64_t>());
      return e;
    });
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Id>>> PgTicketRepository::agents_by_handles(std::vector<std::string> handles) {
  auto job = [handles = std::move(handles)](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT id FROM agents WHERE active AND (lower(email) IN (SELECT jsonb_array_elements_text($1::jsonb)) "
        "OR lower(split_part(email, '@', 1)) IN (SELECT jsonb_array_elements_text($1::jsonb)) "
        "OR lower(replace(name, ' ', '')) IN (SELECT jsonb_array_elements_text($1::jsonb))) ORDER BY id",
        json(handles).dump());
    return ids_of(rows);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketRepository::link(svc::TicketLink link) {
  auto job = [link](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO ticket_links (ticket_id, related_ticket_id, kind) VALUES ($1, $2, $3) "
        "ON CONFLICT (ticket_id, related_ticket_id) DO UPDATE SET kind = excluded.kind",
        link.ticket_id, link.related_ticket_id, link.kind);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::TicketLink>>> PgTicketRepository::links(domain::Id ticket_id) {
  auto job = [ticket_id](pqxx::connection& c) -> Result<std::vector<svc::TicketLink>> {
    pqxx::nontransaction tx(c);
    // Links read from either side.
    const auto rows = tx.exec_params(
        "SELECT ticket_id, related_ticket_id, kind, (extract(epoch from created_at) * 1000)::bigint "
        "FROM ticket_links WHERE ticket_id = $1 OR related_ticket_id = $1 ORDER BY created_at, ticket_id",
        ticket_id);
    return rows_to<svc::TicketLink>(rows, [](const pqxx::row& row) {
      return svc::TicketLink{row[0].as<domain::Id>(), row[1].as<domain::Id>(), row[2].c_str(),
                             time_from_millis(row[3].as<std::int64_t>())};
    });
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::SlaPolicy>>> PgTicketRepository::sla_policies() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::SlaPolicy>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec(
        "SELECT id, name, position, active, conditions::text AS conditions, calendar_id, first_reply_seconds, "
        "next_reply_seconds, resolution_seconds, warning_percent, warning_actions::text AS warning_actions, "
        "breach_actions::text AS breach_actions, version FROM sla_policies ORDER BY position, id");
    return rows_to<svc::SlaPolicy>(rows, policy_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::SlaPolicy>> PgTicketRepository::save_sla_policy(svc::SlaPolicy p,
                                                                     std::optional<int> expected_version) {
  auto job = [p, expected_version](pqxx::connection& c) -> Result<svc::SlaPolicy> {
    pqxx::work tx(c);
    if (p.calendar_id &&
        tx.exec_params("SELECT 1 FROM business_calendars WHERE id = $1", *p.calendar_id).empty()) {
      return Error::invalid("no such calendar", "calendar_id");
    }
    const json conditions{{"priority", p.conditions.priorities},
                          {"tier", p.conditions.tiers},
                          {"channel", p.conditions.channels},
                          {"type", p.conditions.types}};
    domain::Id id = p.id;
    if (id == 0) {
      id = tx.exec_params(
                 "INSERT INTO sla_policies (name, position, active, conditions, calendar_id, first_reply_seconds, "
                 "next_reply_seconds, resolution_seconds, warning_percent, warning_actions, breach_actions) "
                 "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb) RETURNING id",
                 p.name, p.position, p.active, conditions.dump(), p.calendar_id, count_of(p.targets.first_reply),
                 count_of(p.targets.next_reply), count_of(p.targets.resolution), p.targets.warning_percent,
                 p.warning_actions_json, p.breach_actions_json)[0][0]
               .as<domain::Id>();
    } else {
      const auto updated = tx.exec_params(
          "UPDATE sla_policies SET name = $2, position = $3, active = $4, conditions = $5::jsonb, calendar_id = $6, "
          "first_reply_seconds = $7, next_reply_seconds = $8, resolution_seconds = $9, warning_percent = $10, "
          "warning_actions = $11::jsonb, breach_actions = $12::jsonb, version = version + 1, updated_at = now() "
          "WHERE id = $1 AND ($13::int IS NULL OR version = $13) RETURNING id",
          id, p.name, p.position, p.active, conditions.dump(), p.calendar_id, count_of(p.targets.first_reply),
          count_of(p.targets.next_reply), count_of(p.targets.resolution), p.targets.warning_percent,
          p.warning_actions_json, p.breach_actions_json, expected_version);
      if (updated.empty()) {
        if (tx.exec_params("SELECT 1 FROM sla_policies WHERE id = $1", id).empty()) {
          return Error::not_found("no such SLA policy");
        }
        return Error::conflict("the SLA policy changed since that version");
      }
    }
    const auto row = tx.exec_params(
        "SELECT id, name, position, active, conditions::text AS conditions, calendar_id, first_reply_seconds, "
        "next_reply_seconds, resolution_seconds, warning_percent, warning_actions::text AS warning_actions, "
        "breach_actions::text AS breach_actions, version FROM sla_policies WHERE id = $1",
        id);
    auto saved = policy_from(row[0]);
    tx.commit();
    return saved;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketRepository::delete_sla_policy(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // Tickets keep their due times; a policy in use is deactivated instead of deleted.
    const auto rows = tx.exec_params(
        "UPDATE sla_policies SET active = false, version = version + 1 WHERE id = $1 RETURNING id", id);
    if (rows.empty()) return Error::not_found("no such SLA policy");
    tx.exec_params(
        "DELETE FROM sla_policies WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM tickets WHERE sla_policy_id = $1)",
        id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::CalendarDefinition>>> PgTicketRepository::calendars() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::CalendarDefinition>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec(
        "SELECT id, name, time_zone, hours::text, holidays::text, version FROM business_calendars ORDER BY id");
    return rows_to<svc::CalendarDefinition>(rows, [](const pqxx::row& row) {
      return svc::CalendarDefinition{row[0].as<domain::Id>(), row[1].c_str(), row[2].c_str(), row[3].c_str(),
                                     row[4].c_str(), row[5].as<int>()};
    });
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::CalendarDefinition>> PgTicketRepository::save_calendar(svc::CalendarDefinition calendar) {
  auto job = [calendar](pqxx::connection& c) -> Result<svc::CalendarDefinition> {
    pqxx::work tx(c);
    const auto rows =
        calendar.id == 0
            ? tx.exec_params(
                  "INSERT INTO business_calendars (name, time_zone, hours, holidays) VALUES ($1, $2, $3::jsonb, "
                  "$4::jsonb) RETURNING id, version",
                  calendar.name, calendar.time_zone, calendar.hours_json, calendar.holidays_json)
            : tx.exec_params(
                  "UPDATE business_calendars SET name = $2, time_zone = $3, hours = $4::jsonb, holidays = $5::jsonb, "
                  "version = version + 1, updated_at = now() WHERE id = $1 RETURNING id, version",
                  calendar.id, calendar.name, calendar.time_zone, calendar.hours_json, calendar.holidays_json);
    if (rows.empty()) return Error::not_found("no such calendar");
    auto saved = calendar;
    saved.id = rows[0][0].as<domain::Id>();
    saved.version = rows[0][1].as<int>();
    tx.commit();
    return saved;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::string>> PgTicketRepository::customer_tier(domain::Id customer_id) {
  auto job = [customer_id](pqxx::connection& c) -> Result<std::string> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT tier FROM customers WHERE id = $1", customer_id);
    if (rows.empty()) return Error::invalid("no such customer", "requester_id");
    return std::string(rows[0][0].c_str());
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketRepository::record_csat_survey(domain::Id ticket_id, domain::Id conversation_id,
                                                         std::optional<domain::Id> agent_id, domain::Id message_id) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO csat_surveys (ticket_id, conversation_id, agent_id, message_id) VALUES ($1, $2, $3, $4)",
        ticket_id, conversation_id, agent_id, message_id);
    tx.exec_params("UPDATE tickets SET csat_requested_at = now() WHERE id = $1", ticket_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<domain::Id>>> PgTicketRepository::answer_csat(domain::Id conversation_id, int score,
                                                                             std::string comment) {
  auto job = [=](pqxx::connection& c) -> Result<std::optional<domain::Id>> {
    pqxx::work tx(c);
    // The latest unanswered survey of the conversation, answered once (SKIP LOCKED: a racing
    // second answer finds nothing to answer).
    const auto rows = tx.exec_params(
        "UPDATE csat_surveys SET score = $2, comment = nullif($3, ''), answered_at = now() WHERE id = "
        "(SELECT id FROM csat_surveys WHERE conversation_id = $1 AND answered_at IS NULL "
        "AND sent_at > now() - interval '14 days' ORDER BY id DESC LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING ticket_id",
        conversation_id, score, comment);
    if (rows.empty()) return std::optional<domain::Id>{};
    const auto ticket_id = rows[0][0].as<domain::Id>();
    tx.exec_params(
        "INSERT INTO ticket_history (ticket_id, actor, field, new_value) VALUES ($1, 'customer', 'csat', "
        "jsonb_build_object('score', $2::int, 'comment', nullif($3, '')))",
        ticket_id, score, comment);
    tx.commit();
    return std::optional<domain::Id>(ticket_id);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Ticket>>> PgTicketRepository::claim_sla_due(int limit, int lease_seconds) {
  auto job = [=](pqxx::connection& c) -> Result<std::vector<domain::Ticket>> {
    pqxx::work tx(c);
    // An agent's reply on a linked conversation, newer than the customer's last message, meets
    // the first and next reply targets; the ticket is then looked at again at once.
    tx.exec(
        "UPDATE tickets t SET first_replied_at = coalesce(t.first_replied_at, now()), first_reply_due_at = NULL, "
        "next_reply_due_at = NULL, first_reply_remaining_s = NULL, next_reply_remaining_s = NULL, "
        "next_sla_due_at = t.resolution_due_at, next_sla_warning_at = now() "
        "WHERE (t.first_reply_due_at IS NOT NULL OR t.next_reply_due_at IS NOT NULL) AND EXISTS ("
        "SELECT 1 FROM ticket_conversations tc JOIN messages m ON m.conversation_id = tc.conversation_id "
        "WHERE tc.ticket_id = t.id AND m.sender_type = 'agent' AND m.created_at >= t.created_at "
        "AND m.id > coalesce((SELECT max(id) FROM messages WHERE conversation_id = tc.conversation_id "
        "AND sender_type = 'customer'), 0))");
    const auto rows = tx.exec_params(
        "WITH due AS (SELECT id FROM tickets WHERE next_sla_warning_at <= now() "
        "AND (sla_locked_until IS NULL OR sla_locked_until < now()) ORDER BY next_sla_warning_at LIMIT $1 "
        "FOR UPDATE SKIP LOCKED) "
        "UPDATE tickets t SET sla_locked_until = now() + make_interval(secs => $2) FROM due WHERE t.id = due.id "
        "RETURNING " + kTicketColumns,
        limit, lease_seconds);
    tx.commit();
    return rows_to<domain::Ticket>(rows, ticket_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<bool>> PgTicketRepository::record_sla_event(domain::Id ticket_id, domain::SlaTarget target,
                                                             std::string kind, domain::TimePoint due) {
  auto job = [=](pqxx::connection& c) -> Result<bool> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "INSERT INTO ticket_sla_events (ticket_id, target, kind, due_at) "
        "VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000.0)) ON CONFLICT DO NOTHING RETURNING id",
        ticket_id, std::string(domain::to_string(target)), kind, millis_of(due));
    tx.commit();
    return !rows.empty();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTicketRepository::reschedule_sla(domain::Id ticket_id, std::optional<domain::TimePoint> next_check,
                                                     std::string sla_status) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    std::optional<std::int64_t> millis;
    if (next_check) millis = millis_of(*next_check);
    tx.exec_params(
        "UPDATE tickets SET next_sla_warning_at = to_timestamp($2::bigint / 1000.0), sla_status = $3, "
        "sla_locked_until = NULL WHERE id = $1",
        ticket_id, millis, sla_status);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
