#include "cc/api/ticket_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/problem/problem.hpp"
#include "cc/services/ticket_fields.hpp"
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

// What every handler starts with: the signed-in principal (of at least `role`), the {id} of the
// path when the route has one, and the JSON body when it takes one (an empty body reads as {}
// when `body` is Body::optional).
enum class Body { none, required, optional };
struct TicketRequest {
  domain::Principal principal;
  domain::Id id = 0;
  json body;
};

awaitable<Result<TicketRequest>> begin(TicketApiContext& t, net::RequestContext& context, bool with_id,
                                       Body body, domain::Role role = domain::Role::agent) {
  auto principal = co_await authenticate_role(context, t.api.auth, role);
  if (!principal) co_return principal.error();
  TicketRequest request{std::move(*principal), 0, json::object()};
  if (with_id) {
    auto id = path_id(context);
    if (!id) co_return id.error();
    request.id = *id;
  }
  if (body == Body::required || (body == Body::optional && !context.request.body().empty())) {
    auto parsed = parse_json_object(context);
    if (!parsed) co_return parsed.error();
    request.body = std::move(*parsed);
  }
  co_return request;
}

// 428 without If-Match; otherwise the version it names (empty for *).
Result<std::optional<int>> required_if_match(const net::RequestContext& context) {
  const auto match = if_match(context);
  if (!match.present) return Error::invalid("If-Match");  // turned into 428 by the caller
  return match.version;
}

net::Response precondition_required(const net::Request& request, const char* what) {
  return precondition(request, status::precondition_required, "Precondition required",
                      (std::string("send If-Match with the ") + what + "'s ETag").c_str());
}

awaitable<net::Response> list_tickets(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto query = ticket_query(context);
  if (!query) co_return problem_response(context.request, query.error());
  auto page = co_await t.tickets.list(r->principal, *query);
  if (!page) co_return problem_response(context.request, page.error());
  json items = json::array();
  for (const auto& ticket : page->items) items.push_back(ticket_json(ticket));
  co_return json_response(context.request, status::ok, page_json(std::move(items), page->next_cursor));
}

awaitable<net::Response> create_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto ticket = co_await t.tickets.create(r->principal, std::move(r->body));
  co_return ticket_response(context.request, ticket, status::created);
}

awaitable<net::Response> create_from_conversation(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::optional);
  if (!r) co_return problem_response(context.request, r.error());
  auto ticket = co_await t.tickets.create_from_conversation(r->principal, r->id, std::move(r->body));
  co_return ticket_response(context.request, ticket, status::created);
}

awaitable<net::Response> get_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto ticket = co_await t.tickets.get(r->principal, r->id);
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> patch_ticket(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto version = required_if_match(context);
  if (!version) co_return precondition_required(context.request, "ticket");
  auto ticket = co_await t.tickets.patch(r->principal, r->id, *version, std::move(r->body));
  if (!ticket && ticket.error().code == ErrorCode::conflict && *version &&
      ticket.error().detail.find("changed since version") != std::string::npos) {
    co_return precondition(context.request, status::precondition_failed, "Precondition failed",
                           "the ticket changed; read it again and retry with its new ETag");
  }
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> transition(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto to_text = required_string(r->body, "to", 32);
  if (!to_text) co_return problem_response(context.request, to_text.error());
  auto to = domain::parse_ticket_state(*to_text);
  if (!to) {
    co_return problem_response(context.request,
                               Error::invalid("to must be new, open, pending, on_hold, solved or closed", "to"));
  }
  auto ticket = co_await t.tickets.transition(r->principal, r->id, *to);
  if (!ticket && ticket.error().code == ErrorCode::invalid_transition) {
    // 409 with the moves the ticket allows from where it is now.
    auto current = co_await t.tickets.get(r->principal, r->id);
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
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto ticket = co_await t.tickets.transfer(r->principal, r->id, std::move(r->body));
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> add_note(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto text = required_string(r->body, "body", domain::kTicketNoteMaxBytes);
  if (!text) co_return problem_response(context.request, text.error());
  auto note = co_await t.tickets.add_note(r->principal, r->id, *text);
  if (!note) co_return problem_response(context.request, note.error());
  co_return json_response(context.request, status::created, ticket_json(*note));
}

awaitable<net::Response> list_notes(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto notes = co_await t.tickets.notes(r->principal, r->id);
  co_return list_response(context.request, notes);
}

awaitable<net::Response> history(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto entries = co_await t.tickets.history(r->principal, r->id, page->after, page->limit);
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
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto target = body_id(r->body, "target_id");
  if (!target) co_return problem_response(context.request, target.error());
  auto ticket = co_await t.tickets.merge(r->principal, r->id, *target);
  co_return ticket_response(context.request, ticket);
}

awaitable<net::Response> add_link(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto related = body_id(r->body, "related_ticket_id");
  if (!related) co_return problem_response(context.request, related.error());
  auto kind = optional_string(r->body, "kind", 32);
  if (!kind) co_return problem_response(context.request, kind.error());
  auto links = co_await t.tickets.link(r->principal, r->id, *related, kind->value_or("related"));
  if (!links) co_return problem_response(context.request, links.error());
  auto response = list_response(context.request, links);
  response.result(status::created);
  co_return response;
}

awaitable<net::Response> list_links(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, true, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto links = co_await t.tickets.links(r->principal, r->id);
  co_return list_response(context.request, links);
}

awaitable<net::Response> bulk(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::required);
  if (!r) co_return problem_response(context.request, r.error());
  auto result = co_await t.tickets.bulk_update(r->principal, std::move(r->body));
  if (!result) co_return problem_response(context.request, result.error());
  co_return json_response(context.request, status::ok, *result);
}

awaitable<net::Response> list_policies(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::none, domain::Role::supervisor);
  if (!r) co_return problem_response(context.request, r.error());
  auto policies = co_await t.repository.sla_policies();
  co_return list_response(context.request, policies);
}

awaitable<net::Response> save_policy(TicketApiContext& t, net::RequestContext& context, bool create) {
  auto r = co_await begin(t, context, !create, Body::required, domain::Role::admin);
  if (!r) co_return problem_response(context.request, r.error());
  std::optional<int> version;
  if (!create) {
    auto match = required_if_match(context);
    if (!match) co_return precondition_required(context.request, "policy");
    version = *match;
  }
  auto policy = services::sla_policy_from(r->body);
  if (!policy) co_return problem_response(context.request, policy.error());
  policy->id = r->id;
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
  auto r = co_await begin(t, context, true, Body::none, domain::Role::admin);
  if (!r) co_return problem_response(context.request, r.error());
  auto deleted = co_await t.repository.delete_sla_policy(r->id);
  if (!deleted) co_return problem_response(context.request, deleted.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

awaitable<net::Response> list_calendars(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::none, domain::Role::supervisor);
  if (!r) co_return problem_response(context.request, r.error());
  auto calendars = co_await t.repository.calendars();
  co_return list_response(context.request, calendars);
}

awaitable<net::Response> create_calendar(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::required, domain::Role::admin);
  if (!r) co_return problem_response(context.request, r.error());
  auto definition = services::calendar_definition_from(r->body);
  if (!definition) co_return problem_response(context.request, definition.error());
  auto saved = co_await t.repository.save_calendar(std::move(*definition));
  if (!saved) co_return problem_response(context.request, saved.error());
  co_return json_response(context.request, status::created, ticket_json(*saved));
}

// Custom field definitions: every agent reads them (forms need them); admins change them.
awaitable<net::Response> list_fields(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::none);
  if (!r) co_return problem_response(context.request, r.error());
  auto fields = co_await t.tickets.ticket_fields();
  if (!fields) co_return problem_response(context.request, fields.error());
  json items = json::array();
  for (const auto& field : *fields) items.push_back(services::ticket_field_json(field));
  co_return json_response(context.request, status::ok, json{{"items", std::move(items)}});
}

