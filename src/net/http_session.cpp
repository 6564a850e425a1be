#include "http_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "cc/async/log.hpp"

namespace cc::net::detail {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

struct SessionState {
  std::shared_ptr<beast::tcp_stream> stream;
  bool busy = false;  // touched only on the connection's strand
};

std::string request_id_for(const Request& request, std::uint64_t connection_id,
                           std::uint64_t sequence) {
  const auto given = request["X-Request-Id"];
  const bool usable = !given.empty() && given.size() <= 64 &&
                      std::all_of(given.begin(), given.end(), [](unsigned char c) {
                        return std::isalnum(c) || c == '-' || c == '_';
                      });
  if (usable) return std::string(given);
  return "c" + std::to_string(connection_id) + "-" + std::to_string(sequence);
}

asio::awaitable<Response> call_handler(HttpServer& server, RequestContext& context,
                                       const Router::Match& match) {
  const auto& request = context.request;
  if (match.route != nullptr && match.route->handler) {
    co_return co_await match.route->handler(context);
  }
  if (match.route != nullptr) {  // a WebSocket route asked without an upgrade
    co_return make_problem(request, http::status::upgrade_required, "Upgrade required",
                           "this endpoint speaks WebSocket only");
  }
  if (!match.allowed.empty()) {
    auto response = make_problem(request, http::status::method_not_allowed, "Method not allowed",
                                 "the path exists but not for this method");
    std::string allow;
    for (auto verb : match.allowed) {
      if (!allow.empty()) allow += ", ";
      allow += std::string(http::to_string(verb));
    }
    response.set(http::field::allow, allow);
    co_return response;
  }
  const auto method = request.method();
  if ((method == http::verb::get || method == http::verb::head) && server.router().fallback()) {
    co_return co_await server.router().fallback()(context);
  }
  co_return make_problem(request, http::status::not_found, "Not found", "no such resource");
}

// Runs the handler, turning an escaped exception into a 500 problem and recording metrics.
asio::awaitable<Response> dispatch(HttpServer& server, RequestContext& context,
                                   const Router::Match& match) {
  const auto started = std::chrono::steady_clock::now();
  Response response;
  try {
    response = co_await call_handler(server, context, match);
  } catch (const std::exception& e) {
    async::module_logger("net")->error("request {} {} failed: {}", context.request_id,
                                       context.route, e.what());
    response = make_problem(context.request, http::status::internal_server_error,
                            "Internal error", "the server could not complete the request");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto route = metrics::escape_label(context.route);
  auto& registry = server.metrics();
  registry
      .counter("cc_http_requests_total", "HTTP requests by route and status",
               "route=\"" + route + "\",status=\"" +
                   std::to_string(static_cast<unsigned>(response.result())) + "\"")
      .inc();
  registry
      .histogram("cc_http_request_duration_seconds", "HTTP request latency by route",
                 "route=\"" + route + "\"")
      .observe(seconds);
  response.set("X-Request-Id", context.request_id);
  co_return response;
}

asio::awaitable<void> write_and_close(beast::tcp_stream& stream, Response response) {
  response.keep_alive(false);
  co_await http::async_write(stream, response, kUseTuple);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> hand_to_websocket(HttpServer& server, beast::tcp_stream stream,
                                        RequestContext& context, const Router::Route& route,
                                        std::uint64_t connection_id) {
  stream.expires_never();  // the WebSocket stream keeps its own timeouts and pings
  auto connection = std::make_shared<WebSocketConnection>(
      std::move(stream), server.options().websocket, connection_id);
  auto& gauge = server.metrics().gauge("cc_websocket_connections", "Open WebSocket connections");
  const auto tracking = server.track([weak = std::weak_ptr(connection)] {
    if (auto live = weak.lock()) live->close(beast::websocket::close_code::going_away);
  });
  gauge.add(1);
  try {
    co_await route.websocket(connection, context);
  } catch (const std::exception& e) {
    async::module_logger("net")->warn("websocket {} on {} ended: {}", connection_id, route.pattern,
                                      e.what());
  }
  gauge.add(-1);
  server.untrack(tracking);
}

}  // namespace

asio::awaitable<void> run_http_session(HttpServer& server, tcp::socket socket,
                                       std::uint64_t connection_id) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  auto state = std::make_shared<SessionState>();
  state->stream = std::make_shared<beast::tcp_stream>(std::move(socket));
  auto& stream = *state->stream;
  const auto& options = server.options();

  // On shutdown an idle connection is closed at once; a busy one finishes its response first.
  auto executor = stream.get_executor();
  auto tracking = server.track([executor, weak = std::weak_ptr(state)] {
    asio::post(executor, [weak] {
      auto live = weak.lock();
      if (!live || live->busy) return;
      beast::error_code ignored;
      live->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      live->stream->close();
    });
  });

  beast::flat_buffer buffer;
  std::uint64_t sequence = 0;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    stream.expires_after(sequence == 0 ? options.header_timeout : options.idle_timeout);
    auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    if (header_ec) {
      if (header_ec == http::error::body_limit) {  // Content-Length announced too much
        Request stub;
        co_await write_and_close(stream, make_problem(stub, http::status::payload_too_large,
                                                      "Payload too large",
                                                      "the body exceeds " + std::to_string(options.body_limit) + " bytes"));
      } else if (header_ec == http::error::header_limit) {
        Request stub;
        co_await write_and_close(stream, make_problem(stub, http::status::request_header_fields_too_large,
                                                      "Header too large", "request headers exceed the limit"));
      } else if (header_ec != http::error::end_of_stream && header_ec != beast::error::timeout &&
                 header_ec != asio::error::operation_aborted && header_ec != asio::error::connection_reset &&
                 header_ec != asio::error::eof && header_ec != asio::error::bad_descriptor) {
        Request stub;
        co_await write_and_close(stream, make_problem(stub, http::status::bad_request, "Bad request",
                                                      "the request could not be parsed"));
      }
      break;
    }
    ++sequence;
    state->busy = true;
    stream.expires_after(options.request_timeout);
    auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (body_ec == http::error::body_limit) {
      co_await write_and_close(stream, make_problem(parser.get(), http::status::payload_too_large,
                                                    "Payload too large",
                                                    "the body exceeds " + std::to_string(options.body_limit) + " bytes"));
      break;
    }
    if (body_ec) break;

    Request request = parser.release();
    RequestContext context{request, {}, request_id_for(request, connection_id, sequence), remote, {}};
    const auto match = server.router().match(request.method(), context.path());
    context.route = match.route ? match.route->pattern : (match.allowed.empty() ? "unmatched" : "method_not_allowed");
    context.params = match.params;

    if (match.route && match.route->websocket && beast::websocket::is_upgrade(request)) {
      server.untrack(tracking);
      co_await hand_to_websocket(server, std::move(stream), context, *match.route, connection_id);
      co_return;
    }

    Response response = co_await dispatch(server, context, match);
    if (server.stopping()) response.keep_alive(false);
    if (request.method() == http::verb::head) {
      const auto length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    stream.expires_after(options.request_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kUseTuple);
    state->busy = false;
    if (write_ec || !response.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  server.untrack(tracking);
}

}  // namespace cc::net::detail
