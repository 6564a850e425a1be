#pragma once
// One hiredis async connection driven by Asio: hiredis asks to watch the socket for reading or
// writing through its event hooks, and a posix::stream_descriptor waits for readiness on the
// connection's strand. Reconnects by itself with backoff; while disconnected every command
// completes at once with a null reply. All methods are thread-safe (they post to the strand).
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace cc::store {

class RedisConnection {
 public:
  using ReplyHandler = std::function<void(redisReply* reply)>;  // reply is null on failure
  RedisConnection(boost::asio::io_context& io, std::string host, int port, std::string name);
  ~RedisConnection();

  void start();
  void stop();
  // Runs after every (re)connect, on the strand: used to (re)issue SUBSCRIBE.
  void on_connected(std::function<void()> hook) { on_connected_ = std::move(hook); }
  // A persistent handler keeps receiving replies (pub/sub messages).
  void command(std::vector<std::string> argv, ReplyHandler handler = {}, bool persistent = false);
  bool connected() const { return connected_.load(); }

 private:
  struct Pending;
  void connect();
  void schedule_reconnect();
  void arm(bool for_write);
  void send(std::vector<std::string> argv, ReplyHandler handler, bool persistent);

  static void hook_add_read(void* data);
  static void hook_del_read(void* data);
  static void hook_add_write(void* data);
  static void hook_del_write(void* data);
  static void hook_cleanup(void* data);
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer reconnect_timer_;
  std::string host_;
  int port_;
  std::string name_;
  redisAsyncContext* context_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> descriptor_;
  bool want_read_ = false, want_write_ = false, reading_ = false, writing_ = false;
  std::uint64_t generation_ = 0;
  std::chrono::milliseconds backoff_{100};
  bool stopped_ = false;
  std::atomic<bool> connected_{false};
  std::function<void()> on_connected_;
};

}  // namespace cc::store