// POST /ticket-fields {key, ...} creates or replaces; PUT /ticket-fields/{key} takes the key from
// the path.
awaitable<net::Response> save_field(TicketApiContext& t, net::RequestContext& context, bool from_path) {
  auto r = co_await begin(t, context, false, Body::required, domain::Role::admin);
  if (!r) co_return problem_response(context.request, r.error());
  if (from_path) {
    const auto key = std::string(context.param("key"));
    if (r->body.contains("key") && r->body["key"] != key) {
      co_return problem_response(context.request, Error::invalid("key differs from the path", "key"));
    }
    r->body["key"] = key;
  }
  auto saved = co_await t.tickets.save_ticket_field(std::move(r->body));
  if (!saved) co_return problem_response(context.request, saved.error());
  co_return json_response(context.request, from_path ? status::ok : status::created,
                          services::ticket_field_json(*saved));
}

awaitable<net::Response> delete_field(TicketApiContext& t, net::RequestContext& context) {
  auto r = co_await begin(t, context, false, Body::none, domain::Role::admin);
  if (!r) co_return problem_response(context.request, r.error());
  const auto key = std::string(context.param("key"));
  if (key.empty() || key.size() > 64) co_return problem_response(context.request, Error::not_found("no such ticket field"));
  auto deleted = co_await t.tickets.delete_ticket_field(key);
  if (!deleted) co_return problem_response(context.request, deleted.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
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
  router.add(verb::get, "/api/v1/ticket-fields", [t](auto& c) { return list_fields(*t, c); });
  router.add(verb::post, "/api/v1/ticket-fields", [t](auto& c) { return save_field(*t, c, false); });
  router.add(verb::put, "/api/v1/ticket-fields/{key}", [t](auto& c) { return save_field(*t, c, true); });
  router.add(verb::delete_, "/api/v1/ticket-fields/{key}", [t](auto& c) { return delete_field(*t, c); });
  router.add(verb::get, "/api/v1/sla-policies", [t](auto& c) { return list_policies(*t, c); });
  router.add(verb::post, "/api/v1/sla-policies", [t](auto& c) { return save_policy(*t, c, true); });
  router.add(verb::put, "/api/v1/sla-policies/{id}", [t](auto& c) { return save_policy(*t, c, false); });
  router.add(verb::delete_, "/api/v1/sla-policies/{id}", [t](auto& c) { return delete_policy(*t, c); });
  router.add(verb::get, "/api/v1/business-calendars", [t](auto& c) { return list_calendars(*t, c); });
  router.add(verb::post, "/api/v1/business-calendars", [t](auto& c) { return create_calendar(*t, c); });
}

}  // namespace cc::api
