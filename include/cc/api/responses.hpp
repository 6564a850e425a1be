#pragma once
// The two endings every REST handler shares: a record (or its error) and a page of records (or its
// error), rendered with services::to_json and problem+json.
#include "cc/api/json_body.hpp"
#include "cc/domain/error.hpp"
#include "cc/problem/problem.hpp"
#include "cc/services/json_views.hpp"

namespace cc::api {

template <class T>
net::Response record_response(const net::Request& request, const Result<T>& result,
                              net::http::status status = net::http::status::ok) {
  if (!result) return problem::problem_response(request, result.error());
  return problem::json_response(request, status, services::to_json(*result));
}

// `view` renders one item; by default services::to_json.
template <class T, class View>
net::Response page_response(const net::Request& request, const Result<domain::Page<T>>& result,
                            View view) {
  if (!result) return problem::problem_response(request, result.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : result->items) items.push_back(view(item));
  return problem::json_response(request, net::http::status::ok,
                                page_json(std::move(items), result->next_cursor));
}

template <class T>
net::Response page_response(const net::Request& request, const Result<domain::Page<T>>& result) {
  return page_response(request, result, [](const T& item) { return services::to_json(item); });
}

}  // namespace cc::api
