#pragma once
// The web chat channel's outbound half: an agent's reply is published on the event bus to the
// visitor's sessions, wherever they are connected. A visitor who is offline reads it from the
// history when they come back, so publishing counts as sent. Redelivery after a crash is
// harmless: the widget drops a message id it already shows.
#include <nlohmann/json.hpp>

#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/event_bus.hpp"

namespace cc::channels::webchat {

class WebchatSender final : public services::ChannelSender {
 public:
  explicit WebchatSender(services::EventBus& bus) : bus_(bus) {}
  boost::asio::awaitable<services::SendOutcome> send(const services::OutboxItem& item) override;
  // Sending again is safe (see above), so an interrupted send is simply repeated.
  boost::asio::awaitable<services::ReconcileOutcome> reconcile(
      const services::OutboxItem& item) override {
    (void)item;
    co_return services::ReconcileOutcome{services::ReconcileOutcome::Kind::absent, {}};
  }

 private:
  services::EventBus& bus_;
};

// A message as the visitor sees it: {id, conversation_id, direction, sender_type, content,
// created_at}; REST bodies and WebSocket frames share it.
nlohmann::json visitor_message_json(const domain::Message& message);
// {"type":"message","data":{...visitor_message_json...}} as the widget reads it.
std::string visitor_message_frame(const domain::Message& message,
                                  const std::string& client_message_id = {});

}  // namespace cc::channels::webchat
