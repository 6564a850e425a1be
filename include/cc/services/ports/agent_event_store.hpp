#pragma once
// Port: the per-agent event log behind WebSocket resume. The sequence is the row id: monotonic
// per agent across every instance, so a reconnecting client asks for everything after the last
// one it saw.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct AgentEvent {
  domain::Id agent_id = 0;
  std::string type;  // noun.verb, e.g. message.created
  nlohmann::json data;
  std::int64_t seq = 0;  // assigned by the store
};

// Builds an event; a function rather than brace-init because GCC 12 miscompiles aggregate
// initialisers with string literals inside co_await expressions.
inline AgentEvent make_event(domain::Id agent_id, std::string type, nlohmann::json data) {
  AgentEvent event;
  event.agent_id = agent_id;
  event.type = std::move(type);
  event.data = std::move(data);
  return event;
}

class AgentEventStore {
 public:
  virtual ~AgentEventStore() = default;
  virtual boost::asio::awaitable<Result<std::vector<AgentEvent>>> append(
      std::vector<AgentEvent> events) = 0;
  virtual boost::asio::awaitable<Result<std::vector<AgentEvent>>> since(domain::Id agent_id,
                                                                        std::int64_t after_seq,
                                                                        int limit) = 0;
};

}  // namespace cc::services
