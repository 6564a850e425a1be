#include "cc/api/ticket_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/problem/problem.hpp"
#include "cc/services/ticket_json.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using nlohmann::json;
using problem::json_response;
using problem::problem_response;
using services::ticket_json;

net::Response ticket_response(const net::Request& request, const Result<domain::Ticket>& ticket,
                              status code = status::ok) {
  if (!ticket) return problem_response(request, ticket.error());
  auto response = json_response(request, code, ticket_json(*ticket));
  response.set(net::http::field::etag, "\"" + std::to_string(ticket->version) + "\"");
  return response;
}

template <class T>
net::Response list_response(const net::Request& request, const Result<std::vector<T>>& items) {
  if (!items) return problem_response(request, items.error());
  json out = json::array();
  for (const auto& item : *items) out.push_back(ticket_json(item));
  return json_response(request, status::ok, json{{"items", std::move(out)}});
}

net::Response precondition(const net::Request& request, status code, const char* title, const char* detail) {
  json body{{"type", std::string("https://contact-center.dev/problems/") +
                         (code == status::precondition_failed ? "precondition_failed" : "precondition_required")},
            {"title", title},
            {"status", static_cast<unsigned>(code)},
            {"detail", detail}};
  return net::make_response(request, code, body.dump(), "application/problem+json");
}

// If-Match: "7", W/"7" or * (any version). A value that is no version matches nothing (-1).
struct IfMatch {
  bool present = false;
  std::optional<int> version;  // empty for *
};

IfMatch if_match(const net::RequestContext& context) {
  IfMatch result;
  auto header = context.header("If-Match");
  if (!header) return result;
  result.present = true;
  std::string_view text = *header;
  if (text == "*") return result;
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    result.version = -1;
  } else {
    result.version = std::stoi(std::string(text));
  }
  return result;
}

Result<services::TicketQuery> ticket_query(const net::RequestContext& context) {
  auto page = page_request(context);
  if (!page) return page.error();
  services::TicketQuery query;
  query.after = page->after;
  query.limit = page->limit;
  if (auto v = context.query("state"); v && !v->empty()) {
    query.state = domain::parse_ticket_state(*v);
    if (!query.state) return Error::invalid("unknown state", "state");
  }
  if (auto v = context.query("priority"); v && !v->empty()) {
    query.priority = domain::parse_ticket_priority(*v);
    if (!query.priority) return Error::invalid("unknown priority", "priority");
  }
  if (auto v = context.query("assignee_id"); v && !v->empty()) {
    query.assignee_id = parse_id(*v);
    if (!query.assignee_id) return Error::invalid("assignee_id must be an id", "assignee_id");
  }
  if (auto v = context.query("team"); v && !v->empty()) {
    if (v->size() > 100) return Error::invalid("team is too long", "team");
    query.team = *v;
  }
  if (auto v = context.query("tag"); v && !v->empty()) {
    if (v->size() > domain::kTicketTagMaxBytes) return Error::invalid("tag is too long", "tag");
    query.tag = *v;
  }
  if (auto v = context.query("sla_status"); v && !v->empty()) {
    static const char* kStatuses[] = {"none", "ok", "warning", "breached", "paused", "met"};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), *v) == std::end(kStatuses)) {
      return Error::invalid("sla_status must be none, ok, warning, breached or paused", "sla_status");
    }
    query.sla_status = *v;
  }
  if (auto v = context.query("requester_id"); v && !v->empty()) {
    query.requester_id = parse_id(*v);
    if (!query.requester_id) return Error::invalid("requester_id must be an id", "requester_id");
  }
  if (auto v = context.query("sort"); v && !v->empty()) {
    if (*v != "due" && *v != "newest") return Error::invalid("sort must be due or newest", "sort");
    query.sort_by_due = *v == "due";
  }
  return query;
}

awaitable<net::Response> list_tickets(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto query = ticket_query(context);
  if (!query) co_return problem_response(context.request, query.error());
  auto page = co_await t.tickets.list(*principal, *query);
  if (!page) co_return problem_response(context.request, page.error());
  json items = json::array();
  for (const auto& ticket : page->items) items.push_back(ticket_json(ticket));
  co_return json_response(context.request, status::ok, page_json(std::move(items), page->next_cursor));
}

awaitable<net::Response> create_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto ticket = co_await t.tickets.create(*principal, std::move(*body));
  co_return ticket_response(context.request, ticket, status::created);
}

awaitable<net::Response> create_from_conversation(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = context.request.body().empty() ? Result<json>(json::object()) : parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto ticket = co_await t.tickets.create_from_conversation(*principal, *id, std::move(*body));
  co_return ticket_response(context.request, ticket, status::created);
}

