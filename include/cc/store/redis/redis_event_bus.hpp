#pragma once
// The cross-instance event bus on Redis pub/sub: one channel, each message prefixed with the
// publishing instance's id and the topic, so an instance ignores its own echoes (it delivered
// those locally already). Owned by app/; thread-safe.
#include <map>
#include <mutex>
#include <vector>

#include "cc/services/ports/event_bus.hpp"
#include "cc/store/redis/redis_connection.hpp"

namespace cc::store {

class RedisEventBus final : public services::EventBus {
 public:
  RedisEventBus(boost::asio::io_context& io, std::string host, int port, std::string instance_id,
                std::string channel = "cc:bus");
  void start();
  void stop();

  void publish(const std::string& topic, std::string payload) override;
  void subscribe(const std::string& topic, Subscriber subscriber) override;
  bool connected() const override;

  // Envelope codec, public for tests: "<instance>\n<topic>\n<payload>".
  static std::string wrap(const std::string& instance, const std::string& topic,
                          const std::string& payload);
  struct Envelope {
    std::string instance, topic, payload;
  };
  static std::optional<Envelope> unwrap(const std::string& message);

 private:
  void deliver_locally(const std::string& topic, const std::string& payload);

  boost::asio::strand<boost::asio::io_context::executor_type> local_;  // keeps local order
  RedisConnection publisher_;
  RedisConnection subscriber_;
  std::string instance_id_;
  std::string channel_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Subscriber>> subscribers_;
};

}  // namespace cc::store
