#include "cc/api/json_body.hpp"
#include "cc/api/responses.hpp"
#include "cc/problem/problem.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/services/json_views.hpp"

namespace cc::api {
namespace {

using problem::json_response;
using problem::problem_response;

using boost::asio::awaitable;
using net::http::status;

Result<services::ConversationFilter> conversation_filter(const net::RequestContext& context) {
  auto page = page_request(context);
  if (!page) return page.error();
  services::ConversationFilter filter{std::nullopt, std::nullopt, page->after, page->limit};
  if (auto text = context.query("status"); text && !text->empty()) {
    filter.status = domain::parse_conversation_status(*text);
    if (!filter.status) return Error::invalid("status must be queued, open or closed", "status");
  }
  if (auto text = context.query("channel"); text && !text->empty()) {
    filter.channel = domain::parse_channel(*text);
    if (!filter.channel) return Error::invalid("unknown channel", "channel");
  }
  return filter;
}

awaitable<net::Response> list_conversations(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto filter = conversation_filter(context);
  if (!filter) co_return problem_response(context.request, filter.error());
  auto page = co_await api.conversations.list(*principal, *filter);
  co_return page_response(context.request, page);
}

awaitable<net::Response> get_conversation(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto conversation = co_await api.conversations.get(*principal, *id);
  co_return record_response(context.request, conversation);
}

awaitable<net::Response> list_messages(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  auto messages = co_await api.conversations.messages(*principal, *id, page->after, page->limit);
  co_return page_response(context.request, messages);
}

awaitable<net::Response> reply(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto content = required_string(*body, "content", 64 * 1024);
  if (!content) co_return problem_response(context.request, content.error());
  std::optional<std::string> key;
  if (auto header = context.header("Idempotency-Key")) {
    if (header->empty() || header->size() > 128) {
      co_return problem_response(context.request,
                                 Error::invalid("Idempotency-Key must be 1 to 128 characters",
                                                "Idempotency-Key"));
    }
    key = std::string(*header);
  }
  auto outcome = co_await api.conversations.reply(*principal, *id, *content, key);
  if (!outcome) co_return problem_response(context.request, outcome.error());
  // A replayed request answers like the original did.
  co_return json_response(context.request, status::created, services::to_json(outcome->message));
}

awaitable<net::Response> close_conversation(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto conversation = co_await api.conversations.close(*principal, *id);
  co_return record_response(context.request, conversation);
}

}  // namespace

void add_conversation_routes(net::Router& router, ApiContext& api) {
  using net::http::verb;
  router.add(verb::get, "/api/v1/conversations", [a = &api](auto& c) { return list_conversations(*a, c); });
  router.add(verb::get, "/api/v1/conversations/{id}", [a = &api](auto& c) { return get_conversation(*a, c); });
  router.add(verb::get, "/api/v1/conversations/{id}/messages",
             [a = &api](auto& c) { return list_messages(*a, c); });
  router.add(verb::post, "/api/v1/conversations/{id}/messages", [a = &api](auto& c) { return reply(*a, c); });
  router.add(verb::post, "/api/v1/conversations/{id}/close",
             [a = &api](auto& c) { return close_conversation(*a, c); });
}

}  // namespace cc::api
