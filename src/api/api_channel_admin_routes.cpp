// POST /api/v1/channel-accounts/{id}/api-credentials: issues the generic API channel's key and
// webhook secret. Both are shown once; the key is stored only as its SHA-256.
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/webhook_routes.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/crypto/random.hpp"
#include "cc/problem/problem.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::api {
namespace {

boost::asio::awaitable<net::Response> issue_credentials(WebhookApiContext& w,
                                                        net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, w.api.auth, domain::Role::admin);
  if (!principal) co_return problem::problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem::problem_response(context.request, id.error());
  auto account = co_await w.api.channel_accounts.get(*id);
  if (!account) co_return problem::problem_response(context.request, account.error());
  if (account->channel != domain::Channel::api) {
    co_return problem::problem_response(
        context.request, Error::conflict("credentials are for channel accounts of type api"));
  }
  const auto key = crypto::new_token("ccak_");
  const auto secret = services::new_webhook_secret();
  nlohmann::json patch{{"api_key_sha256", crypto::to_hex(crypto::sha256(key))},
                       {"webhook_secret", secret}};
  auto updated = co_await w.api.channel_accounts.update(*id, std::nullopt, std::move(patch),
                                                        std::nullopt, principal->agent_id);
  if (!updated) co_return problem::problem_response(context.request, updated.error());
  co_return problem::json_response(
      context.request, net::http::status::ok,
      {{"channel_account_id", std::to_string(*id)}, {"api_key", key}, {"webhook_secret", secret}});
}

}  // namespace

void add_api_channel_admin_routes(net::Router& router, WebhookApiContext& context) {
  router.add(net::http::verb::post, "/api/v1/channel-accounts/{id}/api-credentials",
             [w = &context](auto& c) { return issue_credentials(*w, c); });
}

}  // namespace cc::api
