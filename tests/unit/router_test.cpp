#include <gtest/gtest.h>

#include "cc/net/router.hpp"

namespace cc::net {
namespace {

Handler noop() {
  return [](RequestContext& context) -> asio::awaitable<Response> {
    co_return make_response(context.request, http::status::ok, "", "text/plain");
  };
}

TEST(Router, CapturesPathParameters) {
  Router router;
  router.add(http::verb::get, "/api/v1/conversations/{id}/messages", noop());
  const auto match = router.match(http::verb::get, "/api/v1/conversations/42/messages");
  ASSERT_NE(match.route, nullptr);
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].first, "id");
  EXPECT_EQ(match.params[0].second, "42");
}

TEST(Router, LiteralSegmentsMustMatch) {
  Router router;
  router.add(http::verb::get, "/api/v1/me", noop());
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/you").route, nullptr);
  EXPECT_EQ(router.match(http::verb::get, "/api/v1/me/extra").route, nullptr);
  EXPECT_NE(router.match(http::verb::get, "/api/v1/me/").route, nullptr);
}

TEST(Router, ReportsAllowedMethodsOnMismatch) {
  Router router;
  router.add(http::verb::get, "/api/v1/agents", noop());
  router.add(http::verb::post, "/api/v1/agents", noop());
  const auto match = router.match(http::verb::delete_, "/api/v1/agents");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed.size(), 2u);
}

TEST(Router, HeadIsServedByGet) {
  Router router;
  router.add(http::verb::get, "/healthz", noop());
  EXPECT_NE(router.match(http::verb::head, "/healthz").route, nullptr);
}

TEST(Router, DecodesPercentEscapesInParameters) {
  Router router;
  router.add(http::verb::get, "/x/{name}", noop());
  const auto match = router.match(http::verb::get, "/x/a%20b");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params[0].second, "a b");
}

TEST(Query, ParsesAndDecodes) {
  const auto pairs = parse_query("status=open&q=a+b%26c&empty=&flag");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[1].second, "a b&c");
  EXPECT_EQ(pairs[2].second, "");
  EXPECT_EQ(pairs[3].first, "flag");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");  // malformed escapes are left alone
}

TEST(Problem, TransportProblemsAreProblemJson) {
  Request request{http::verb::get, "/nope", 11};
  const auto response = make_problem(request, http::status::not_found, "Not found", "no \"such\" thing");
  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  EXPECT_NE(response.body().find("\"status\":404"), std::string::npos);
  EXPECT_NE(response.body().find("no \\\"such\\\" thing"), std::string::npos);
}

}  // namespace
}  // namespace cc::net
