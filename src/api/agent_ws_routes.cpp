// GET /api/v1/ws: the agent's live event stream. The token comes in the Authorization header or,
// for browsers that cannot set headers on a WebSocket, in a first message
// {"type":"auth","token":"...","last_seq":N}. With last_seq (or ?last_seq=N) the session first
// replays every event after N, then goes live.
#include <charconv>

#include "cc/api/agent_hub.hpp"
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/async/log.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
constexpr int kReplayPage = 500;

struct Hello {
  std::string token;
  std::int64_t last_seq = 0;
};

std::int64_t parse_seq(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value > 0 ? value : 0;
}

void send_control(net::WebSocketConnection& connection, std::string_view type, nlohmann::json data) {
  connection.send(nlohmann::json{{"type", type}, {"seq", 0}, {"data", std::move(data)}}.dump());
}

// Reads the first message when the upgrade request carried no token.
awaitable<std::optional<Hello>> read_hello(net::WebSocketConnection& connection, Hello hello) {
  if (!hello.token.empty()) co_return hello;
  auto first = co_await connection.read();
  if (!first) co_return std::nullopt;
  auto message = parse_json_object_text(*first);
  if (!message || message->value("type", "") != "auth" || !(*message)["token"].is_string()) {
    co_return Hello{};
  }
  hello.token = (*message)["token"].get<std::string>();
  if (auto seq = message->find("last_seq"); seq != message->end() && seq->is_number_integer()) {
    hello.last_seq = std::max<std::int64_t>(0, seq->get<std::int64_t>());
  }
  co_return hello;
}

awaitable<bool> replay_missed(ApiContext& api, AgentHub::Session& session, std::int64_t after) {
  for (;;) {
    auto events = co_await api.events.since(session.agent_id, after, kReplayPage);
    if (!events) co_return false;
    for (const auto& event : *events) {
      api.hub.send_replayed(session, event);
      after = event.seq;
    }
    if (events->size() < static_cast<std::size_t>(kReplayPage)) co_return true;
  }
}

awaitable<void> agent_session(ApiContext& api, std::shared_ptr<net::WebSocketConnection> connection,
                              net::RequestContext& context) {
  Hello hello{std::string(bearer_token(context)), parse_seq(context.query("last_seq").value_or(""))};
  if (!co_await connection->accept(context.request)) co_return;
  auto greeting = co_await read_hello(*connection, std::move(hello));
  if (!greeting) co_return;
  auto principal = co_await api.auth.authenticate(greeting->token);
  if (!principal) {
    send_control(*connection, "error", {{"status", 401}, {"detail", principal.error().detail}});
    connection->close(net::beast::websocket::close_code::policy_error);
    co_return;
  }
  auto session = api.hub.attach(principal->agent_id, connection);
  send_control(*connection, "session.ready",
               {{"agent_id", std::to_string(principal->agent_id)}, {"resumed_after", greeting->last_seq}});
  if (greeting->last_seq > 0) {
    const bool replayed = co_await replay_missed(api, *session, greeting->last_seq);
    if (!replayed) {
      send_control(*connection, "error", {{"status", 503}, {"detail", "missed events could not be read"}});
    }
  }
  api.hub.finish_replay(session);

  auto last_typing = std::chrono::steady_clock::time_point{};
  while (auto text = co_await connection->read()) {
    auto message = parse_json_object_text(*text);
    if (!message) continue;
    const auto type = message->value("type", "");
    if (type == "ping") {
      send_control(*connection, "pong", {});
    } else if (type == "typing") {
      // {"type":"typing","conversation_id":"12"}: relayed to the customer, at most once a second.
      const auto now = std::chrono::steady_clock::now();
      const auto id_text = message->value("conversation_id", "");
      domain::Id id = 0;
      std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
      if (id <= 0 || now - last_typing < std::chrono::seconds(1)) continue;
      last_typing = now;
      const auto relayed = co_await api.conversations.agent_typing(*principal, id);
      if (!relayed) send_control(*connection, "error", {{"status", 404}, {"detail", relayed.error().detail}});
    }
  }
  api.hub.detach(session);
}

}  // namespace

void add_agent_websocket_route(net::Router& router, ApiContext& api) {
  router.add_websocket("/api/v1/ws", [a = &api](std::shared_ptr<net::WebSocketConnection> connection,
                                                net::RequestContext& context) {
    return agent_session(*a, std::move(connection), context);
  });
}

}  // namespace cc::api
