#include "cc/services/delivery_reports.hpp"

#include <array>

#include "cc/services/json_views.hpp"

namespace cc::services {
namespace {

bool known_status(const std::string& status) {
  static constexpr std::array<std::string_view, 5> kStatuses{"queued", "sent", "delivered",
                                                             "undelivered", "failed"};
  for (auto known : kStatuses) {
    if (status == known) return true;
  }
  return false;
}

// The workbench's send status (queued, sent, delivered, failed): a carrier's "undelivered" is a
// failure to the agent, who may retry on another channel.
std::string workbench_status(const std::string& delivery_status) {
  return delivery_status == "undelivered" ? "failed" : delivery_status;
}

}  // namespace

DeliveryReports::DeliveryReports(OutboxRepository& outbox, ConversationRepository& conversations,
                                 EventDispatcher& events)
    : outbox_(outbox), conversations_(conversations), events_(events) {}

boost::asio::awaitable<Status> DeliveryReports::record(domain::Id channel_account_id,
                                                       std::string provider_message_id,
                                                       std::string status, std::string error) {
  if (!known_status(status)) co_return Error::invalid("unknown delivery status", "/status");
  if (provider_message_id.empty()) co_return Error::invalid("missing provider message id");
  auto update = co_await outbox_.record_delivery(channel_account_id, std::move(provider_message_id),
                                                 status, std::move(error));
  if (!update) co_return update.error();
  if (!*update) co_return Error::not_found("no outbound message with this provider id");
  const auto& applied = **update;
  nlohmann::json data{{"conversation_id", id_text(applied.conversation_id)},
                      {"message_id", id_text(applied.message_id)},
                      {"delivery_status", applied.status},
                      {"status", workbench_status(applied.status)}};
  auto conversation = co_await conversations_.get(applied.conversation_id);
  if (conversation && conversation->assignee_id) {
    std::vector<AgentEvent> agent_events;
    agent_events.push_back(make_event(*conversation->assignee_id, "message.status", data));
    co_await events_.emit(std::move(agent_events));
  }
  events_.publish("message.status", std::move(data), applied.conversation_id);
  co_return Ok{};
}

}  // namespace cc::services
