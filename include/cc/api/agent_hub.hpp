#pragma once
// The agents' WebSocket sessions on this instance, by agent id. Delivers each agent event to
// every session of its agent, once (AgentEventLedger). A session that is reading stored events
// (its resume replay, or a re-read to fill what the bus lost: agent_ws_routes.cpp) buffers live
// ones meanwhile and sends those the read did not contain after it, so stored events go out in
// seq order before newer live ones and nothing is sent twice. (Live events are never dropped for
// arriving after a higher seq: two writers may commit and publish in either order.)
// Thread-safe (one mutex; sending only queues on the connection).
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cc/api/agent_event_ledger.hpp"
#include "cc/net/websocket_connection.hpp"
#include "cc/services/ports/agent_notifier.hpp"

namespace cc::api {

class AgentHub final : public services::AgentNotifier {
 public:
  using Clock = std::chrono::steady_clock;
  // Bounds the time between a seq being taken and its row committing; see AgentEventLedger.
  static constexpr Clock::duration kSettle = std::chrono::seconds(15);
  // Live events held back during a store read; past this they go out at once (still once each).
  static constexpr std::size_t kMaxBuffered = 4096;

  struct Session {
    domain::Id agent_id = 0;
    std::shared_ptr<net::WebSocketConnection> connection;
    std::atomic<bool> attached{true};
    // Guarded by the hub's mutex:
    AgentEventLedger ledger;
    bool reading = true;  // a store read is running: live events wait in `buffered`
    std::vector<std::pair<std::int64_t, std::string>> buffered;
  };

  // resume_after: the client's last seq (> 0) or nullopt. The session starts reading: call
  // end_read once its replay (if any) is done.
  std::shared_ptr<Session> attach(domain::Id agent_id,
                                  std::shared_ptr<net::WebSocketConnection> connection,
                                  std::optional<std::int64_t> resume_after);
  // Starts a store read for the session: the seq to read after, or nullopt when the session has
  // no floor yet (nothing to read; call end_read anyway).
  std::optional<std::int64_t> begin_read(Session& session);
  // Sends one event read back from the store, unless the session already had it.
  void send_stored(Session& session, const services::AgentEvent& event);
  // complete_read_started: when a read that got every page began (lets the floor rise).
  void end_read(Session& session, std::optional<Clock::time_point> complete_read_started);
  void detach(const std::shared_ptr<Session>& session);
  void deliver(const services::AgentEvent& event) override;
  std::size_t session_count() const;

  // Time a client that authenticates with a first message has to send it.
  void set_auth_timeout(std::chrono::milliseconds timeout) { auth_timeout_ = timeout; }
  std::chrono::milliseconds auth_timeout() const { return auth_timeout_; }

 private:
  mutable std::mutex mutex_;
  std::multimap<domain::Id, std::shared_ptr<Session>> sessions_;
  std::int64_t highest_seen_ = 0;  // over all agents: a fresh session's floor
  std::chrono::milliseconds auth_timeout_{std::chrono::seconds(10)};
};

std::string event_frame(const services::AgentEvent& event);  // {"type","seq","data"}

}  // namespace cc::api
