#include "cc/store/redis/redis_event_bus.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>

namespace cc::store {

RedisEventBus::RedisEventBus(boost::asio::io_context& io, std::string host, int port,
                             std::string instance_id, std::string channel)
    : local_(boost::asio::make_strand(io)),
      publisher_(io, host, port, "publisher"),
      subscriber_(io, host, port, "subscriber"),
      instance_id_(std::move(instance_id)),
      channel_(std::move(channel)) {
  subscriber_.on_connected([this] {
    subscriber_.command(
        {"SUBSCRIBE", channel_},
        [this](redisReply* reply) {
          // Pub/sub replies are arrays: ["message", channel, payload] (or a subscribe ack).
          if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) return;
          const auto* kind = reply->element[0];
          const auto* data = reply->element[2];
          if (kind->type != REDIS_REPLY_STRING || std::string_view(kind->str, kind->len) != "message" ||
              data->type != REDIS_REPLY_STRING) {
            return;
          }
          auto envelope = unwrap(std::string(data->str, data->len));
          if (!envelope || envelope->instance == instance_id_) return;
          deliver_locally(envelope->topic, envelope->payload);
        },
        true);
  });
}

void RedisEventBus::start() {
  publisher_.start();
  subscriber_.start();
}

void RedisEventBus::stop() {
  publisher_.stop();
  subscriber_.stop();
}

bool RedisEventBus::connected() const { return publisher_.connected() && subscriber_.connected(); }

void RedisEventBus::subscribe(const std::string& topic, Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_[topic].push_back(std::move(subscriber));
}

void RedisEventBus::deliver_locally(const std::string& topic, const std::string& payload) {
  std::vector<Subscriber> targets;
  {
    std::lock_guard lock(mutex_);
    if (auto it = subscribers_.find(topic); it != subscribers_.end()) targets = it->second;
  }
  for (const auto& target : targets) target(payload);
}

void RedisEventBus::publish(const std::string& topic, std::string payload) {
  publisher_.command({"PUBLISH", channel_, wrap(instance_id_, topic, payload)});
  boost::asio::post(local_, [this, topic, payload = std::move(payload)] {
    deliver_locally(topic, payload);
  });
}

std::string RedisEventBus::wrap(const std::string& instance, const std::string& topic,
                                const std::string& payload) {
  return instance + "\n" + topic + "\n" + payload;
}

std::optional<RedisEventBus::Envelope> RedisEventBus::unwrap(const std::string& message) {
  const auto first = message.find('\n');
  if (first == std::string::npos) return std::nullopt;
  const auto second = message.find('\n', first + 1);
  if (second == std::string::npos) return std::nullopt;
  return Envelope{message.substr(0, first), message.substr(first + 1, second - first - 1),
                  message.substr(second + 1)};
}

}  // namespace cc::store
