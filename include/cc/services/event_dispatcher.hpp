#pragma once
// Persists agent events (which assigns their sequence numbers) and fans them out over the event
// bus, which reaches this instance's agent sessions and every other instance's. Concurrent emits
// share one store append (group commit: whatever arrives while one append runs goes into the
// next), so a burst of screen pops or assignments costs one commit, not one each. Shared by all
// services; thread-safe.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <vector>

#include "cc/async/completion.hpp"
#include "cc/async/group_commit_queue.hpp"

#include "cc/services/ports/agent_event_store.hpp"
#include "cc/services/ports/agent_notifier.hpp"
#include "cc/services/ports/domain_event_sink.hpp"
#include "cc/services/ports/event_bus.hpp"

namespace cc::services {

inline constexpr const char* kAgentEventTopic = "agent.events";
// Transient notifications (typing): not persisted, seq 0, lost if nobody listens.
inline constexpr const char* kAgentTransientTopic = "agent.transient";
inline constexpr const char* kCustomerTransientTopic = "customer.transient";

class EventDispatcher {
 public:
  EventDispatcher(AgentEventStore& store, EventBus& bus);
  // Routes bus deliveries of agent events to this instance's sessions.
  void attach(AgentNotifier& notifier);
  // Returns once the events are stored and published. Never throws: a failure is logged, and
  // clients recover by re-reading state. One call's events stay together and in order.
  boost::asio::awaitable<void> emit(std::vector<AgentEvent> events);
  boost::asio::awaitable<Result<std::vector<AgentEvent>>> since(domain::Id agent_id,
                                                                std::int64_t after_seq, int limit);
  // Typing indicators and the like: straight onto the bus, no sequence number.
  void notify_agent(domain::Id agent_id, std::string type, nlohmann::json data);
  // To the customer's live sessions on the conversation's channel (the web chat widget).
  void notify_customer(const domain::Conversation& conversation, std::string type,
                       nlohmann::json data);
  // Business events for integrations (outbound webhooks). Sinks are added at wiring time only.
  void add_sink(DomainEventSink& sink) { sinks_.push_back(&sink); }
  void publish(const std::string& type, nlohmann::json data, domain::Id conversation_id);

 private:
  struct PendingEmit {
    std::vector<AgentEvent> events;
    async::Completion<bool> completion;
  };
  void enqueue(PendingEmit pending, const boost::asio::any_io_executor& executor);
  boost::asio::awaitable<void> flush_loop();

  AgentEventStore& store_;
  EventBus& bus_;
  std::vector<DomainEventSink*> sinks_;
  async::GroupCommitQueue<PendingEmit> pending_;
};

std::string serialize_event(const AgentEvent& event);  // {"type","seq","data"} + agent_id
std::optional<AgentEvent> parse_event(const std::string& text);

}  // namespace cc::services
