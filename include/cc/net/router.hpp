#pragma once
// Maps method + path to a handler. Patterns are literal segments and {name} captures.
// Built once in app/ before the server starts; read-only afterwards, so no locking.
#include <boost/beast/http/verb.hpp>
#include <string>
#include <vector>

#include "cc/net/http_types.hpp"

namespace cc::net {

class Router {
 public:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    WebSocketHandler websocket;
  };

  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<http::verb> allowed;  // when the path matched but the method did not
  };

  void add(http::verb method, std::string pattern, Handler handler);
  void add_websocket(std::string pattern, WebSocketHandler handler);
  // Called for GET/HEAD requests no route matched (static files).
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  Match match(http::verb method, std::string_view path) const;
  const Handler& fallback() const { return fallback_; }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  Handler fallback_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace cc::net
