#pragma once
// Web chat visitors connected to this instance, keyed by (channel account, customer): every tab
// of the same customer on the same site gets the agent's replies. Fed by the event bus topic
// kVisitorTopic, so a reply sent on any instance reaches the visitor wherever they are connected.
// Thread-safe.
#include <map>
#include <memory>
#include <mutex>

#include "cc/domain/types.hpp"
#include "cc/net/websocket_connection.hpp"
#include "cc/services/ports/event_bus.hpp"

namespace cc::channels::webchat {

inline constexpr const char* kVisitorTopic = "webchat.visitor";

class VisitorHub {
 public:
  using Key = std::pair<domain::Id, domain::Id>;  // channel account, customer

  void subscribe_to(services::EventBus& bus);
  void attach(Key key, const std::shared_ptr<net::WebSocketConnection>& connection);
  void detach(Key key, const std::shared_ptr<net::WebSocketConnection>& connection);
  // payload: {"channel_account_id", "customer_id", "frame"}; frame is sent as is.
  void deliver(const std::string& payload);
  std::size_t session_count() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<Key, std::shared_ptr<net::WebSocketConnection>> sessions_;
};

std::string visitor_event_payload(domain::Id channel_account_id, domain::Id customer_id,
                                  const std::string& frame);

}  // namespace cc::channels::webchat
