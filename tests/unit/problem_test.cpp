#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cc/problem/problem.hpp"

namespace cc::problem {
namespace {

namespace http = net::http;

TEST(ProblemMapping, EveryCodeHasItsStatus) {
  EXPECT_EQ(status_for(ErrorCode::invalid), http::status::unprocessable_entity);
  EXPECT_EQ(status_for(ErrorCode::malformed), http::status::bad_request);
  EXPECT_EQ(status_for(ErrorCode::not_found), http::status::not_found);
  EXPECT_EQ(status_for(ErrorCode::conflict), http::status::conflict);
  EXPECT_EQ(status_for(ErrorCode::invalid_transition), http::status::conflict);
  EXPECT_EQ(status_for(ErrorCode::unauthorized), http::status::unauthorized);
  EXPECT_EQ(status_for(ErrorCode::forbidden), http::status::forbidden);
  EXPECT_EQ(status_for(ErrorCode::too_large), http::status::payload_too_large);
  EXPECT_EQ(status_for(ErrorCode::unsupported_media), http::status::unsupported_media_type);
  EXPECT_EQ(status_for(ErrorCode::rate_limited), http::status::too_many_requests);
  EXPECT_EQ(status_for(ErrorCode::unavailable), http::status::service_unavailable);
}

TEST(ProblemBody, CarriesRfc9457MembersAndThePointer) {
  net::Request request{http::verb::post, "/x", 11};
  const auto response = problem_response(request, Error::invalid("name is required", "/name"));
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  const auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["title"], "Invalid request");
  EXPECT_EQ(body["detail"], "name is required");
  EXPECT_TRUE(body["type"].get<std::string>().ends_with("/invalid"));
  EXPECT_EQ(body["errors"][0]["pointer"], "/name");
}

TEST(ProblemHeaders, RetryAfterAndAuthenticateWhereTheyBelong) {
  net::Request request{http::verb::get, "/x", 11};
  EXPECT_EQ(problem_response(request, Error::unavailable("db down"))[http::field::retry_after], "5");
  EXPECT_EQ(problem_response(request, Error::unauthorized("no"))[http::field::www_authenticate], "Bearer");
  EXPECT_TRUE(problem_response(request, Error::not_found("x"))[http::field::retry_after].empty());
}

}  // namespace
}  // namespace cc::problem
