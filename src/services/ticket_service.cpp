#include "cc/services/ticket_service.hpp"

#include <spdlog/spdlog.h>

#include "cc/async/log.hpp"
#include "cc/services/json_views.hpp"
#include "cc/services/ticket_fields.hpp"
#include "cc/services/ticket_json.hpp"

namespace cc::services {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

std::shared_ptr<spdlog::logger> log() { return async::module_logger("tickets"); }

TicketActor actor_of(const domain::Principal& principal) {
  return TicketActor{principal.agent_id, "agent"};
}

Result<std::optional<domain::Id>> optional_body_id(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<domain::Id>{};
  json probe{{"assignee_id", body[key]}};
  auto patch = ticket_patch_from(probe);
  if (!patch) return Error::invalid(std::string(key) + " must be an id", key);
  return *patch->assignee_id;
}

Status refuse_if_closed(const domain::Ticket& ticket) {
  if (ticket.state != domain::TicketState::closed) return Ok{};
  return Error::conflict("closed tickets are immutable; open a follow-up ticket");
}

}  // namespace

TicketService::TicketService(TicketRepository& tickets, TicketLifecycleStore& lifecycle,
                             ConversationService& conversations, EventDispatcher& events, SlaEngine& sla,
                             TicketSettings settings)
    : tickets_(tickets), lifecycle_(lifecycle), conversations_(conversations), events_(events), sla_(sla),
      settings_(std::move(settings)) {}

awaitable<Result<domain::Ticket>> TicketService::create(const domain::Principal& actor, json body) {
  auto conversation_id = optional_body_id(body, "conversation_id");
  if (!conversation_id) co_return conversation_id.error();
  body.erase("conversation_id");
  co_return co_await create_as(actor_of(actor), std::move(body), *conversation_id, "agent");
}

awaitable<Result<domain::Ticket>> TicketService::create_from_conversation(const domain::Principal& actor,
                                                                          domain::Id conversation_id,
                                                                          json body) {
  auto conversation = co_await conversations_.get(actor, conversation_id);
  if (!conversation) co_return conversation.error();
  if (!body.contains("subject")) {
    body["subject"] = conversation->last_message_preview.empty()
                          ? "Conversation " + std::to_string(conversation_id)
                          : conversation->last_message_preview;
  }
  if (body.contains("requester_id") && !body["requester_id"].is_null()) {
    co_return Error::invalid("the requester is the conversation's customer", "requester_id");
  }
  body["requester_id"] = std::to_string(conversation->customer_id);
  co_return co_await create_as(actor_of(actor), std::move(body), conversation_id, "conversation");
}

awaitable<Result<domain::Ticket>> TicketService::create_as(TicketActor actor, json body,
                                                           std::optional<domain::Id> conversation_id,
                                                           std::string source) {
  if (!body.contains("subject")) co_return Error::invalid("subject is required", "subject");
  auto requester = optional_body_id(body, "requester_id");
  if (!requester) co_return requester.error();
  body.erase("requester_id");
  auto patch = ticket_patch_from(body);
  if (!patch) co_return patch.error();
  domain::Ticket ticket;
  ticket.requester_id = *requester;
  ticket.subject = *patch->subject;
  ticket.description = patch->description.value_or("");
  ticket.type = patch->type.value_or(domain::TicketType::question);
  ticket.priority = patch->priority.value_or(domain::TicketPriority::normal);
  if (patch->assignee_id) ticket.assignee_id = *patch->assignee_id;
  if (patch->team) ticket.team = *patch->team;
  if (patch->tags) ticket.tags = *patch->tags;
  if (patch->custom_fields_json) ticket.custom_fields_json = *patch->custom_fields_json;
  ticket.source = std::move(source);
  // Required custom fields bind the people who create tickets, not routing or voice.
  if (auto checked = co_await check_fields(ticket.custom_fields_json, actor.agent_id.has_value()); !checked) {
    co_return checked.error();
  }

  // The SLA policy: conditions on priority, tier, channel and type.
  domain::SlaFacts facts{std::string(domain::to_string(ticket.priority)), "standard", "",
                         std::string(domain::to_string(ticket.type))};
  if (ticket.requester_id) {
    auto tier = co_await tickets_.customer_tier(*ticket.requester_id);
    if (!tier) co_return tier.error();
    facts.tier = *tier;
  }
  if (conversation_id) {
    domain::Principal system;  // the ticket service itself reads the conversation's channel
    system.role = domain::Role::admin;
    auto conversation = co_await conversations_.get(system, *conversation_id);
    if (!conversation) co_return conversation.error();
    facts.channel = std::string(domain::to_string(conversation->channel));
  }
  auto policy = co_await sla_.policy_for(facts);
  if (!policy) co_return policy.error();
  if (*policy) {
    ticket.sla_policy_id = (*policy)->policy.id;
    ticket.sla = domain::start_sla((*policy)->policy.targets, (*policy)->calendar, sla_.now());
    auto [check, status] = sla_.schedule(ticket.sla, **policy);
    ticket.sla_status = status;
    ticket.next_sla_check_at = check;
  }
  TicketDraft draft{std::move(ticket), conversation_id};
  auto created = co_await tickets_.create(std::move(draft), actor);
  if (!created) co_return created;
  log()->info("ticket {} created by {} (source {})", created->id, actor.name, created->source);
  std::vector<domain::Id> extra;
  if (actor.agent_id) extra.push_back(*actor.agent_id);
  co_await announce(*created, "ticket.created", extra);
  co_return created;
}

