#include "cc/api/attachment_routes.hpp"

#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/domain/attachment_rules.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
namespace http = net::http;

awaitable<net::Response> download(AttachmentApiContext& a, net::RequestContext& context) {
  auto principal = co_await authenticate(context, a.api.auth);
  if (!principal) co_return problem::problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem::problem_response(context.request, Error::not_found("no such attachment"));
  auto attachment = co_await a.attachments.download(*principal, *id);
  if (!attachment) co_return problem::problem_response(context.request, attachment.error());
  // The type is the sender's claim: only a few harmless ones are rendered by the browser.
  const bool as_inline = domain::served_inline(attachment->content_type);
  const auto type = as_inline ? attachment->content_type : std::string("application/octet-stream");
  auto response = net::make_response(context.request, http::status::ok, std::move(attachment->content), type);
  response.set(http::field::content_disposition, domain::content_disposition(as_inline, attachment->filename));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy", "sandbox");
  response.set(http::field::cache_control, "private, no-store");
  response.set(http::field::etag, "\"" + attachment->sha256 + "\"");
  co_return response;
}

}  // namespace

void add_attachment_routes(net::Router& router, AttachmentApiContext& context) {
  router.add(http::verb::get, "/api/v1/attachments/{id}",
             [c = &context](net::RequestContext& request) { return download(*c, request); });
}

}  // namespace cc::api
