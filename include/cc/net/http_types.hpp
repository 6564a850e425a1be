#pragma once
// HTTP vocabulary shared by the server, the router and every handler module.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class WebSocketConnection;

// Everything a handler learns about one request. Lives for the duration of the handler call.
struct RequestContext {
  const Request& request;
  std::vector<std::pair<std::string, std::string>> params;  // from {name} path segments
  std::string request_id;
  tcp::endpoint remote;
  std::string route;  // the matched pattern, e.g. /api/v1/conversations/{id}

  std::string_view param(std::string_view name) const;
  std::string_view path() const;  // the target without its query string
  std::optional<std::string> query(std::string_view name) const;  // percent-decoded
  std::optional<std::string_view> header(std::string_view name) const;
};

using Handler = std::function<asio::awaitable<Response>(RequestContext&)>;
using WebSocketHandler =
    std::function<asio::awaitable<void>(std::shared_ptr<WebSocketConnection>, RequestContext&)>;

// Builds a response that keeps the request's HTTP version and keep-alive choice.
Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type);
// An RFC 9457 problem response for transport-level refusals (404, 405, 413 ...).
Response make_problem(const Request& request, http::status status, std::string_view title,
                      std::string_view detail);
std::string problem_json(http::status status, std::string_view title, std::string_view detail,
                         std::string_view type_suffix, std::string_view extra_json_members = {});

std::string percent_decode(std::string_view text, bool plus_is_space = true);
// Splits "a=1&b=2" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
std::string json_escape(std::string_view text);

}  // namespace cc::net
