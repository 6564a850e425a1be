#pragma once
// The SIP transport (RFC 3261 18): one UDP socket and one TCP acceptor on the same port. UDP
// datagrams and TCP messages (framed by Content-Length, which is mandatory on a stream) go to
// the handler with their source; send() answers a source. Limits: message size, connection
// cap, idle timeout. Knows no SIP semantics beyond framing. Thread-safe.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cc/metrics/registry.hpp"
#include "cc/net/sip_framing.hpp"
#include "cc/net/tcp_accept_loop.hpp"

namespace cc::net {

struct SipTransportOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 5060;  // 0: the kernel chooses (UDP), TCP takes the same number
  std::size_t max_message_bytes = 16 * 1024;
  std::size_t max_connections = 256;
  std::chrono::seconds idle_timeout{120};
};

struct SipEndpoint {
  std::string address;
  std::uint16_t port = 0;
  bool reliable = false;
  std::uint64_t connection_id = 0;  // TCP only
};

using SipMessageHandler = std::function<void(std::string message, SipEndpoint from)>;

class SipTransport {
 public:
  SipTransport(boost::asio::io_context& io, SipTransportOptions options, SipMessageHandler handler,
               metrics::Registry& metrics);
  ~SipTransport();

  void start();  // binds both; throws when it cannot
  std::uint16_t port() const { return port_; }
  void send(const SipEndpoint& to, std::string data);
  boost::asio::awaitable<void> shutdown();

 private:
  struct Connection;
  boost::asio::awaitable<void> udp_loop();
  void serve_connection(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Connection> connection);
  boost::asio::awaitable<void> idle_watch(std::shared_ptr<Connection> connection);
  static boost::asio::awaitable<void> drain_writes(std::shared_ptr<Connection> connection);
  std::size_t connection_count() const;

  boost::asio::io_context& io_;
  SipTransportOptions options_;
  SipMessageHandler handler_;
  metrics::Registry& metrics_;
  boost::asio::strand<boost::asio::io_context::executor_type> udp_strand_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  ConnectionRegistry<Connection> connections_;
};

}  // namespace cc::net
