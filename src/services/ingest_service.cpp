#include "cc/services/ingest_service.hpp"

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

IngestService::IngestService(boost::asio::any_io_executor executor, IngestStore& store,
                             ConversationRouter& router, AssignmentService& assignment,
                             AgentRepository& agents,
                             EventDispatcher& events, metrics::Registry& metrics,
                             IngestOptions options)
    : executor_(std::move(executor)),
      store_(store),
      router_(router),
      assignment_(assignment),
      agents_(agents),
      events_(events),
      options_(options),
      ingested_(metrics.counter("cc_messages_ingested_total", "Inbound messages durably stored")),
      duplicates_(metrics.counter("cc_messages_duplicate_total",
                                  "Inbound messages recognised as provider retries")),
      batch_seconds_(metrics.histogram("cc_ingest_batch_seconds",
                                       "Time to commit one ingest batch")) {}

boost::asio::awaitable<Result<IngestResult>> IngestService::ingest(domain::InboundMessage message) {
  return async::await_completion<Result<IngestResult>>(
      [this, message = std::move(message)](auto completion) mutable {
        enqueue(Pending{std::move(message), std::move(completion)});
      });
}

void IngestService::enqueue(Pending pending) {
  if (pending_.push(pending) != async::Pushed::start_loop) return;  // the running loop takes it
  async::spawn_logged(executor_, flush_loop(), "ingest flush loop");
}

boost::asio::awaitable<void> IngestService::flush_loop() {
  for (;;) {
    auto batch = pending_.take(options_.max_batch);
    if (batch.empty()) co_return;
    std::vector<domain::InboundMessage> messages;
    messages.reserve(batch.size());
    std::vector<bool> routable;
    routable.reserve(batch.size());
    for (auto& item : batch) {
      routable.push_back(item.message.routable);
      messages.push_back(std::move(item.message));  // not read again
    }

    const auto started = std::chrono::steady_clock::now();
    Result<std::vector<Result<IngestResult>>> stored = Error::unavailable("not attempted");
    try {
      stored = co_await store_.store_batch(std::move(messages));
    } catch (const std::exception& e) {
      async::module_logger("services")->error("ingest batch of {} failed: {}", batch.size(), e.what());
      stored = Error::unavailable("the message store failed");
    }
    batch_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

    if (!stored) {
      for (auto& item : batch) std::move(item.completion).succeed(stored.error());
      continue;
    }
    std::vector<IngestResult> committed;
    committed.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto& result = stored.value()[i];
      if (result) {
        result->routable = routable[i];
        (result->duplicate ? duplicates_ : ingested_).inc();
        committed.push_back(*result);
      }
      std::move(batch[i].completion).succeed(std::move(result));
    }
    // Assignment and events follow the acknowledgement; they do not hold up the next batch's
    // callers beyond this loop's own pace.
    co_await after_commit(std::move(committed));
  }
}

boost::asio::awaitable<std::map<domain::Id, domain::Conversation>> IngestService::route_batch(
    const std::vector<IngestResult>& results) {
  std::vector<RoutingPlan> plans;
  std::set<domain::Id> planned;
  for (const auto& result : results) {
    const auto& conversation = result.conversation;
    // Auto-replies, opt-out keywords and the like are kept on record but never queue work.
    if (result.duplicate || conversation.assignee_id || !result.routable) continue;
    if (planned.contains(conversation.id)) continue;  // one plan per conversation and batch
    RoutingDecision decision;
    try {
      decision = co_await router_.route(result);
    } catch (const std::exception& e) {
      async::module_logger("services")->error("routing conversation {} failed: {}",
                                              conversation.id, e.what());
      continue;
    }
    if (decision.kind != RoutingDecision::Kind::queue || !decision.plan) continue;
    planned.insert(conversation.id);
    plans.push_back(std::move(*decision.plan));
  }
  std::map<domain::Id, domain::Conversation> assigned;
  // One enqueue and one matching round for the whole batch.
  auto now_assigned = co_await assignment_.enqueue_and_assign(std::move(plans));
  for (auto& conversation : now_assigned) {
    const auto id = conversation.id;
    assigned.emplace(id, std::move(conversation));
  }
  co_return assigned;
}

boost::asio::awaitable<void> IngestService::after_commit(std::vector<IngestResult> results) {
  std::vector<AgentEvent> events;
  std::optional<std::vector<domain::Id>> online;  // fetched once per batch, when needed
  for (const auto& result : results) {
    if (!result.duplicate && result.conversation_created) {
      events_.publish("conversation.created", {{"conversation", to_json(result.conversation)}},
                      result.conversation.id);
    }
  }
  const auto assigned = co_await route_batch(results);
  for (auto& result : results) {
    if (result.duplicate) continue;
    auto& conversation = result.conversation;
    if (const auto it = assigned.find(conversation.id); it != assigned.end()) {
      conversation = it->second;
    }
    const nlohmann::json data{{"conversation", to_json(conversation)},
                              {"message", to_json(result.message)}};
    events_.publish("message.created", data, conversation.id);
    if (conversation.assignee_id) {
      events.push_back(make_event(*conversation.assignee_id, "message.created", data));
      continue;
    }
    if (!result.routable) continue;
    // Still queued: every online agent sees the queue grow.
    if (!online) {
      auto ids = co_await agents_.online_agent_ids();
      online = ids ? std::move(ids).value() : std::vector<domain::Id>{};
    }
    for (const auto agent_id : *online) events.push_back(make_event(agent_id, "message.created", data));
  }
  co_await events_.emit(std::move(events));
  if (observers_.empty()) co_return;
  std::erase_if(results, [](const IngestResult& result) { return result.duplicate; });
  for (auto* observer : observers_) co_await observer->on_ingested(results);
}

}  // namespace cc::services
