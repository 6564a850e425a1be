#pragma once
// Web chat visitors connected to this instance, keyed by (channel account, customer): every tab
// of the same customer on the same site gets the agent's replies. A session that is sending its
// backlog buffers live frames until the backlog is out, then sends those the backlog did not
// contain, so a reconnecting widget sees each message once. Fed by the event bus topic
// kVisitorTopic, so a reply sent on any instance reaches the visitor wherever they are connected.
// Thread-safe.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "cc/domain/types.hpp"
#include "cc/net/websocket_connection.hpp"
#include "cc/services/ports/event_bus.hpp"

namespace cc::channels::webchat {

inline constexpr const char* kVisitorTopic = "webchat.visitor";

class VisitorHub {
 public:
  using Key = std::pair<domain::Id, domain::Id>;  // channel account, customer

  void subscribe_to(services::EventBus& bus);
  struct Session {
    std::shared_ptr<net::WebSocketConnection> connection;
    bool replaying = true;
    std::vector<std::string> buffered;
    // Ids the backlog sent: a live copy of one of them (published after the backlog was read)
    // is dropped for the life of the session.
    std::set<std::string> backlog_ids;
  };

  std::shared_ptr<Session> attach(Key key, std::shared_ptr<net::WebSocketConnection> connection);
  // Ends the backlog phase: buffered frames go out unless they carry a message id already sent.
  void finish_replay(Session& session, const std::set<std::string>& sent_message_ids);
  void detach(Key key, const std::shared_ptr<Session>& session);
  // payload: {"channel_account_id", "customer_id", "frame"}; frame is sent as is.
  void deliver(const std::string& payload);
  std::size_t session_count() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<Key, std::shared_ptr<Session>> sessions_;
};

std::string visitor_event_payload(domain::Id channel_account_id, domain::Id customer_id,
                                  const std::string& frame);

}  // namespace cc::channels::webchat
