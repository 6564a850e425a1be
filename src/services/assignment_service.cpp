#include "cc/services/assignment_service.hpp"

#include "cc/async/log.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

AssignmentService::AssignmentService(AssignmentStore& store, EventDispatcher& events)
    : store_(store), events_(events) {}

boost::asio::awaitable<std::optional<domain::Conversation>> AssignmentService::try_assign(
    domain::Id conversation_id) {
  auto assigned = co_await store_.assign_least_busy(conversation_id);
  if (!assigned) {
    async::module_logger("services")->warn("assignment of conversation {} failed: {}",
                                           conversation_id, assigned.error().detail);
    co_return std::nullopt;
  }
  if (!*assigned) co_return std::nullopt;
  const auto& conversation = **assigned;
  std::vector<AgentEvent> events;
  const nlohmann::json data{{"conversation", to_json(conversation)}};
  events.push_back(make_event(*conversation.assignee_id, "conversation.assigned", data));
  co_await events_.emit(std::move(events));
  events_.publish("conversation.assigned", data, conversation.id);
  co_return conversation;
}

boost::asio::awaitable<int> AssignmentService::assign_waiting() {
  int assigned_count = 0;
  for (;;) {
    auto waiting = co_await store_.queued_conversation_ids(100);
    if (!waiting || waiting->empty()) break;
    int assigned_now = 0;
    for (const auto id : *waiting) {
      if (co_await try_assign(id)) ++assigned_now;
    }
    assigned_count += assigned_now;
    if (assigned_now == 0) break;  // nobody free any more
  }
  co_return assigned_count;
}

}  // namespace cc::services
