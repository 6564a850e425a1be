// GET /api/v1/ws: the agent's live event stream. The token comes in the Authorization header or,
// for browsers that cannot set headers on a WebSocket, in a first message
// {"type":"auth","token":"...","last_seq":N}, which must arrive within the hub's auth timeout
// (http.ws_auth_timeout_seconds) or the socket is closed with 1008. With last_seq (or
// ?last_seq=N) the session first replays every event after N, then goes live. While it is open
// the session re-reads the store when the bus may have lost events (GapFillSchedule), so an event
// stored during a Redis outage by another instance still reaches it, once.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "cc/api/agent_hub.hpp"
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/routes.hpp"
#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
constexpr int kReplayPage = 500;
constexpr auto kGapFillTick = std::chrono::seconds(1);
constexpr auto kUseTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

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

// Reads the first message when the upgrade request carried no token. A client that sends none
// within `timeout` is told so and closed with 1008, like one that sends a bad token (status 408 in
// the error frame, not 401: the workbench logs out on 401 but reconnects on anything else).
awaitable<std::optional<Hello>> read_hello(std::shared_ptr<net::WebSocketConnection> connection,
                                           Hello hello, std::chrono::milliseconds timeout) {
  if (!hello.token.empty()) co_return hello;
  boost::asio::steady_timer deadline(connection->executor(), timeout);
  std::weak_ptr<net::WebSocketConnection> weak = connection;
  deadline.async_wait([weak, timeout](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the first message came in time
    auto expired = weak.lock();
    if (!expired) return;
    send_control(*expired, "error",
                 {{"status", 408},
                  {"detail", "no auth message within " + std::to_string(timeout.count()) + " ms"}});
    expired->close(net::beast::websocket::close_code::policy_error);
  });
  auto first = co_await connection->read();
  deadline.cancel();
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

// One read of the store for the session: every event after its floor that it was not sent goes
// out in seq order, before the live ones that arrived meanwhile. False if the store failed.
awaitable<bool> read_stored(ApiContext& api, std::shared_ptr<AgentHub::Session> session) {
  const auto started = AgentHub::Clock::now();
  const auto floor = api.hub.begin_read(*session);
  bool complete = !floor.has_value();  // no floor yet: nothing to read
  std::int64_t after = floor.value_or(0);
  while (!complete) {
    auto events = co_await api.events.since(session->agent_id, after, kReplayPage);
    if (!events) break;
    for (const auto& event : *events) {
      api.hub.send_stored(*session, event);
      after = event.seq;
    }
    complete = events->size() < static_cast<std::size_t>(kReplayPage);
  }
  std::optional<AgentHub::Clock::time_point> settled_from;
  if (complete && floor) settled_from = started;
  api.hub.end_read(*session, settled_from);
  co_return complete;
}

// Runs beside the session until it ends: re-reads the store when GapFillSchedule says the bus
// may have lost events. Costs one timer and one atomic load a second while the bus is up, and an
// indexed read a minute.
awaitable<void> fill_gaps(ApiContext* api, std::shared_ptr<AgentHub::Session> session) {
  boost::asio::steady_timer tick(session->connection->executor());
  GapFillSchedule schedule({}, AgentHub::Clock::now(), api->bus.connected());
  for (;;) {
    tick.expires_after(kGapFillTick);
    auto [ec] = co_await tick.async_wait(kUseTuple);
    if (ec || !session->attached || !session->connection->is_open()) co_return;
    if (!schedule.due(AgentHub::Clock::now(), api->bus.connected())) continue;
    const bool read = co_await read_stored(*api, session);
    if (!read) async::module_logger("api")->warn("agent {}: stored events could not be re-read",
                                                 session->agent_id);
  }
}

awaitable<void> agent_session(ApiContext& api, std::shared_ptr<net::WebSocketConnection> connection,
                              net::RequestContext& context) {
  Hello hello{std::string(bearer_token(context)), parse_seq(context.query("last_seq").value_or(""))};
  if (!co_await connection->accept(context.request)) co_return;
  auto greeting = co_await read_hello(connection, std::move(hello), api.hub.auth_timeout());
  if (!greeting) co_return;
  auto principal = co_await api.auth.authenticate(greeting->token);
  if (!principal) {
    send_control(*connection, "error", {{"status", 401}, {"detail", principal.error().detail}});
    connection->close(net::beast::websocket::close_code::policy_error);
    co_return;
  }
  std::optional<std::int64_t> resume_after;
  if (greeting->last_seq > 0) resume_after = greeting->last_seq;
  auto session = api.hub.attach(principal->agent_id, connection, resume_after);
  send_control(*connection, "session.ready",
               {{"agent_id", std::to_string(principal->agent_id)}, {"resumed_after", greeting->last_seq}});
  bool replayed = true;
  if (resume_after) {
    replayed = co_await read_stored(api, session);
  } else {
    api.hub.end_read(*session, std::nullopt);
  }
  if (!replayed) {
    send_control(*connection, "error", {{"status", 503}, {"detail", "missed events could not be read"}});
  }
  async::spawn_logged(connection->executor(), fill_gaps(&api, session),
                      "agent event gap filler " + std::to_string(principal->agent_id));

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
