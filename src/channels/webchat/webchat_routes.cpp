#include "cc/channels/webchat/webchat_routes.hpp"

#include <charconv>
#include <set>
#include <nlohmann/json.hpp>

#include "cc/channels/webchat/visitor_token.hpp"
#include "cc/channels/webchat/webchat_sender.hpp"
#include "cc/crypto/random.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/domain/time_format.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::webchat {
namespace {

using boost::asio::awaitable;
using nlohmann::json;
namespace http = net::http;

constexpr const char* kVisitorIdType = "web_visitor";

// The widget runs on the customer's own site: its calls are cross-origin and carry no cookies.
net::Response with_cors(net::Response response) {
  response.set(http::field::access_control_allow_origin, "*");
  return response;
}

net::Response json_reply(const net::Request& request, http::status status, const json& body) {
  return with_cors(problem::json_response(request, status, body));
}

net::Response problem(const net::Request& request, const Error& error) {
  return with_cors(problem::problem_response(request, error));
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<json> json_body(const net::RequestContext& context, bool allow_empty) {
  if (allow_empty && context.request.body().empty()) return json::object();
  const auto type = context.header("Content-Type").value_or("");
  if (type.substr(0, type.find(';')) != "application/json") {
    return Error{ErrorCode::unsupported_media, "send the body as application/json", {}};
  }
  auto body = json::parse(context.request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{ErrorCode::malformed, "the body must be a JSON object", {}};
  }
  return body;
}

std::optional<std::string> string_field(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Builds the identifiers of a new session: the visitor id (verified: we issued it), a host-site
// identity (verified only with a valid signature) and a typed email (always claimed).
Result<std::vector<domain::Identifier>> session_identifiers(const json& body, const json& config,
                                                            const std::string& visitor_id) {
  std::vector<domain::Identifier> identifiers{{kVisitorIdType, visitor_id, true}};
  if (auto email = string_field(body, "email"); email && !email->empty()) {
    const auto normalized = domain::normalize_email(*email);
    if (!normalized) return Error::invalid("email is not a valid address", "/email");
    identifiers.push_back({"email", *normalized, false});
  }
  const auto identity = body.find("identity");
  if (identity == body.end() || identity->is_null()) return identifiers;
  if (!identity->is_object()) return Error::invalid("identity must be an object", "/identity");
  const auto type = string_field(*identity, "type").value_or("");
  if (!domain::is_web_identity_type(type)) {
    return Error::invalid("identity.type must be member_id, email or phone", "/identity/type");
  }
  const auto value = domain::normalize_identifier(type, string_field(*identity, "value").value_or(""));
  if (!value) return Error::invalid("identity.value does not fit its type", "/identity/value");
  const auto secret = config.value("identity_secret", std::string());
  const auto signature = string_field(*identity, "signature").value_or("");
  const bool verified = verify_identity_signature(secret, type, *value, signature);
  if (!signature.empty() && !verified) {
    return Error::unauthorized("identity.signature does not match");
  }
  identifiers.push_back({type, *value, verified});
  return identifiers;
}

awaitable<net::Response> start_session(WebchatContext& webchat, net::RequestContext& context) {
  const auto& request = context.request;
  domain::Id account_id = 0;
  const auto id_text = context.param("channel_account_id");
  std::from_chars(id_text.data(), id_text.data() + id_text.size(), account_id);
  auto account = co_await webchat.accounts.get(account_id);
  if (!account || account->channel != domain::Channel::webchat || !account->active) {
    co_return problem(request, account || account.error().code == ErrorCode::not_found
                                   ? Error::not_found("no such web chat channel")
                                   : account.error());
  }
  auto body = json_body(context, true);
  if (!body) co_return problem(request, body.error());
  const auto config = json::parse(account->config_json, nullptr, false);
  const auto visitor_id = crypto::new_uuid();
  auto identifiers = session_identifiers(*body, config.is_object() ? config : json::object(), visitor_id);
  if (!identifiers) co_return problem(request, identifiers.error());
  auto name = string_field(*body, "name");
  if (name && (name->size() > domain::kMaxNameBytes || !domain::is_valid_utf8(*name))) {
    co_return problem(request, Error::invalid("name must be at most 200 bytes of UTF-8", "/name"));
  }
  auto customer = co_await webchat.customers.resolve(std::move(*identifiers), name);
  if (!customer) co_return problem(request, customer.error());
  const VisitorClaims claims{visitor_id, *customer, account_id,
                             now_seconds() + std::chrono::duration_cast<std::chrono::seconds>(webchat.token_ttl).count()};
  co_return json_reply(request, http::status::created,
                       {{"visitor_token", issue_visitor_token(claims, webchat.secret_key)},
                        {"visitor_id", visitor_id},
                        {"expires_at", domain::format_time(domain::TimePoint(std::chrono::seconds(claims.expires_at)))}});
}

std::optional<VisitorClaims> visitor_of(WebchatContext& webchat, std::string_view token) {
  return verify_visitor_token(token, webchat.secret_key, now_seconds());
}

std::string_view bearer(const net::RequestContext& context) {
  const auto header = context.header("Authorization").value_or("");
  return header.substr(0, 7) == "Bearer " ? header.substr(7) : std::string_view{};
}

// Shared by REST and WebSocket sends: validates, then ingests (returns after COMMIT).
awaitable<Result<services::IngestResult>> ingest_visitor_message(WebchatContext& webchat,
                                                                  const VisitorClaims& visitor,
                                                                  const json& body) {
  const auto client_id = string_field(body, "client_message_id").value_or("");
  if (client_id.empty() || client_id.size() > domain::kMaxClientIdBytes) {
    co_return Error::invalid("client_message_id must be 1 to 128 characters", "/client_message_id");
  }
  const auto content = string_field(body, "content");
  if (!content) co_return Error::invalid("content must be a string", "/content");
  if (auto error = services::check_message_content(*content)) co_return *error;
  domain::InboundMessage message;
  message.channel_account_id = visitor.channel_account_id;
  message.channel = domain::Channel::webchat;
  message.provider_message_id = visitor.visitor_id + ":" + client_id;
  message.identifiers = {{kVisitorIdType, visitor.visitor_id, true}};
  message.content = *content;
  message.provider_time = std::chrono::system_clock::now();
  auto stored = co_await webchat.ingest.ingest(std::move(message));
  if (stored && !stored->duplicate) {
    // The visitor's other tabs show the message too (the sending tab drops it by id).
    webchat.bus.publish(kVisitorTopic,
                        visitor_event_payload(visitor.channel_account_id, visitor.customer_id,
                                              visitor_message_frame(stored->message, client_id)));
  }
  co_return stored;
}

awaitable<net::Response> post_message(WebchatContext& webchat, net::RequestContext& context) {
  const auto& request = context.request;
  const auto visitor = visitor_of(webchat, bearer(context));
  if (!visitor) co_return problem(request, Error::unauthorized("a valid visitor token is required"));
  auto body = json_body(context, false);
  if (!body) co_return problem(request, body.error());
  auto stored = co_await ingest_visitor_message(webchat, *visitor, *body);
  if (!stored) co_return problem(request, stored.error());
  auto reply = visitor_message_json(stored->message);
  reply["client_message_id"] = string_field(*body, "client_message_id").value_or("");
  reply["duplicate"] = stored->duplicate;
  co_return json_reply(request, stored->duplicate ? http::status::ok : http::status::created, reply);
}

awaitable<net::Response> list_messages(WebchatContext& webchat, net::RequestContext& context) {
  const auto& request = context.request;
  const auto visitor = visitor_of(webchat, bearer(context));
  if (!visitor) co_return problem(request, Error::unauthorized("a valid visitor token is required"));
  std::optional<domain::Id> after;
  if (auto text = context.query("after"); text && !text->empty()) {
    domain::Id id = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
    if (ec != std::errc{} || end != text->data() + text->size()) {
      co_return problem(request, Error::invalid("after must be a message id", "after"));
    }
    after = id;
  }
  auto page = co_await webchat.conversations.customer_history(visitor->customer_id,
                                                              visitor->channel_account_id, after, 200);
  if (!page) co_return problem(request, page.error());
  json items = json::array();
  for (const auto& message : page->items) items.push_back(visitor_message_json(message));
  co_return json_reply(request, http::status::ok,
                       {{"items", items},
                        {"next_cursor", page->next_cursor ? json(std::to_string(page->items.back().id))
                                                          : json(nullptr)}});
}

awaitable<net::Response> preflight(net::RequestContext& context) {
  auto response = with_cors(net::make_response(context.request, http::status::no_content, "", "text/plain"));
  response.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
  response.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  response.set(http::field::access_control_max_age, "600");
  co_return response;
}

void send_frame(net::WebSocketConnection& connection, std::string_view type, json data) {
  connection.send(json{{"type", type}, {"data", std::move(data)}}.dump(-1, ' ', false,
                                                                     json::error_handler_t::replace));
}

// Sends every message after `after`; returns the ids sent, for the hub's de-duplication.
awaitable<std::set<std::string>> send_backlog(WebchatContext& webchat,
                                              net::WebSocketConnection& connection,
                                              const VisitorClaims& visitor, domain::Id after) {
  std::set<std::string> sent;
  for (;;) {
    auto page = co_await webchat.conversations.customer_history(
        visitor.customer_id, visitor.channel_account_id, after, 200);
    if (!page) co_return sent;
    for (const auto& message : page->items) {
      connection.send(visitor_message_frame(message));
      sent.insert(std::to_string(message.id));
    }
    if (!page->next_cursor || page->items.empty()) co_return sent;
    after = page->items.back().id;
  }
}

awaitable<void> visitor_session(WebchatContext& webchat,
                                std::shared_ptr<net::WebSocketConnection> connection,
                                net::RequestContext& context) {
  auto token = std::string(bearer(context));
  if (token.empty()) token = context.query("token").value_or("");
  if (!co_await connection->accept(context.request)) co_return;
  const auto visitor = visitor_of(webchat, token);
  if (!visitor) {
    send_frame(*connection, "error", {{"status", 401}, {"detail", "a valid visitor token is required"}});
    connection->close(net::beast::websocket::close_code::policy_error);
    co_return;
  }
  const VisitorHub::Key key{visitor->channel_account_id, visitor->customer_id};
  auto session = webchat.hub.attach(key, connection);  // live frames buffer until the backlog is out
  send_frame(*connection, "session.ready", {{"visitor_id", visitor->visitor_id}});
  std::optional<domain::Id> after;
  if (auto text = context.query("after"); text && !text->empty()) {
    domain::Id id = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
    if (ec != std::errc{} || end != text->data() + text->size() || id < 0) {
      send_frame(*connection, "error", {{"status", 422}, {"detail", "after must be a message id"}});
    } else {
      after = id;
    }
  }
  std::set<std::string> sent;
  if (after) sent = co_await send_backlog(webchat, *connection, *visitor, *after);
  webchat.hub.finish_replay(*session, sent);
  auto last_typing = std::chrono::steady_clock::time_point{};

  while (auto text = co_await connection->read()) {
    const auto message = json::parse(*text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
      send_frame(*connection, "error", {{"status", 400}, {"detail", "frames must be JSON objects"}});
      continue;
    }
    const auto type = message.value("type", std::string());
    if (type == "ping") {
      send_frame(*connection, "pong", json::object());
    } else if (type == "typing") {
      // At most one typing notice a second reaches the agent, however fast the widget sends.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_typing < std::chrono::seconds(1)) continue;
      last_typing = now;
      co_await webchat.conversations.customer_typing(visitor->customer_id, visitor->channel_account_id);
    } else if (type == "message") {
      auto stored = co_await ingest_visitor_message(webchat, *visitor, message);
      const auto client_id = string_field(message, "client_message_id").value_or("");
      if (!stored) {
        send_frame(*connection, "error", {{"client_message_id", client_id},
                                          {"status", static_cast<int>(stored.error().code == ErrorCode::unavailable ? 503 : 422)},
                                          {"detail", stored.error().detail}});
        continue;
      }
      auto data = visitor_message_json(stored->message);
      data["client_message_id"] = client_id;
      data["duplicate"] = stored->duplicate;
      send_frame(*connection, "ack", std::move(data));
    }
  }
  webchat.hub.detach(key, session);
}

}  // namespace

void add_webchat_routes(net::Router& router, WebchatContext& webchat) {
  using http::verb;
  auto* w = &webchat;
  router.add(verb::post, "/widget/v1/{channel_account_id}/sessions",
             [w](net::RequestContext& c) { return start_session(*w, c); });
  router.add(verb::options, "/widget/v1/{channel_account_id}/sessions", preflight);
  router.add(verb::post, "/widget/v1/messages", [w](net::RequestContext& c) { return post_message(*w, c); });
  router.add(verb::get, "/widget/v1/messages", [w](net::RequestContext& c) { return list_messages(*w, c); });
  router.add(verb::options, "/widget/v1/messages", preflight);
  router.add_websocket("/widget/v1/ws", [w](std::shared_ptr<net::WebSocketConnection> connection,
                                            net::RequestContext& c) {
    return visitor_session(*w, std::move(connection), c);
  });
}

}  // namespace cc::channels::webchat
