#include "cc/channels/webchat/webchat_sender.hpp"

#include <nlohmann/json.hpp>

#include "cc/channels/webchat/visitor_hub.hpp"
#include "cc/domain/time_format.hpp"

namespace cc::channels::webchat {

nlohmann::json visitor_message_json(const domain::Message& message) {
  return {{"id", std::to_string(message.id)},
          {"conversation_id", std::to_string(message.conversation_id)},
          {"direction", domain::to_string(message.direction)},
          {"sender_type", message.sender_type},
          {"content", message.content},
          {"created_at", domain::format_time(message.created_at)}};
}

std::string visitor_message_frame(const domain::Message& message,
                                  const std::string& client_message_id) {
  auto data = visitor_message_json(message);
  if (!client_message_id.empty()) data["client_message_id"] = client_message_id;
  return nlohmann::json{{"type", "message"}, {"data", std::move(data)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::asio::awaitable<services::SendOutcome> WebchatSender::send(const services::OutboxItem& item) {
  bus_.publish(kVisitorTopic, visitor_event_payload(item.channel_account_id, item.customer_id,
                                                    visitor_message_frame(item.message)));
  co_return services::SendOutcome{services::SendOutcome::Kind::sent, {}, {}};
}

}  // namespace cc::channels::webchat
