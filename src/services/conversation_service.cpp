#include "cc/services/conversation_service.hpp"

#include "cc/domain/access.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

ConversationService::ConversationService(ConversationRepository& conversations,
                                         EventDispatcher& events, OutboxDispatcher& outbox)
    : conversations_(conversations), events_(events), outbox_(outbox) {}

boost::asio::awaitable<Result<domain::Page<domain::Conversation>>> ConversationService::list(
    const domain::Principal& viewer, ConversationFilter filter) {
  ConversationQuery query{std::nullopt, filter.status, filter.channel, filter.after, filter.limit};
  if (!domain::sees_all_conversations(viewer.role)) query.only_for_agent = viewer.agent_id;
  co_return co_await conversations_.list(std::move(query));
}

boost::asio::awaitable<Result<domain::Conversation>> ConversationService::get(
    const domain::Principal& viewer, domain::Id id) {
  auto conversation = co_await conversations_.get(id);
  if (conversation && !domain::can_view_conversation(viewer, *conversation)) {
    // Not revealing that it exists to someone who may not see it.
    co_return Error::not_found("no such conversation");
  }
  co_return conversation;
}

boost::asio::awaitable<Result<domain::Page<domain::Message>>> ConversationService::messages(
    const domain::Principal& viewer, domain::Id id, std::optional<domain::Id> after, int limit) {
  auto conversation = co_await get(viewer, id);
  if (!conversation) co_return conversation.error();
  co_return co_await conversations_.messages(id, after, limit);
}

boost::asio::awaitable<Result<ReplyOutcome>> ConversationService::reply(
    const domain::Principal& author, domain::Id id, std::string content,
    std::optional<std::string> idempotency_key) {
  if (auto error = check_message_content(content)) co_return *error;
  auto conversation = co_await get(author, id);
  if (!conversation) co_return conversation.error();
  const bool was_queued = conversation->status == domain::ConversationStatus::queued;
  auto outcome = co_await conversations_.append_reply(id, author.agent_id, std::move(content),
                                                      std::move(idempotency_key));
  if (!outcome || outcome->replayed) co_return outcome;
  outbox_.wake();
  std::vector<AgentEvent> events;
  const auto& updated = outcome->conversation;
  events_.publish("message.created",
                  {{"conversation", to_json(updated)}, {"message", to_json(outcome->message)}},
                  updated.id);
  if (updated.assignee_id) {
    if (was_queued) {
      events.push_back(make_event(*updated.assignee_id, "conversation.assigned",
                                  {{"conversation", to_json(updated)}}));
    }
    events.push_back(make_event(*updated.assignee_id, "message.created",
                                {{"conversation", to_json(updated)},
                                 {"message", to_json(outcome->message)}}));
  }
  co_await events_.emit(std::move(events));
  co_return outcome;
}

boost::asio::awaitable<Result<ReplyOutcome>> ConversationService::send_automated(
    domain::Id conversation_id, std::string sender_type, std::string content) {
  if (sender_type != "bot" && sender_type != "system") {
    co_return Error::invalid("automated messages come from the bot or the system");
  }
  if (auto error = check_message_content(content)) co_return *error;
  auto outcome = co_await conversations_.append_automated(conversation_id, std::move(sender_type),
                                                          std::move(content));
  if (!outcome) co_return outcome;
  outbox_.wake();
  const auto& updated = outcome->conversation;
  const nlohmann::json data{{"conversation", to_json(updated)}, {"message", to_json(outcome->message)}};
  events_.publish("message.created", data, updated.id);
  std::vector<AgentEvent> events;
  if (updated.assignee_id) events.push_back(make_event(*updated.assignee_id, "message.created", data));
  co_await events_.emit(std::move(events));
  co_return outcome;
}

boost::asio::awaitable<Result<domain::Conversation>> ConversationService::close(
    const domain::Principal& actor, domain::Id id) {
  auto conversation = co_await get(actor, id);
  if (!conversation) co_return conversation;
  if (conversation->status == domain::ConversationStatus::closed) co_return conversation;  // idempotent
  auto closed = co_await conversations_.close(id);
  if (closed) {
    events_.publish("conversation.closed", {{"conversation", to_json(*closed)}}, closed->id);
  }
  if (closed && closed->assignee_id) {
    std::vector<AgentEvent> events;
    events.push_back(make_event(*closed->assignee_id, "conversation.closed",
                                {{"conversation", to_json(*closed)}}));
    co_await events_.emit(std::move(events));
  }
  co_return closed;
}

boost::asio::awaitable<Status> ConversationService::agent_typing(const domain::Principal& agent,
                                                                domain::Id id) {
  auto conversation = co_await get(agent, id);
  if (!conversation) co_return conversation.error();
  if (conversation->status == domain::ConversationStatus::closed) co_return Ok{};
  events_.notify_customer(*conversation, "typing",
                          {{"conversation_id", id_text(id)}, {"sender_type", "agent"}});
  co_return Ok{};
}

boost::asio::awaitable<void> ConversationService::customer_typing(domain::Id customer_id,
                                                                  domain::Id channel_account_id) {
  auto live = co_await conversations_.live_conversation(customer_id, channel_account_id);
  if (!live || !*live || !(*live)->assignee_id) co_return;
  const auto& conversation = **live;
  events_.notify_agent(*conversation.assignee_id, "conversation.typing",
                       {{"conversation_id", id_text(conversation.id)}, {"sender_type", "customer"}});
}

boost::asio::awaitable<Result<domain::Page<domain::Message>>>
ConversationService::customer_history(domain::Id customer_id, domain::Id channel_account_id,
                                      std::optional<domain::Id> after, int limit) {
  co_return co_await conversations_.customer_messages(customer_id, channel_account_id, after, limit);
}

}  // namespace cc::services
