#pragma once
// The agents' WebSocket sessions on this instance, by agent id. Delivers each agent event to
// every session of its agent. A session that is replaying missed events buffers live ones until
// the replay is done, then sends those the replay did not contain, so a resume neither loses nor
// repeats an event. (Live events are never dropped for arriving after a higher seq: two writers
// may commit and publish in either order.)
// Thread-safe (one mutex; sending only queues on the connection).
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "cc/net/websocket_connection.hpp"
#include "cc/services/ports/agent_notifier.hpp"

namespace cc::api {

class AgentHub final : public services::AgentNotifier {
 public:
  struct Session {
    domain::Id agent_id = 0;
    std::shared_ptr<net::WebSocketConnection> connection;
    bool replaying = true;
    std::set<std::int64_t> replayed;  // kept: a live copy may arrive after the replay ends
    std::vector<std::pair<std::int64_t, std::string>> buffered;
  };

  std::shared_ptr<Session> attach(domain::Id agent_id,
                                  std::shared_ptr<net::WebSocketConnection> connection);
  // Sends one event read back from the store during a resume.
  void send_replayed(Session& session, const services::AgentEvent& event);
  void finish_replay(const std::shared_ptr<Session>& session);
  void detach(const std::shared_ptr<Session>& session);
  void deliver(const services::AgentEvent& event) override;
  std::size_t session_count() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<domain::Id, std::shared_ptr<Session>> sessions_;
};

std::string event_frame(const services::AgentEvent& event);  // {"type","seq","data"}

}  // namespace cc::api
