#include "cc/services/outbox_service.hpp"

namespace cc::services {

OutboxService::OutboxService(OutboxRepository& outbox, OutboxDispatcher& dispatcher,
                             ConversationService& conversations, CircuitBoard& circuits)
    : outbox_(outbox), dispatcher_(dispatcher), conversations_(conversations), circuits_(circuits) {}

boost::asio::awaitable<Result<domain::Page<OutboxEntry>>> OutboxService::list(
    const domain::Principal& viewer, OutboxQuery query) {
  if (!domain::sees_all_conversations(viewer.role)) {
    // An agent lists the delivery of one conversation they can see.
    if (!query.conversation_id) {
      co_return Error::forbidden("agents list the outbox of one conversation (conversation_id)");
    }
    auto visible = co_await conversations_.get(viewer, *query.conversation_id);
    if (!visible) co_return visible.error();
  }
  co_return co_await outbox_.list(std::move(query));
}

boost::asio::awaitable<Result<OutboxEntry>> OutboxService::retry(const domain::Principal& actor,
                                                                 domain::Id outbox_id) {
  auto entry = co_await outbox_.get(outbox_id);
  if (!entry) co_return entry.error();
  auto visible = co_await conversations_.get(actor, entry->conversation_id);
  if (!visible) co_return Error::not_found("no such outbox entry");
  auto requeued = co_await outbox_.requeue(outbox_id);
  if (requeued) dispatcher_.wake();
  co_return requeued;
}

}  // namespace cc::services
