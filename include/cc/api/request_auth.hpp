#pragma once
// Bearer-token authentication and role checks for REST handlers.
#include <boost/asio/awaitable.hpp>

#include "cc/domain/error.hpp"
#include "cc/net/http_types.hpp"
#include "cc/services/auth_service.hpp"

namespace cc::api {

// The token of "Authorization: Bearer <token>", or empty.
std::string_view bearer_token(const net::RequestContext& context);

boost::asio::awaitable<Result<domain::Principal>> authenticate(const net::RequestContext& context,
                                                               services::AuthService& auth);
// Authenticates and requires one of the roles at or above `minimum` (agent < supervisor < admin).
boost::asio::awaitable<Result<domain::Principal>> authenticate_role(
    const net::RequestContext& context, services::AuthService& auth, domain::Role minimum);

bool role_at_least(domain::Role role, domain::Role minimum);

}  // namespace cc::api
