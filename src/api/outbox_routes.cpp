// Outbound delivery for agents and supervisors: the outbox (dead letters, in-doubt sends), an
// agent's retry of one row, and a channel account's circuit breaker.
#include <algorithm>
#include <array>

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/responses.hpp"
#include "cc/api/routes.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using problem::problem_response;

constexpr std::array<std::string_view, 5> kOutboxStatuses{"pending", "sent", "failed",
                                                          "failed_over", "in_doubt"};

Result<services::OutboxQuery> outbox_query(const net::RequestContext& context) {
  auto page = page_request(context);
  if (!page) return page.error();
  services::OutboxQuery query;
  query.after = page->after;
  query.limit = page->limit;
  if (auto status = context.query("status"); status && !status->empty()) {
    if (std::find(kOutboxStatuses.begin(), kOutboxStatuses.end(), *status) == kOutboxStatuses.end()) {
      return Error::invalid("status must be pending, sent, failed, failed_over or in_doubt",
                            "/status");
    }
    query.status = *status;
  }
  if (auto conversation = context.query("conversation_id"); conversation && !conversation->empty()) {
    const auto id = parse_id(*conversation);
    if (!id) return Error::invalid("conversation_id must be an id", "/conversation_id");
    query.conversation_id = *id;
  }
  return query;
}

awaitable<net::Response> list_outbox(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto query = outbox_query(context);
  if (!query) co_return problem_response(context.request, query.error());
  auto page = co_await api.outbox.list(*principal, std::move(*query));
  co_return page_response(context.request, page);
}

awaitable<net::Response> retry_outbox(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate(context, api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto entry = co_await api.outbox.retry(*principal, *id);
  co_return record_response(context.request, entry);
}

awaitable<net::Response> get_circuit(ApiContext& api, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto account = co_await api.channel_accounts.get(*id);
  if (!account) co_return problem_response(context.request, account.error());
  Result<services::CircuitStatus> status = api.outbox.circuit(*id);
  co_return record_response(context.request, status);
}

}  // namespace

void add_outbox_routes(net::Router& router, ApiContext& api) {
  using net::http::verb;
  router.add(verb::get, "/api/v1/outbox", [a = &api](auto& c) { return list_outbox(*a, c); });
  router.add(verb::post, "/api/v1/outbox/{id}/retry", [a = &api](auto& c) { return retry_outbox(*a, c); });
  router.add(verb::get, "/api/v1/channel-accounts/{id}/circuit",
             [a = &api](auto& c) { return get_circuit(*a, c); });
}

}  // namespace cc::api