awaitable<Result<domain::Ticket>> TicketService::visible(const domain::Principal& viewer, domain::Id id) {
  auto ticket = co_await tickets_.get(id);
  if (!ticket || viewer.role != domain::Role::agent) co_return ticket;
  auto may = co_await lifecycle_.agent_may_see(viewer.agent_id, id);
  if (!may) co_return may.error();
  if (!*may) co_return Error::not_found("no such ticket");
  co_return ticket;
}

awaitable<Status> TicketService::check_fields(const std::string& custom_fields_json, bool require_all) {
  auto fields = co_await lifecycle_.ticket_fields();
  if (!fields) co_return fields.error();
  const auto values = json::parse(custom_fields_json, nullptr, false);
  co_return check_custom_fields(*fields, values, require_all);
}

awaitable<Result<domain::Ticket>> TicketService::get(const domain::Principal& viewer, domain::Id id) {
  co_return co_await visible(viewer, id);
}

awaitable<Result<domain::Page<domain::Ticket>>> TicketService::list(const domain::Principal& viewer,
                                                                    TicketQuery query) {
  if (viewer.role == domain::Role::agent) query.visible_to_agent = viewer.agent_id;
  co_return co_await tickets_.list(std::move(query));
}

awaitable<Result<std::vector<TicketFieldDefinition>>> TicketService::ticket_fields() {
  co_return co_await lifecycle_.ticket_fields();
}

awaitable<Result<TicketFieldDefinition>> TicketService::save_ticket_field(json body) {
  auto field = ticket_field_from(body);
  if (!field) co_return field.error();
  co_return co_await lifecycle_.save_ticket_field(std::move(*field));
}

awaitable<Status> TicketService::delete_ticket_field(std::string key) {
  co_return co_await lifecycle_.delete_ticket_field(std::move(key));
}

awaitable<Result<domain::Ticket>> TicketService::patch(const domain::Principal& actor, domain::Id id,
                                                       std::optional<int> expected_version, json body) {
  auto patch = ticket_patch_from(body);
  if (!patch) co_return patch.error();
  if (patch->empty()) co_return Error::invalid("nothing to change");
  auto current = co_await visible(actor, id);
  if (!current) co_return current;
  if (auto open = refuse_if_closed(*current); !open) co_return open.error();
  if (patch->custom_fields_json) {
    // Keys sent replace, null clears; a required field may not be cleared.
    const auto changes = json::parse(*patch->custom_fields_json);
    auto fields = co_await lifecycle_.ticket_fields();
    if (!fields) co_return fields.error();
    if (auto checked = check_custom_fields(*fields, changes, false); !checked) co_return checked.error();
    for (const auto& field : *fields) {
      if (field.required && changes.contains(field.key) && changes[field.key].is_null()) {
        co_return Error::invalid("custom field " + field.key + " is required", "custom_fields/" + field.key);
      }
    }
    const auto stored = json::parse(current->custom_fields_json, nullptr, false);
    patch->custom_fields_json = merged_custom_fields(stored, changes).dump();
  }
  auto updated = co_await tickets_.update(id, expected_version, std::move(*patch), actor_of(actor));
  if (!updated) co_return updated;
  std::vector<domain::Id> extra;
  if (current->assignee_id && current->assignee_id != updated->assignee_id) extra.push_back(*current->assignee_id);
  co_await announce(*updated, "ticket.updated", extra);
  co_return updated;
}

awaitable<Result<domain::Ticket>> TicketService::transition(const domain::Principal& actor, domain::Id id,
                                                            domain::TicketState to) {
  auto current = co_await visible(actor, id);
  if (!current) co_return current;
  co_return co_await apply_transition(actor_of(actor), std::move(*current), to);
}

