#pragma once
// Port: receives business events after the change they describe has committed
// (conversation.created, message.created, conversation.assigned, conversation.closed,
// message.status ...). The outbound webhook service is one; the event names are those of
// the public webhook API. Called on whichever thread committed; must not block.
#include <nlohmann/json.hpp>
#include <string>

namespace cc::services {

struct DomainEvent {
  std::string type;        // noun.verb, e.g. message.created
  nlohmann::json data;     // the public JSON views (conversation, message ...)
  std::string order_key;   // events with the same key are delivered in order (conversation id)
};

class DomainEventSink {
 public:
  virtual ~DomainEventSink() = default;
  virtual void publish(DomainEvent event) = 0;
};

}  // namespace cc::services
