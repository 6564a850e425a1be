#pragma once
// The one table that maps cc::ErrorCode to an HTTP status and an RFC 9457 problem body, shared by
// the REST API and the channel adapters' HTTP endpoints (its own target, cc_problem, so that both
// may use it without depending on each other).
#include <nlohmann/json.hpp>

#include "cc/domain/error.hpp"
#include "cc/net/http_types.hpp"

namespace cc::problem {

net::http::status status_for(ErrorCode code);
net::Response problem_response(const net::Request& request, const Error& error);
net::Response json_response(const net::Request& request, net::http::status status,
                            const nlohmann::json& body);

}  // namespace cc::problem