awaitable<Result<domain::Ticket>> TicketService::apply_transition(TicketActor actor, domain::Ticket current,
                                                                  domain::TicketState to) {
  if (auto allowed = domain::check_transition(current.state, to); !allowed) co_return allowed.error();
  TicketPatch patch;
  patch.state = to;
  if (current.sla_policy_id) {
    auto policy = co_await sla_.policy_by_id(*current.sla_policy_id);
    if (!policy) co_return policy.error();
    if (*policy) {
      patch.sla = sla_.after_transition(current.sla, current.state, to, **policy);
      auto [check, status] = sla_.schedule(*patch.sla, **policy);
      patch.sla_status = status;
      patch.next_sla_check = check;
    }
  }
  auto updated = co_await tickets_.update(current.id, current.version, std::move(patch), actor);
  if (!updated) co_return updated;
  co_await announce(*updated, "ticket.updated");
  if (to == domain::TicketState::solved) co_await after_solved(*updated);
  co_return updated;
}

awaitable<Result<domain::Ticket>> TicketService::transfer(const domain::Principal& actor, domain::Id id,
                                                          json body) {
  const auto reason = body.contains("reason") && body["reason"].is_string() ? body["reason"].get<std::string>() : "";
  if (reason.empty() || reason.size() > 1000) {
    co_return Error::invalid("a transfer needs a reason (1 to 1000 bytes)", "reason");
  }
  body.erase("reason");
  if (!body.contains("assignee_id") && !body.contains("team")) {
    co_return Error::invalid("transfer to an assignee_id, a team, or both", "assignee_id");
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "assignee_id" && key != "team") co_return Error::invalid("unknown field: " + key, key);
  }
  auto patch = ticket_patch_from(body);
  if (!patch) co_return patch.error();
  patch->reason = reason;
  auto current = co_await visible(actor, id);
  if (!current) co_return current;
  if (auto open = refuse_if_closed(*current); !open) co_return open.error();
  auto updated = co_await tickets_.update(id, current->version, std::move(*patch), actor_of(actor));
  if (!updated) co_return updated;
  std::vector<domain::Id> extra;
  if (current->assignee_id) extra.push_back(*current->assignee_id);
  co_await announce(*updated, "ticket.transferred", extra);
  co_return updated;
}

awaitable<Result<TicketNote>> TicketService::add_note(const domain::Principal& actor, domain::Id id,
                                                      std::string body) {
  if (body.empty() || body.size() > domain::kTicketNoteMaxBytes) {
    co_return Error::invalid("a note is 1 byte to 16 KiB", "body");
  }
  auto ticket = co_await visible(actor, id);
  if (!ticket) co_return ticket.error();
  if (auto open = refuse_if_closed(*ticket); !open) co_return open.error();
  auto handles = domain::extract_mentions(body);
  std::vector<domain::Id> mentioned;
  if (!handles.empty()) {
    auto found = co_await tickets_.agents_by_handles(handles);
    if (!found) co_return found.error();
    mentioned = *found;
  }
  TicketNote note;
  note.ticket_id = id;
  note.author_agent_id = actor.agent_id;
  note.body = std::move(body);
  note.mentions = mentioned;
  auto stored = co_await tickets_.add_note(std::move(note));
  if (!stored) co_return stored;
  std::vector<AgentEvent> events;
  const json data{{"ticket", ticket_json(*ticket)}, {"note", ticket_json(*stored)}};
  for (auto agent : mentioned) {
    if (agent != actor.agent_id) events.push_back(make_event(agent, "ticket.mentioned", data));
  }
  co_await events_.emit(std::move(events));
  co_return stored;
}

awaitable<Result<std::vector<TicketNote>>> TicketService::notes(const domain::Principal& viewer, domain::Id id) {
  auto ticket = co_await visible(viewer, id);
  if (!ticket) co_return ticket.error();
  co_return co_await tickets_.notes(id);
}

awaitable<Result<domain::Page<TicketHistoryEntry>>> TicketService::history(const domain::Principal& viewer,
                                                                           domain::Id id,
                                                                           std::optional<domain::Id> after,
                                                                           int limit) {
  auto ticket = co_await visible(viewer, id);
  if (!ticket) co_return ticket.error();
  co_return co_await tickets_.history(id, after, limit);
}

awaitable<Result<domain::Ticket>> TicketService::merge(const domain::Principal& actor, domain::Id duplicate_id,
                                                       domain::Id target_id) {
  if (duplicate_id == target_id) co_return Error::invalid("a ticket cannot be merged into itself", "target_id");
  auto duplicate = co_await visible(actor, duplicate_id);
  if (!duplicate) co_return duplicate;
  auto target = co_await visible(actor, target_id);
  if (!target) co_return Error::invalid("no such target ticket", "target_id");
  auto merged = co_await tickets_.merge(duplicate_id, target_id, actor_of(actor));
  if (!merged) co_return merged;
  co_await announce(*merged, "ticket.merged");
  co_return merged;
}

