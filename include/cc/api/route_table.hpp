#pragma once
// Registers a module's REST handlers from one table: each row is a method, a path and a handler
// taking the module's context, so registrars stop repeating the capture-and-forward lambda.
#include <boost/asio/awaitable.hpp>
#include <initializer_list>

#include "cc/net/router.hpp"

namespace cc::api {

template <class Context>
struct RouteRow {
  net::http::verb method;
  const char* path;
  boost::asio::awaitable<net::Response> (*handler)(Context&, net::RequestContext&);
};

// `context` must outlive the router (app/ owns both).
template <class Context>
void add_route_table(net::Router& router, Context& context, std::initializer_list<RouteRow<Context>> rows) {
  for (const auto& row : rows) {
    auto* bound = &context;
    auto* handler = row.handler;
    router.add(row.method, row.path, [bound, handler](net::RequestContext& request) { return handler(*bound, request); });
  }
}

}  // namespace cc::api
