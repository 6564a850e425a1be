// POST /api/v1/offers/{id}/accept | decline: the offered agent answers an offer.created event.
#include "cc/api/json_body.hpp"
#include "cc/api/queue_routes.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/services/json_views.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;

awaitable<net::Response> accept_offer(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate(context, c.api.auth);
  if (!principal) co_return problem::problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem::problem_response(context.request, id.error());
  auto conversation = co_await c.assignment.accept_offer(*id, principal->agent_id);
  if (!conversation) co_return problem::problem_response(context.request, conversation.error());
  co_return problem::json_response(context.request, status::ok,
                                   nlohmann::json{{"conversation", services::to_json(*conversation)}});
}

awaitable<net::Response> decline_offer(AssignmentApiContext& c, net::RequestContext& context) {
  auto principal = co_await authenticate(context, c.api.auth);
  if (!principal) co_return problem::problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem::problem_response(context.request, id.error());
  auto declined = co_await c.assignment.decline_offer(*id, principal->agent_id);
  if (!declined) co_return problem::problem_response(context.request, declined.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

}  // namespace

void add_offer_routes(net::Router& router, AssignmentApiContext& context) {
  using net::http::verb;
  auto* c = &context;
  router.add(verb::post, "/api/v1/offers/{id}/accept", [c](auto& r) { return accept_offer(*c, r); });
  router.add(verb::post, "/api/v1/offers/{id}/decline", [c](auto& r) { return decline_offer(*c, r); });
}

}  // namespace cc::api
