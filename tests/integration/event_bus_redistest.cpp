// RedisEventBus against a real Redis (CC_TEST_REDIS_HOST/PORT): a publish reaches this
// instance once and every other instance once; with Redis down, local delivery still works.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <condition_variable>
#include <cstdlib>
#include <thread>

#include "cc/store/redis/redis_event_bus.hpp"

namespace cc::store {
namespace {

struct Inbox {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> payloads;

  void add(const std::string& payload) {
    std::lock_guard lock(mutex);
    payloads.push_back(payload);
    changed.notify_all();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return payloads.size() >= count; });
  }
};

class Loop {
 public:
  Loop() : guard_(io.get_executor()), thread_([this] { io.run(); }) {}
  ~Loop() { stop(); }
  // Stops the loop thread; afterwards objects using `io` may be destroyed safely.
  void stop() {
    guard_.reset();
    io.stop();
    if (thread_.joinable()) thread_.join();
  }
  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

bool wait_until(const std::function<bool()>& condition) {
  for (int i = 0; i < 200 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return condition();
}

TEST(RedisEventBus, DeliversLocallyOnceAndToOtherInstancesOnce) {
  const char* host = std::getenv("CC_TEST_REDIS_HOST");
  const char* port = std::getenv("CC_TEST_REDIS_PORT");
  if (host == nullptr || port == nullptr) GTEST_FAIL() << "CC_TEST_REDIS_HOST/PORT are not set: run the suite through scripts/test";
  Loop loop;
  RedisEventBus a(loop.io, host, std::atoi(port), "instance-a", "cc:test-bus");
  RedisEventBus b(loop.io, host, std::atoi(port), "instance-b", "cc:test-bus");
  Inbox at_a, at_b;
  a.subscribe("t", [&](const std::string& p) { at_a.add(p); });
  b.subscribe("t", [&](const std::string& p) { at_b.add(p); });
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.connected() && b.connected(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // SUBSCRIBE round trip

  a.publish("t", "hello\nwith newline");
  ASSERT_TRUE(at_b.wait_for(1, std::chrono::seconds(3)));
  ASSERT_TRUE(at_a.wait_for(1, std::chrono::seconds(3)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // would an echo arrive?
  EXPECT_EQ(at_a.payloads, std::vector<std::string>{"hello\nwith newline"});
  EXPECT_EQ(at_b.payloads, std::vector<std::string>{"hello\nwith newline"});
  a.stop();
  b.stop();
  loop.stop();
}

TEST(RedisEventBus, WithoutRedisLocalSubscribersStillHearEverything) {
  Loop loop;
  RedisEventBus bus(loop.io, "127.0.0.1", 1, "lonely", "cc:test-bus");  // nothing listens on 1
  Inbox inbox;
  bus.subscribe("t", [&](const std::string& p) { inbox.add(p); });
  bus.start();
  bus.publish("t", "one");
  bus.publish("t", "two");
  ASSERT_TRUE(inbox.wait_for(2, std::chrono::seconds(3)));
  EXPECT_EQ(inbox.payloads, (std::vector<std::string>{"one", "two"}));
  EXPECT_FALSE(bus.connected());
  bus.stop();
  loop.stop();
}

TEST(RedisEventBus, EnvelopeCodecRoundTrips) {
  const auto wrapped = RedisEventBus::wrap("i-1", "agent.events", "{\"a\":\"x\\ny\"}\nz");
  const auto envelope = RedisEventBus::unwrap(wrapped);
  ASSERT_TRUE(envelope);
  EXPECT_EQ(envelope->instance, "i-1");
  EXPECT_EQ(envelope->topic, "agent.events");
  EXPECT_EQ(envelope->payload, "{\"a\":\"x\\ny\"}\nz");
  EXPECT_FALSE(RedisEventBus::unwrap("no-newlines"));
}

}  // namespace
}  // namespace cc::store
