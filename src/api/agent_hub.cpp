#include "cc/api/agent_hub.hpp"

namespace cc::api {

std::string event_frame(const services::AgentEvent& event) {
  return nlohmann::json{{"type", event.type}, {"seq", event.seq}, {"data", event.data}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::shared_ptr<AgentHub::Session> AgentHub::attach(
    domain::Id agent_id, std::shared_ptr<net::WebSocketConnection> connection,
    std::optional<std::int64_t> resume_after) {
  auto session = std::make_shared<Session>();
  session->agent_id = agent_id;
  session->connection = std::move(connection);
  std::lock_guard lock(mutex_);
  // A fresh session starts after the newest event this instance has seen: what came before is
  // history the client reads over REST, not something it missed.
  if (!resume_after && highest_seen_ > 0) resume_after = highest_seen_;
  session->ledger = AgentEventLedger(resume_after);
  sessions_.emplace(agent_id, session);
  return session;
}

std::optional<std::int64_t> AgentHub::begin_read(Session& session) {
  std::lock_guard lock(mutex_);
  session.reading = true;
  return session.ledger.floor();
}

void AgentHub::send_stored(Session& session, const services::AgentEvent& event) {
  std::lock_guard lock(mutex_);
  if (session.ledger.admit(event.seq, Clock::now())) session.connection->send(event_frame(event));
}

void AgentHub::end_read(Session& session, std::optional<Clock::time_point> complete_read_started) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  for (auto& [seq, frame] : session.buffered) {
    if (seq == 0 || session.ledger.admit(seq, now)) session.connection->send(std::move(frame));
  }
  session.buffered.clear();
  session.reading = false;
  if (complete_read_started) session.ledger.settle(*complete_read_started, kSettle);
}

void AgentHub::detach(const std::shared_ptr<Session>& session) {
  session->attached = false;
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
  highest_seen_ = std::max(highest_seen_, event.seq);
  auto [begin, end] = sessions_.equal_range(event.agent_id);
  if (begin == end) return;
  const auto now = Clock::now();
  for (auto it = begin; it != end; ++it) {
    auto& session = *it->second;
    if (!frame) frame = event_frame(event);
    if (session.reading && session.buffered.size() < kMaxBuffered) {
      session.buffered.emplace_back(event.seq, *frame);
    } else if (event.seq == 0 || session.ledger.admit(event.seq, now)) {  // seq 0: transient
      session.connection->send(*frame);
    }
  }
}

std::size_t AgentHub::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace cc::api
