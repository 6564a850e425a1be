#pragma once
// Port: the cross-instance event bus (Redis pub/sub). publish() delivers to this instance's
// subscribers at once and to other instances' through the bus; it never blocks and may drop
// remote delivery while the bus is down (PostgreSQL stays the truth; clients resume from it).
#include <functional>
#include <string>

namespace cc::services {

class EventBus {
 public:
  using Subscriber = std::function<void(const std::string& payload)>;
  virtual ~EventBus() = default;
  virtual void publish(const std::string& topic, std::string payload) = 0;
  // Register before start-up completes; subscribers run on an I/O thread and must not block.
  virtual void subscribe(const std::string& topic, Subscriber subscriber) = 0;
  virtual bool connected() const = 0;
};

}  // namespace cc::services