awaitable<Result<std::vector<TicketLink>>> TicketService::link(const domain::Principal& actor, domain::Id id,
                                                               domain::Id related_id, std::string kind) {
  if (id == related_id) co_return Error::invalid("a ticket cannot be linked to itself", "related_ticket_id");
  if (kind != "related" && kind != "follow_up" && kind != "duplicate") {
    co_return Error::invalid("kind must be related, follow_up or duplicate", "kind");
  }
  auto first = co_await visible(actor, id);
  if (!first) co_return first.error();
  auto second = co_await visible(actor, related_id);
  if (!second) co_return Error::invalid("no such related ticket", "related_ticket_id");
  TicketLink link{id, related_id, std::move(kind), {}};
  if (auto stored = co_await tickets_.link(std::move(link)); !stored) co_return stored.error();
  co_return co_await tickets_.links(id);
}

awaitable<Result<std::vector<TicketLink>>> TicketService::links(const domain::Principal& viewer, domain::Id id) {
  auto ticket = co_await visible(viewer, id);
  if (!ticket) co_return ticket.error();
  co_return co_await tickets_.links(id);
}

awaitable<Result<json>> TicketService::bulk_update(const domain::Principal& actor, json body) {
  if (!body.contains("ids") || !body["ids"].is_array() || body["ids"].empty() || body["ids"].size() > 100) {
    co_return Error::invalid("ids must be an array of 1 to 100 ticket ids", "ids");
  }
  if (!body.contains("changes") || !body["changes"].is_object()) {
    co_return Error::invalid("changes must be an object", "changes");
  }
  auto changes = body["changes"];
  std::optional<domain::TicketState> to;
  if (changes.contains("state")) {
    to = changes["state"].is_string() ? domain::parse_ticket_state(changes["state"].get<std::string>())
                                      : std::nullopt;
    if (!to) co_return Error::invalid("unknown state", "changes/state");
    changes.erase("state");
  }
  if (auto check = ticket_patch_from(changes); !check) co_return check.error();
  json results = json::array();
  for (const auto& item : body["ids"]) {
    json probe{{"assignee_id", item}};
    auto parsed = ticket_patch_from(probe);
    if (!parsed || !*parsed->assignee_id) co_return Error::invalid("ids must be ticket ids", "ids");
    const auto id = **parsed->assignee_id;
    Result<domain::Ticket> outcome = Error::invalid("nothing to change");
    if (!changes.empty()) {
      auto current = co_await visible(actor, id);
      outcome = current;
      if (current) outcome = co_await patch(actor, id, current->version, changes);
    }
    if (to && (outcome || changes.empty())) outcome = co_await transition(actor, id, *to);
    if (outcome) {
      results.push_back({{"id", id_text(id)}, {"status", 200}, {"ticket", ticket_json(*outcome)}});
    } else {
      results.push_back({{"id", id_text(id)},
                         {"status", 0},
                         {"error", std::string(to_string(outcome.error().code))},
                         {"detail", outcome.error().detail}});
    }
  }
  co_return json{{"results", std::move(results)}};
}

awaitable<Result<domain::Id>> TicketService::create_ticket(NewTicket request) {
  json body{{"subject", request.subject},
            {"description", request.description},
            {"type", request.type},
            {"priority", request.priority}};
  if (request.requester_id > 0) body["requester_id"] = std::to_string(request.requester_id);
  auto source = request.source.empty() ? std::string("api") : request.source;
  TicketActor actor;
  actor.name = source;
  auto created = co_await create_as(std::move(actor), std::move(body), request.conversation_id,
                                    source);
  if (!created) co_return created.error();
  co_return created->id;
}

awaitable<Result<json>> TicketService::open_tickets(domain::Id customer_id, int limit) {
  TicketQuery query;
  query.requester_id = customer_id;
  query.limit = std::clamp(limit, 1, 200);
  auto page = co_await tickets_.list(std::move(query));
  if (!page) co_return page.error();
  json items = json::array();
  for (const auto& ticket : page->items) {
    if (ticket.state == domain::TicketState::closed) continue;
    items.push_back({{"id", id_text(ticket.id)},
                     {"subject", ticket.subject},
                     {"state", domain::to_string(ticket.state)},
                     {"priority", domain::to_string(ticket.priority)},
                     {"type", domain::to_string(ticket.type)},
                     {"created_at", ticket_json(ticket)["created_at"]}});
  }
  co_return items;
}

