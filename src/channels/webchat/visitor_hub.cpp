#include "cc/channels/webchat/visitor_hub.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "cc/services/event_dispatcher.hpp"

namespace cc::channels::webchat {

std::string visitor_event_payload(domain::Id channel_account_id, domain::Id customer_id,
                                  const std::string& frame) {
  return nlohmann::json{{"channel_account_id", channel_account_id},
                        {"customer_id", customer_id},
                        {"frame", frame}}
      .dump();
}

void VisitorHub::subscribe_to(services::EventBus& bus) {
  bus.subscribe(kVisitorTopic, [this](const std::string& payload) { deliver(payload); });
  // Transient notices for customers (an agent typing) arrive channel-neutral; keep ours.
  bus.subscribe(services::kCustomerTransientTopic, [this](const std::string& payload) {
    const auto notice = nlohmann::json::parse(payload, nullptr, false);
    if (notice.is_discarded() || notice.value("channel", "") != "webchat") return;
    try {
      const auto frame = nlohmann::json{{"type", notice.at("type")}, {"data", notice.at("data")}}.dump();
      deliver(visitor_event_payload(notice.at("channel_account_id").get<domain::Id>(),
                                    notice.at("customer_id").get<domain::Id>(), frame));
    } catch (const nlohmann::json::exception&) {
      // a malformed notice from another instance: nothing to deliver
    }
  });
}

std::shared_ptr<VisitorHub::Session> VisitorHub::attach(
    Key key, std::shared_ptr<net::WebSocketConnection> connection) {
  auto session = std::make_shared<Session>();
  session->connection = std::move(connection);
  std::lock_guard lock(mutex_);
  sessions_.emplace(key, session);
  return session;
}

// The message id of a {"type":"message","data":{"id":...}} frame, or empty.
static std::string message_id_of(const std::string& frame) {
  const auto parsed = nlohmann::json::parse(frame, nullptr, false);
  if (parsed.is_discarded() || parsed.value("type", "") != "message") return {};
  const auto data = parsed.find("data");
  if (data == parsed.end() || !data->is_object()) return {};
  return data->value("id", "");
}

// True when the message id (empty for frames that carry no message) was in the session's backlog.
static bool repeats_backlog(const VisitorHub::Session& session, const std::string& message_id) {
  return !message_id.empty() && session.backlog_ids.count(message_id) > 0;
}

void VisitorHub::finish_replay(Session& session, const std::set<std::string>& sent_message_ids) {
  std::lock_guard lock(mutex_);
  session.backlog_ids = sent_message_ids;
  for (auto& frame : session.buffered) {
    if (!repeats_backlog(session, message_id_of(frame))) session.connection->send(std::move(frame));
  }
  session.buffered.clear();
  session.replaying = false;
}

void VisitorHub::detach(Key key, const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = sessions_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second == session) {
      sessions_.erase(it);
      return;
    }
  }
}

void VisitorHub::deliver(const std::string& payload) {
  const auto event = nlohmann::json::parse(payload, nullptr, false);
  if (event.is_discarded() || !event.is_object()) return;
  Key key;
  std::string frame;
  try {
    key = {event.at("channel_account_id").get<domain::Id>(), event.at("customer_id").get<domain::Id>()};
    frame = event.at("frame").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return;
  }
  std::optional<std::string> message_id;  // parsed once, and only if a session needs it
  std::lock_guard lock(mutex_);
  auto [begin, end] = sessions_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    auto& session = *it->second;
    if (session.replaying) {
      session.buffered.push_back(frame);
    } else {
      if (!session.backlog_ids.empty() && !message_id) message_id = message_id_of(frame);
      if (!message_id || !repeats_backlog(session, *message_id)) session.connection->send(frame);
    }
  }
}

std::size_t VisitorHub::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace cc::channels::webchat
