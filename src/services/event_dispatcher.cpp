#include "cc/services/event_dispatcher.hpp"

#include "cc/async/log.hpp"

namespace cc::services {

EventDispatcher::EventDispatcher(AgentEventStore& store, EventBus& bus) : store_(store), bus_(bus) {}

void EventDispatcher::attach(AgentNotifier& notifier) {
  bus_.subscribe(kAgentEventTopic, [&notifier](const std::string& payload) {
    if (auto event = parse_event(payload)) notifier.deliver(*event);
  });
}

boost::asio::awaitable<void> EventDispatcher::emit(std::vector<AgentEvent> events) {
  if (events.empty()) co_return;
  auto stored = co_await store_.append(std::move(events));
  if (!stored) {
    async::module_logger("services")->warn("agent events not stored: {}", stored.error().detail);
    co_return;
  }
  for (const auto& event : *stored) bus_.publish(kAgentEventTopic, serialize_event(event));
}

boost::asio::awaitable<Result<std::vector<AgentEvent>>> EventDispatcher::since(
    domain::Id agent_id, std::int64_t after_seq, int limit) {
  co_return co_await store_.since(agent_id, after_seq, limit);
}

std::string serialize_event(const AgentEvent& event) {
  return nlohmann::json{{"agent_id", event.agent_id},
                        {"type", event.type},
                        {"seq", event.seq},
                        {"data", event.data}}
      .dump();
}

std::optional<AgentEvent> parse_event(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  try {
    return AgentEvent{json.at("agent_id").get<domain::Id>(), json.at("type").get<std::string>(),
                      json.at("data"), json.at("seq").get<std::int64_t>()};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace cc::services
