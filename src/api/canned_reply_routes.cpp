#include "cc/api/canned_reply_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

awaitable<net::Response> list_replies(CannedReplyApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate(context, r.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  std::string prefix;
  if (auto text = context.query("prefix"); text) prefix = std::string(*text);
  if (prefix.size() > 32) {
    co_return problem_response(context.request, Error::invalid("prefix is longer than 32", "prefix"));
  }
  auto list = co_await r.replies.list(*principal, std::move(prefix));
  if (!list) co_return problem_response(context.request, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& reply : *list) items.push_back(services::to_json(reply));
  co_return json_response(context.request, status::ok, nlohmann::json{{"items", std::move(items)}});
}

awaitable<net::Response> create_reply(CannedReplyApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate(context, r.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto reply = co_await r.replies.create(*principal, std::move(*body));
  if (!reply) co_return problem_response(context.request, reply.error());
  auto response = json_response(context.request, status::created, services::to_json(*reply));
  response.set(net::http::field::location, "/api/v1/canned-replies/" + std::to_string(reply->id));
  co_return response;
}

awaitable<net::Response> replace_reply(CannedReplyApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate(context, r.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto reply = co_await r.replies.update(*principal, *id, std::move(*body));
  if (!reply) co_return problem_response(context.request, reply.error());
  co_return json_response(context.request, status::ok, services::to_json(*reply));
}

awaitable<net::Response> delete_reply(CannedReplyApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate(context, r.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto done = co_await r.replies.remove(*principal, *id);
  if (!done) co_return problem_response(context.request, done.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

}  // namespace

void add_canned_reply_routes(net::Router& router, CannedReplyApiContext& context) {
  using net::http::verb;
  auto* r = &context;
  router.add(verb::get, "/api/v1/canned-replies", [r](auto& c) { return list_replies(*r, c); });
  router.add(verb::post, "/api/v1/canned-replies", [r](auto& c) { return create_reply(*r, c); });
  router.add(verb::put, "/api/v1/canned-replies/{id}", [r](auto& c) { return replace_reply(*r, c); });
  router.add(verb::delete_, "/api/v1/canned-replies/{id}", [r](auto& c) { return delete_reply(*r, c); });
}

}  // namespace cc::api