awaitable<void> TicketService::on_ingested(const std::vector<IngestResult>& results) {
  for (const auto& result : results) {
    if (result.duplicate || result.message.sender_type != "customer") continue;
    try {
      co_await on_customer_message(result);
    } catch (const std::exception& e) {
      log()->error("ticket reaction to message {} failed: {}", result.message.id, e.what());
    }
  }
}

awaitable<void> TicketService::on_customer_message(const IngestResult& result) {
  const auto conversation_id = result.conversation.id;
  // A CSAT answer is recorded and goes no further.
  if (auto answer = parse_csat_answer(result.message.content)) {
    auto answered = co_await tickets_.answer_csat(conversation_id, answer->first, answer->second);
    if (answered && *answered) {
      log()->info("csat answer {} recorded for ticket {}", answer->first, **answered);
      auto ticket = co_await tickets_.get(**answered);
      if (ticket) co_await announce(*ticket, "ticket.csat_answered");
      co_return;
    }
  }
  auto linked = co_await tickets_.for_conversation(conversation_id);
  if (!linked) {
    log()->warn("tickets of conversation {} unavailable: {}", conversation_id, linked.error().detail);
    co_return;
  }
  if (linked->empty()) {
    // The customer writes again about work that was closed: a follow-up ticket links to it.
    auto closed = co_await lifecycle_.closed_ticket_to_follow(conversation_id);
    if (closed && *closed) co_await open_follow_up(**closed, result);
    co_return;
  }
  const TicketActor customer{std::nullopt, "customer"};
  for (auto& ticket : *linked) {
    // Observers run after routing: a message written before the ticket was solved (e.g. the one
    // the ticket was made from) must not reopen it.
    if (ticket.solved_at && result.message.created_at < *ticket.solved_at) continue;
    if (auto next = domain::state_after_customer_reply(ticket.state)) {
      auto reopened = co_await apply_transition(customer, ticket, *next);
      if (!reopened) log()->warn("ticket {} not reopened: {}", ticket.id, reopened.error().detail);
      continue;
    }
    if (!ticket.sla_policy_id || !domain::sla_running_in(ticket.state)) continue;
    auto policy = co_await sla_.policy_by_id(*ticket.sla_policy_id);
    if (!policy || !*policy) continue;
    auto clock = ticket.sla;
    domain::start_next_reply(clock, (*policy)->policy.targets, (*policy)->calendar, sla_.now());
    if (clock.due_of(domain::SlaTarget::next_reply) == ticket.sla.due_of(domain::SlaTarget::next_reply)) continue;
    TicketPatch patch;
    patch.sla = clock;
    auto [check, status] = sla_.schedule(clock, **policy);
    patch.sla_status = status;
    patch.next_sla_check = check;
    auto updated = co_await tickets_.update(ticket.id, std::nullopt, std::move(patch), customer);
    if (!updated) log()->warn("ticket {} next reply not started: {}", ticket.id, updated.error().detail);
  }
}

awaitable<void> TicketService::after_solved(const domain::Ticket& ticket) {
  if (!settings_.csat_enabled) co_return;
  auto conversations = co_await tickets_.conversations_of(ticket.id);
  if (!conversations || conversations->empty()) co_return;
  // The survey goes where the customer last talked to us: the newest linked conversation.
  const auto conversation_id = conversations->back();
  auto sent = co_await conversations_.send_automated(conversation_id, "system", settings_.csat_message);
  if (!sent) {
    log()->warn("csat survey for ticket {} not sent: {}", ticket.id, sent.error().detail);
    co_return;
  }
  auto recorded = co_await tickets_.record_csat_survey(ticket.id, conversation_id, ticket.assignee_id,
                                                       sent->message.id);
  if (!recorded) log()->warn("csat survey for ticket {} not recorded: {}", ticket.id, recorded.error().detail);
}

awaitable<void> TicketService::announce(const domain::Ticket& ticket, std::string type,
                                        std::vector<domain::Id> extra_agents) {
  std::vector<domain::Id> agents = std::move(extra_agents);
  if (ticket.assignee_id) agents.push_back(*ticket.assignee_id);
  std::sort(agents.begin(), agents.end());
  agents.erase(std::unique(agents.begin(), agents.end()), agents.end());
  const json data{{"ticket", ticket_json(ticket)}};
  std::vector<AgentEvent> events;
  for (auto agent : agents) events.push_back(make_event(agent, type, data));
  co_await events_.emit(std::move(events));
}

}  // namespace cc::services
