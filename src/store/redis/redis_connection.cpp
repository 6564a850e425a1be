#include "cc/store/redis/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/post.hpp>

#include "cc/async/log.hpp"

namespace cc::store {

// Carried through hiredis as privdata: the handler and whether it stays registered.
struct RedisConnection::Pending {
  RedisConnection* owner;
  ReplyHandler handler;
  bool persistent;
};

RedisConnection::RedisConnection(boost::asio::io_context& io, std::string host, int port,
                                 std::string name)
    : strand_(boost::asio::make_strand(io)),
      reconnect_timer_(strand_),
      host_(std::move(host)),
      port_(port),
      name_(std::move(name)) {}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) {
    context_->data = nullptr;
    redisAsyncFree(context_);
  }
}

void RedisConnection::start() {
  boost::asio::post(strand_, [this] { connect(); });
}

void RedisConnection::stop() {
  boost::asio::post(strand_, [this] {
    stopped_ = true;
    reconnect_timer_.cancel();
    if (context_ != nullptr) redisAsyncDisconnect(context_);
  });
}

void RedisConnection::connect() {
  if (stopped_ || context_ != nullptr) return;
  context_ = redisAsyncConnect(host_.c_str(), port_);
  if (context_ == nullptr || context_->err) {
    if (context_ != nullptr) {
      redisAsyncFree(context_);
      context_ = nullptr;
    }
    schedule_reconnect();
    return;
  }
  ++generation_;
  context_->data = this;
  context_->ev.data = this;
  context_->ev.addRead = &RedisConnection::hook_add_read;
  context_->ev.delRead = &RedisConnection::hook_del_read;
  context_->ev.addWrite = &RedisConnection::hook_add_write;
  context_->ev.delWrite = &RedisConnection::hook_del_write;
  context_->ev.cleanup = &RedisConnection::hook_cleanup;
  descriptor_.emplace(strand_, context_->c.fd);
  redisAsyncSetConnectCallback(context_, &RedisConnection::on_connect);
  redisAsyncSetDisconnectCallback(context_, &RedisConnection::on_disconnect);
}

void RedisConnection::schedule_reconnect() {
  if (stopped_) return;
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
  reconnect_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) connect();
  });
}

void RedisConnection::arm(bool for_write) {
  bool& busy = for_write ? writing_ : reading_;
  if (busy || !descriptor_) return;
  busy = true;
  const auto generation = generation_;
  descriptor_->async_wait(
      for_write ? boost::asio::posix::stream_descriptor::wait_write
                : boost::asio::posix::stream_descriptor::wait_read,
      [this, for_write, generation](boost::system::error_code ec) {
        if (generation != generation_) return;  // a handler of an earlier connection
        (for_write ? writing_ : reading_) = false;
        if (ec || context_ == nullptr) return;
        if (for_write && want_write_) {
          redisAsyncHandleWrite(context_);
        } else if (!for_write && want_read_) {
          redisAsyncHandleRead(context_);
        }
        // hiredis may have disconnected inside the call; arm() checks the descriptor again.
        if (context_ != nullptr && (for_write ? want_write_ : want_read_)) arm(for_write);
      });
}

void RedisConnection::hook_add_read(void* data) {
  auto* self = static_cast<RedisConnection*>(data);
  self->want_read_ = true;
  self->arm(false);
}
void RedisConnection::hook_del_read(void* data) { static_cast<RedisConnection*>(data)->want_read_ = false; }
void RedisConnection::hook_add_write(void* data) {
  auto* self = static_cast<RedisConnection*>(data);
  self->want_write_ = true;
  self->arm(true);
}
void RedisConnection::hook_del_write(void* data) {
  static_cast<RedisConnection*>(data)->want_write_ = false;
}

void RedisConnection::hook_cleanup(void* data) {
  auto* self = static_cast<RedisConnection*>(data);
  self->want_read_ = self->want_write_ = false;
  if (self->descriptor_) {
    self->descriptor_->release();  // hiredis closes the socket itself
    self->descriptor_.reset();
  }
  ++self->generation_;
  self->reading_ = self->writing_ = false;
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisConnection*>(context->data);
  if (self == nullptr) return;
  if (status != REDIS_OK) {
    // hiredis frees the context after a failed connect.
    self->context_ = nullptr;
    self->connected_ = false;
    self->schedule_reconnect();
    return;
  }
  self->backoff_ = std::chrono::milliseconds(100);
  self->connected_ = true;
  async::module_logger("store")->info("redis {} connected to {}:{}", self->name_, self->host_, self->port_);
  if (self->on_connected_) self->on_connected_();
}

void RedisConnection::on_disconnect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<RedisConnection*>(context->data);
  if (self == nullptr) return;
  self->context_ = nullptr;  // hiredis frees it after this callback
  const bool was_connected = self->connected_.exchange(false);
  if (was_connected && status != REDIS_OK) {
    async::module_logger("store")->warn("redis {} disconnected: {}", self->name_,
                                        context->errstr ? context->errstr : "unknown error");
  }
  boost::asio::post(self->strand_, [self] { self->schedule_reconnect(); });
}

void RedisConnection::on_reply(redisAsyncContext*, void* reply, void* privdata) {
  auto* pending = static_cast<Pending*>(privdata);
  if (pending == nullptr) return;
  if (pending->handler) pending->handler(static_cast<redisReply*>(reply));
  // A persistent (pub/sub) callback lives until the connection goes (reply == null then).
  if (!pending->persistent || reply == nullptr) delete pending;
}

void RedisConnection::command(std::vector<std::string> argv, ReplyHandler handler, bool persistent) {
  boost::asio::post(strand_, [this, argv = std::move(argv), handler = std::move(handler),
                              persistent]() mutable {
    send(std::move(argv), std::move(handler), persistent);
  });
}

void RedisConnection::send(std::vector<std::string> argv, ReplyHandler handler, bool persistent) {
  if (context_ == nullptr || !connected_) {
    if (handler) handler(nullptr);
    return;
  }
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* pending = new Pending{this, std::move(handler), persistent};
  if (redisAsyncCommandArgv(context_, &RedisConnection::on_reply, pending,
                            static_cast<int>(argv.size()), pointers.data(), lengths.data()) != REDIS_OK) {
    if (pending->handler) pending->handler(nullptr);
    delete pending;
  }
}

}  // namespace cc::store
