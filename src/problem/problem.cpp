#include "cc/problem/problem.hpp"

namespace cc::problem {

namespace http = net::http;

namespace {
struct ProblemKind {
  http::status status;
  const char* title;
};

ProblemKind kind_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid: return {http::status::unprocessable_entity, "Invalid request"};
    case ErrorCode::malformed: return {http::status::bad_request, "Malformed request"};
    case ErrorCode::not_found: return {http::status::not_found, "Not found"};
    case ErrorCode::conflict: return {http::status::conflict, "Conflict"};
    case ErrorCode::invalid_transition: return {http::status::conflict, "Invalid transition"};
    case ErrorCode::unauthorized: return {http::status::unauthorized, "Unauthenticated"};
    case ErrorCode::forbidden: return {http::status::forbidden, "Forbidden"};
    case ErrorCode::too_large: return {http::status::payload_too_large, "Payload too large"};
    case ErrorCode::unsupported_media:
      return {http::status::unsupported_media_type, "Unsupported media type"};
    case ErrorCode::rate_limited: return {http::status::too_many_requests, "Too many requests"};
    case ErrorCode::unavailable: return {http::status::service_unavailable, "Service unavailable"};
  }
  return {http::status::internal_server_error, "Internal error"};
}
}  // namespace

http::status status_for(ErrorCode code) { return kind_of(code).status; }

net::Response problem_response(const net::Request& request, const Error& error) {
  const auto kind = kind_of(error.code);
  nlohmann::json body{{"type", "https://contact-center.dev/problems/" + std::string(to_string(error.code))},
                      {"title", kind.title},
                      {"status", static_cast<unsigned>(kind.status)},
                      {"detail", error.detail}};
  if (!error.field.empty()) {
    body["errors"] = nlohmann::json::array({{{"pointer", error.field}, {"detail", error.detail}}});
  }
  auto response = net::make_response(request, kind.status, body.dump(), "application/problem+json");
  if (error.code == ErrorCode::unavailable) response.set(http::field::retry_after, "5");
  if (error.code == ErrorCode::rate_limited) response.set(http::field::retry_after, "1");
  if (error.code == ErrorCode::unauthorized) response.set(http::field::www_authenticate, "Bearer");
  return response;
}

net::Response json_response(const net::Request& request, http::status status,
                            const nlohmann::json& body) {
  auto response = net::make_response(request, status,
                                     body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                     "application/json");
  response.set(http::field::cache_control, "no-store");
  return response;
}

}  // namespace cc::problem
