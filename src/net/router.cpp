#include "cc/net/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace cc::net {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

static bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

void Router::add(http::verb method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler), {}});
}

void Router::add_websocket(std::string pattern, WebSocketHandler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(
      Route{http::verb::get, std::move(pattern), std::move(segments), {}, std::move(handler)});
}

Router::Match Router::match(http::verb method, std::string_view path) const {
  const auto segments = split_path(path);
  Match result;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const auto& want = route.segments[i];
      if (is_capture(want)) {
        params.emplace_back(want.substr(1, want.size() - 2), percent_decode(segments[i], false));
      } else {
        same = want == segments[i];
      }
    }
    if (!same) continue;
    const bool method_ok =
        route.method == method || (method == http::verb::head && route.method == http::verb::get);
    if (method_ok) {
      result.route = &route;
      result.params = std::move(params);
      result.allowed.clear();
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  }
  return result;
}

}  // namespace cc::net
