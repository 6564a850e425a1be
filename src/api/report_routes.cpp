#include "cc/api/report_routes.hpp"

#include <charconv>

#include "cc/api/request_auth.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;


// An optional integer query parameter within [low, high].
Result<int> int_query(const net::RequestContext& context, const char* name, int fallback, int low,
                      int high) {
  const auto text = context.query(name);
  if (!text || text->empty()) return fallback;
  int value = 0;
  const auto* end = text->data() + text->size();
  const auto [at, error] = std::from_chars(text->data(), end, value);
  if (error != std::errc() || at != end || value < low || value > high) {
    return Error::invalid(std::string(name) + " must be an integer from " + std::to_string(low) +
                              " to " + std::to_string(high),
                          name);
  }
  return value;
}

template <class Produce>
awaitable<net::Response> report(ReportApiContext& r, net::RequestContext& context, Produce produce) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = co_await produce();
  if (!body) co_return problem_response(context.request, body.error());
  auto response = json_response(context.request, status::ok, *body);
  response.set(net::http::field::cache_control, "no-store");
  co_return response;
}

awaitable<net::Response> messages_per_hour(ReportApiContext& r, net::RequestContext& context) {
  auto offset = int_query(context, "offset_minutes", 0, -14 * 60, 14 * 60);
  if (!offset) co_return problem_response(context.request, offset.error());
  auto* reports = &r.reports;
  const int minutes = *offset;
  auto produce = [reports, minutes] { return reports->messages_per_hour(minutes); };
  co_return co_await report(r, context, produce);
}

awaitable<net::Response> hot_words(ReportApiContext& r, net::RequestContext& context) {
  auto limit = int_query(context, "limit", 20, 1, 100);
  if (!limit) co_return problem_response(context.request, limit.error());
  auto* reports = &r.reports;
  const auto count = static_cast<std::size_t>(*limit);
  auto produce = [reports, count] { return reports->hot_words(count); };
  co_return co_await report(r, context, produce);
}

}  // namespace

void add_report_routes(net::Router& router, ReportApiContext& context) {
  using net::http::verb;
  auto* r = &context;
  auto* s = &context.reports;
  router.add(verb::get, "/api/v1/reports/queues", [r, s](auto& c) {
    auto produce = [s] { return s->queues(); };
    return report(*r, c, produce);
  });
  router.add(verb::get, "/api/v1/reports/agents", [r, s](auto& c) {
    auto produce = [s] { return s->agents(); };
    return report(*r, c, produce);
  });
  router.add(verb::get, "/api/v1/reports/sla", [r, s](auto& c) {
    auto produce = [s] { return s->sla(); };
    return report(*r, c, produce);
  });
  router.add(verb::get, "/api/v1/reports/first-response", [r, s](auto& c) {
    auto produce = [s] { return s->first_response(); };
    return report(*r, c, produce);
  });
  router.add(verb::get, "/api/v1/reports/csat", [r, s](auto& c) {
    auto produce = [s] { return s->csat(); };
    return report(*r, c, produce);
  });
  router.add(verb::get, "/api/v1/reports/messages-per-hour", [r](auto& c) { return messages_per_hour(*r, c); });
  router.add(verb::get, "/api/v1/reports/hot-words", [r](auto& c) { return hot_words(*r, c); });
}

}  // namespace cc::api
