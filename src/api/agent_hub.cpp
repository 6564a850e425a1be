#include "cc/api/agent_hub.hpp"

namespace cc::api {

std::string event_frame(const services::AgentEvent& event) {
  return nlohmann::json{{"type", event.type}, {"seq", event.seq}, {"data", event.data}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::shared_ptr<AgentHub::Session> AgentHub::attach(
    domain::Id agent_id, std::shared_ptr<net::WebSocketConnection> connection) {
  auto session = std::make_shared<Session>();
  session->agent_id = agent_id;
  session->connection = std::move(connection);
  std::lock_guard lock(mutex_);
  sessions_.emplace(agent_id, session);
  return session;
}

void AgentHub::send_replayed(Session& session, const services::AgentEvent& event) {
  std::lock_guard lock(mutex_);
  if (!session.replayed.insert(event.seq).second) return;
  session.connection->send(event_frame(event));
}

void AgentHub::finish_replay(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  for (auto& [seq, frame] : session->buffered) {
    if (session->replayed.count(seq) == 0) session->connection->send(std::move(frame));
  }
  session->buffered.clear();
  session->replaying = false;
}

void AgentHub::detach(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  auto [begin, end] = sessions_.equal_range(session->agent_id);
  for (auto it = begin; it != end; ++it) {
    if (it->second == session) {
      sessions_.erase(it);
      return;
    }
  }
}

void AgentHub::deliver(const services::AgentEvent& event) {
  std::optional<std::string> frame;  // serialised once, only if someone listens
  std::lock_guard lock(mutex_);
  auto [begin, end] = sessions_.equal_range(event.agent_id);
  for (auto it = begin; it != end; ++it) {
    auto& session = *it->second;
    if (!frame) frame = event_frame(event);
    if (session.replaying) {
      session.buffered.emplace_back(event.seq, *frame);
    } else if (session.replayed.count(event.seq) == 0) {  // a late live copy of a replayed event
      session.connection->send(*frame);
    }
  }
}

std::size_t AgentHub::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace cc::api
