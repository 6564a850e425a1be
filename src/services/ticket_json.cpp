#include "cc/services/ticket_json.hpp"

#include "cc/domain/time_format.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

using nlohmann::json;

namespace {

json time_or_null(const std::optional<domain::TimePoint>& time) {
  return time ? json(domain::format_time(*time)) : json(nullptr);
}

json parsed_or(const std::string& text, json fallback) {
  auto value = json::parse(text, nullptr, false);
  return value.is_discarded() ? fallback : value;
}

}  // namespace

json ticket_json(const domain::Ticket& ticket) {
  json sla{{"policy_id", optional_id(ticket.sla_policy_id)},
           {"status", ticket.sla_status},
           {"next_due_at", time_or_null(ticket.next_sla_due_at)},
           {"paused", ticket.sla.paused_at.has_value()}};
  for (auto target : domain::kAllSlaTargets) {
    const auto name = std::string(domain::to_string(target));
    sla[name + "_due_at"] = time_or_null(ticket.sla.due_of(target));
  }
  sla["first_replied_at"] = time_or_null(ticket.first_replied_at);
  return {{"id", id_text(ticket.id)},
          {"subject", ticket.subject},
          {"description", ticket.description},
          {"state", domain::to_string(ticket.state)},
          {"type", domain::to_string(ticket.type)},
          {"priority", domain::to_string(ticket.priority)},
          {"requester_id", optional_id(ticket.requester_id)},
          {"assignee_id", optional_id(ticket.assignee_id)},
          {"team", ticket.team ? json(*ticket.team) : json(nullptr)},
          {"tags", ticket.tags},
          {"custom_fields", parsed_or(ticket.custom_fields_json, json::object())},
          {"source", ticket.source},
          {"version", ticket.version},
          {"merged_into_id", optional_id(ticket.merged_into_id)},
          {"sla", std::move(sla)},
          {"created_at", domain::format_time(ticket.created_at)},
          {"updated_at", domain::format_time(ticket.updated_at)},
          {"solved_at", time_or_null(ticket.solved_at)},
          {"closed_at", time_or_null(ticket.closed_at)}};
}

json ticket_json(const TicketNote& note) {
  json mentions = json::array();
  for (auto id : note.mentions) mentions.push_back(id_text(id));
  return {{"id", id_text(note.id)},
          {"ticket_id", id_text(note.ticket_id)},
          {"author_agent_id", optional_id(note.author_agent_id)},
          {"body", note.body},
          {"mentions", std::move(mentions)},
          {"created_at", domain::format_time(note.created_at)}};
}

json ticket_json(const TicketHistoryEntry& entry) {
  return {{"id", id_text(entry.id)},
          {"ticket_id", id_text(entry.ticket_id)},
          {"actor_agent_id", optional_id(entry.actor_agent_id)},
          {"actor", entry.actor},
          {"field", entry.field},
          {"old", parsed_or(entry.old_value_json, nullptr)},
          {"new", parsed_or(entry.new_value_json, nullptr)},
          {"reason", entry.reason.empty() ? json(nullptr) : json(entry.reason)},
          {"created_at", domain::format_time(entry.created_at)}};
}

json ticket_json(const TicketLink& link) {
  return {{"ticket_id", id_text(link.ticket_id)},
          {"related_ticket_id", id_text(link.related_ticket_id)},
          {"kind", link.kind},
          {"created_at", domain::format_time(link.created_at)}};
}

json ticket_json(const SlaPolicy& policy) {
  auto seconds_or_null = [](const std::optional<std::chrono::seconds>& s) {
    return s ? json(s->count()) : json(nullptr);
  };
  return {{"id", id_text(policy.id)},
          {"name", policy.name},
          {"position", policy.position},
          {"active", policy.active},
          {"conditions",
           {{"priority", policy.conditions.priorities},
            {"tier", policy.conditions.tiers},
            {"channel", policy.conditions.channels},
            {"type", policy.conditions.types}}},
          {"calendar_id", optional_id(policy.calendar_id)},
          {"first_reply_seconds", seconds_or_null(policy.targets.first_reply)},
          {"next_reply_seconds", seconds_or_null(policy.targets.next_reply)},
          {"resolution_seconds", seconds_or_null(policy.targets.resolution)},
          {"warning_percent", policy.targets.warning_percent},
          {"warning_actions", parsed_or(policy.warning_actions_json, json::array())},
          {"breach_actions", parsed_or(policy.breach_actions_json, json::array())},
          {"version", policy.version}};
}

json ticket_json(const CalendarDefinition& calendar) {
  return {{"id", id_text(calendar.id)},
          {"name", calendar.name},
          {"time_zone", calendar.time_zone},
          {"hours", parsed_or(calendar.hours_json, json::object())},
          {"holidays", parsed_or(calendar.holidays_json, json::array())},
          {"version", calendar.version}};
}

}  // namespace cc::services
