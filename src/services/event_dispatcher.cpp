#include "cc/services/event_dispatcher.hpp"

#include <boost/asio/this_coro.hpp>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"

namespace cc::services {

EventDispatcher::EventDispatcher(AgentEventStore& store, EventBus& bus) : store_(store), bus_(bus) {}

void EventDispatcher::attach(AgentNotifier& notifier) {
  auto deliver = [&notifier](const std::string& payload) {
    if (auto event = parse_event(payload)) notifier.deliver(*event);
  };
  bus_.subscribe(kAgentEventTopic, deliver);
  bus_.subscribe(kAgentTransientTopic, deliver);
}

void EventDispatcher::notify_agent(domain::Id agent_id, std::string type, nlohmann::json data) {
  bus_.publish(kAgentTransientTopic,
               serialize_event(make_event(agent_id, std::move(type), std::move(data))));
}

void EventDispatcher::notify_customer(const domain::Conversation& conversation, std::string type,
                                      nlohmann::json data) {
  bus_.publish(kCustomerTransientTopic,
               nlohmann::json{{"channel", domain::to_string(conversation.channel)},
                              {"channel_account_id", conversation.channel_account_id},
                              {"customer_id", conversation.customer_id},
                              {"type", std::move(type)},
                              {"data", std::move(data)}}
                   .dump());
}

namespace {
constexpr std::size_t kMaxEmitsPerAppend = 200;  // one emit carries a handful of events
}  // namespace

boost::asio::awaitable<void> EventDispatcher::emit(std::vector<AgentEvent> events) {
  if (events.empty()) co_return;
  const boost::asio::any_io_executor executor = co_await boost::asio::this_coro::executor;
  auto start = [this, events = std::move(events), executor](auto completion) mutable {
    enqueue(PendingEmit{std::move(events), std::move(completion)}, executor);
  };
  co_await async::await_completion<bool>(std::move(start));
}

void EventDispatcher::enqueue(PendingEmit pending, const boost::asio::any_io_executor& executor) {
  if (pending_.push(pending) != async::Pushed::start_loop) return;  // the running loop takes it
  async::spawn_logged(executor, flush_loop(), "agent event flush loop");
}

boost::asio::awaitable<void> EventDispatcher::flush_loop() {
  for (;;) {
    auto batch = pending_.take(kMaxEmitsPerAppend);
    if (batch.empty()) co_return;
    std::vector<AgentEvent> events;
    for (auto& item : batch) {
      for (auto& event : item.events) events.push_back(std::move(event));
    }
    Result<std::vector<AgentEvent>> stored = Error::unavailable("not attempted");
    try {
      stored = co_await store_.append(std::move(events));
    } catch (const std::exception& e) {
      stored = Error::unavailable(e.what());
    }
    if (!stored) {
      async::module_logger("services")->warn("agent events not stored: {}", stored.error().detail);
    } else {
      for (const auto& event : *stored) bus_.publish(kAgentEventTopic, serialize_event(event));
    }
    for (auto& item : batch) std::move(item.completion).succeed(true);
  }
}

boost::asio::awaitable<Result<std::vector<AgentEvent>>> EventDispatcher::since(
    domain::Id agent_id, std::int64_t after_seq, int limit) {
  co_return co_await store_.since(agent_id, after_seq, limit);
}

void EventDispatcher::publish(const std::string& type, nlohmann::json data,
                              domain::Id conversation_id) {
  for (auto* sink : sinks_) {
    sink->publish(DomainEvent{type, data, std::to_string(conversation_id)});
  }
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
