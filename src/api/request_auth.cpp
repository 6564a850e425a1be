#include "cc/api/request_auth.hpp"

namespace cc::api {

std::string_view bearer_token(const net::RequestContext& context) {
  const auto header = context.header("Authorization");
  if (!header) return {};
  constexpr std::string_view kScheme = "Bearer ";
  if (header->size() <= kScheme.size() || header->substr(0, kScheme.size()) != kScheme) return {};
  return header->substr(kScheme.size());
}

boost::asio::awaitable<Result<domain::Principal>> authenticate(const net::RequestContext& context,
                                                               services::AuthService& auth) {
  const auto token = bearer_token(context);
  if (token.empty()) co_return Error::unauthorized("send Authorization: Bearer <token>");
  co_return co_await auth.authenticate(token);
}

bool role_at_least(domain::Role role, domain::Role minimum) {
  auto rank = [](domain::Role r) {
    switch (r) {
      case domain::Role::agent: return 0;
      case domain::Role::supervisor: return 1;
      case domain::Role::admin: return 2;
    }
    return 0;
  };
  return rank(role) >= rank(minimum);
}

boost::asio::awaitable<Result<domain::Principal>> authenticate_role(
    const net::RequestContext& context, services::AuthService& auth, domain::Role minimum) {
  auto principal = co_await authenticate(context, auth);
  if (principal && !role_at_least(principal->role, minimum)) {
    co_return Error::forbidden("this needs the " + std::string(domain::to_string(minimum)) + " role");
  }
  co_return principal;
}

}  // namespace cc::api