awaitable<net::Response> get_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto ticket = co_await t.tickets.get(*principal, *id);
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> patch_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  const auto match = if_match(context);
  if (!match.present) {
    co_return precondition(context.request, status::precondition_required, "Precondition required",
                           "send If-Match with the ticket's ETag");
  }
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto ticket = co_await t.tickets.patch(*principal, *id, match.version, std::move(*body));
  if (!ticket && ticket.error().code == ErrorCode::conflict && match.version &&
      ticket.error().detail.find("changed since version") != std::string::npos) {
    co_return precondition(context.request, status::precondition_failed, "Precondition failed",
                           "the ticket changed; read it again and retry with its new ETag");
  }
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> transition(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto to_text = required_string(*body, "to", 32);
  if (!to_text) co_return problem_response(context.request, to_text.error());
  auto to = domain::parse_ticket_state(*to_text);
  if (!to) {
    co_return problem_response(context.request,
                               Error::invalid("to must be new, open, pending, on_hold, solved or closed", "to"));
  }
  auto ticket = co_await t.tickets.transition(*principal, *id, *to);
  if (!ticket && ticket.error().code == ErrorCode::invalid_transition) {
    // 409 with the moves the ticket allows from where it is now.
    auto current = co_await t.tickets.get(*principal, *id);
    json allowed = json::array();
    if (current) {
      for (auto state : domain::allowed_transitions(current->state)) allowed.push_back(domain::to_string(state));
    }
    json problem{{"type", "https://contact-center.dev/problems/invalid_transition"},
                 {"title", "Invalid transition"},
                 {"status", 409},
                 {"detail", ticket.error().detail},
                 {"state", current ? json(domain::to_string(current->state)) : json(nullptr)},
                 {"allowed", std::move(allowed)}};
    co_return net::make_response(context.request, status::conflict, problem.dump(), "application/problem+json");
  }
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> transfer(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto ticket = co_await t.tickets.transfer(*principal, *id, std::move(*body));
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> add_note(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto text = required_string(*body, "body", domain::kTicketNoteMaxBytes);
  if (!text) co_return problem_response(context.request, text.error());
  auto note = co_await t.tickets.add_note(*principal, *id, *text);
  if (!note) co_return problem_response(context.request, note.error());
  co_return json_response(context.request, status::created, ticket_json(*note));
}

awaitable<net::Response> list_notes(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto notes = co_await t.tickets.notes(*principal, *id);
  co_return list_response(context.request, notes);
}

awaitable<net::Response> history(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto entries = co_await t.tickets.history(*principal, *id, page->after, page->limit);
  if (!entries) co_return problem_response(context.request, entries.error());
  json items = json::array();
  for (const auto& entry : entries->items) items.push_back(ticket_json(entry));
  co_return json_response(context.request, status::ok, page_json(std::move(items), entries->next_cursor));
}

Result<domain::Id> body_id(const json& body, const char* key) {
  if (body.contains(key)) {
    const auto& value = body[key];
    if (value.is_string()) {
      if (auto id = parse_id(value.get<std::string>())) return *id;
    } else if (value.is_number_integer() && value.get<domain::Id>() > 0) {
      return value.get<domain::Id>();
    }
  }
  return Error::invalid(std::string(key) + " must be a ticket id", key);
}

awaitable<net::Response> merge(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto target = body_id(*body, "target_id");
  if (!target) co_return problem_response(context.request, target.error());
  auto ticket = co_await t.tickets.merge(*principal, *id, *target);
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> add_link(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto related = body_id(*body, "related_ticket_id");
  if (!related) co_return problem_response(context.request, related.error());
  auto kind = optional_string(*body, "kind", 32);
  if (!kind) co_return problem_response(context.request, kind.error());
  auto links = co_await t.tickets.link(*principal, *id, *related, kind->value_or("related"));
  if (!links) co_return problem_response(context.request, links.error());
  json out = json::array();
  for (const auto& link : *links) out.push_back(ticket_json(link));
  co_return json_response(context.request, status::created, json{{"items", std::move(out)}});
}

awaitable<net::Response> list_links(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto links = co_await t.tickets.links(*principal, *id);
  co_return list_response(context.request, links);
}

awaitable<net::Response> bulk(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate(context, t.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto result = co_await t.tickets.bulk_update(*principal, std::move(*body));
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, *result);
}

awaitable<net::Response> list_policies(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, t.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto policies = co_await t.repository.sla_policies();
  co_return list_response(context.request, policies);
}

awaitable<net::Response> save_policy(TicketApiContext& t, net::RequestContext& context, bool create) {
  auto principal = co_await authenticate_role(context, t.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  std::optional<int> version;
  domain::Id id = 0;
  if (!create) {
    auto path = path_id(context);
    if (!path) co_return problem_response(context.request, path.error());
    id = *path;
    const auto match = if_match(context);
    if (!match.present) {
      co_return precondition(context.request, status::precondition_required, "Precondition required",
                             "send If-Match with the policy's ETag");
    }
    version = match.version;
  }
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto policy = services::sla_policy_from(*body);
  if (!policy) co_return problem_response(context.request, policy.error());
  policy->id = id;
  auto saved = co_await t.repository.save_sla_policy(std::move(*policy), version);
  if (!saved && saved.error().code == ErrorCode::conflict) {
    co_return precondition(context.request, status::precondition_failed, "Precondition failed",
                           "the policy changed; read it again");
  }
  if (!saved) co_return problem_response(context.request, saved.error());
  auto response = json_response(context.request, create ? status::created : status::ok, ticket_json(*saved));
  response.set(net::http::field::etag, "\"" + std::to_string(saved->version) + "\"");
  co_return response;
}

awaitable<net::Response> delete_policy(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, t.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto deleted = co_await t.repository.delete_sla_policy(*id);
  if (!deleted) co_return problem_response(context.request, deleted.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

awaitable<net::Response> list_calendars(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, t.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto calendars = co_await t.repository.calendars();
  co_return list_response(context.request, calendars);
}

awaitable<net::Response> create_calendar(TicketApiContext& t, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, t.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto definition = services::calendar_definition_from(*body);
  if (!definition) co_return problem_response(context.request, definition.error());
  auto saved = co_await t.repository.save_calendar(std::move(*definition));
  if (!saved) co_return problem_response(context.request, saved.error());
  co_return json_response(context.request, status::created, ticket_json(*saved));
}

}  // namespace

void add_ticket_routes(net::Router& router, TicketApiContext& context) {
  using net::http::verb;
  auto* t = &context;
  router.add(verb::get, "/api/v1/tickets", [t](auto& c) { return list_tickets(*t, c); });
  router.add(verb::post, "/api/v1/tickets", [t](auto& c) { return create_ticket(*t, c); });
  router.add(verb::post, "/api/v1/tickets/bulk", [t](auto& c) { return bulk(*t, c); });
  router.add(verb::get, "/api/v1/tickets/{id}", [t](auto& c) { return get_ticket(*t, c); });
  router.add(verb::patch, "/api/v1/tickets/{id}", [t](auto& c) { return patch_ticket(*t, c); });
  router.add(verb::post, "/api/v1/tickets/{id}/transitions", [t](auto& c) { return transition(*t, c); });
  router.add(verb::post, "/api/v1/tickets/{id}/transfer", [t](auto& c) { return transfer(*t, c); });
  router.add(verb::get, "/api/v1/tickets/{id}/notes", [t](auto& c) { return list_notes(*t, c); });
  router.add(verb::post, "/api/v1/tickets/{id}/notes", [t](auto& c) { return add_note(*t, c); });
  router.add(verb::get, "/api/v1/tickets/{id}/history", [t](auto& c) { return history(*t, c); });
  router.add(verb::post, "/api/v1/tickets/{id}/merge", [t](auto& c) { return merge(*t, c); });
  router.add(verb::get, "/api/v1/tickets/{id}/links", [t](auto& c) { return list_links(*t, c); });
  router.add(verb::post, "/api/v1/tickets/{id}/links", [t](auto& c) { return add_link(*t, c); });
  router.add(verb::post, "/api/v1/conversations/{id}/ticket",
             [t](auto& c) { return create_from_conversation(*t, c); });
  router.add(verb::get, "/api/v1/sla-policies", [t](auto& c) { return list_policies(*t, c); });
  router.add(verb::post, "/api/v1/sla-policies", [t](auto& c) { return save_policy(*t, c, true); });
  router.add(verb::put, "/api/v1/sla-policies/{id}", [t](auto& c) { return save_policy(*t, c, false); });
  router.add(verb::delete_, "/api/v1/sla-policies/{id}", [t](auto& c) { return delete_policy(*t, c); });
  router.add(verb::get, "/api/v1/business-calendars", [t](auto& c) { return list_calendars(*t, c); });
  router.add(verb::post, "/api/v1/business-calendars", [t](auto& c) { return create_calendar(*t, c); });
}

}  // namespace cc::api
