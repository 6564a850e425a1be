#pragma once
// What the TCP listeners (SIP, SMTP) share: the accept loop (a fresh strand per connection, a
// refusal at the connection cap, a brief back-off after an accept error such as running out of
// descriptors instead of spinning) and the table of live connections that the cap counts and
// shutdown closes.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cc::net {

struct TcpAcceptHandlers {
  std::string name;                                              // "sip accept failed: ..." in the log
  std::function<bool()> at_capacity;                             // true: refuse this connection
  std::function<void(boost::asio::ip::tcp::socket&)> refuse;     // before the close: count, say why
  std::function<void(boost::asio::ip::tcp::socket)> serve;       // owns the socket from here on
};

// Ends when `stopping` is set or the acceptor is closed. `acceptor` and `stopping` belong to the listener, which outlives the loop (its shutdown closes
// the acceptor, which ends the loop). Run it on the acceptor's executor.
boost::asio::awaitable<void> run_tcp_accept_loop(boost::asio::io_context& io,
                                                 boost::asio::ip::tcp::acceptor& acceptor,
                                                 const std::atomic<bool>& stopping,
                                                 TcpAcceptHandlers handlers);

// Live connections by id. Holds weak pointers: a connection lives as long as its coroutines, and
// removes itself when they end. Thread-safe.
template <class Connection>
class ConnectionRegistry {
 public:
  std::uint64_t next_id() { return ++next_id_; }
  void add(std::uint64_t id, const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    connections_.emplace(id, connection);
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
  }
  std::shared_ptr<Connection> find(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.lock();
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }
  std::vector<std::shared_ptr<Connection>> live() const {
    std::vector<std::shared_ptr<Connection>> out;
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) out.push_back(std::move(connection));
    }
    return out;
  }

 private:
  std::atomic<std::uint64_t> next_id_{0};
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
};

}  // namespace cc::net
