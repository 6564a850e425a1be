#pragma once
// The SMTP listener: accepts connections up to a cap, runs one SmtpSession per connection on its
// own strand with read deadlines, optional STARTTLS, and hands each complete message to the
// deliver callback. The reply to DATA is whatever that callback returns, so 250 goes out only
// after the caller has committed the message. Knows no domain.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "cc/metrics/registry.hpp"
#include "cc/net/smtp_session.hpp"
#include "cc/net/tcp_accept_loop.hpp"

namespace cc::net {

struct SmtpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 2525;  // 0: the kernel chooses (tests); see port()
  SmtpSessionOptions session;
  std::chrono::seconds command_timeout{300};  // RFC 5321 4.5.3.2.7: at least 5 minutes
  std::chrono::seconds data_timeout{600};     // between two reads inside DATA
  std::size_t max_connections = 200;
  std::string tls_certificate_file;  // PEM chain; STARTTLS is offered when both files are set
  std::string tls_private_key_file;
};

using SmtpRecipientCheck = std::function<boost::asio::awaitable<SmtpVerdict>(std::string address)>;
using SmtpDeliver =
    std::function<boost::asio::awaitable<SmtpVerdict>(SmtpEnvelope envelope, std::string raw)>;

class SmtpServer {
 public:
  SmtpServer(boost::asio::io_context& io, SmtpServerOptions options, SmtpRecipientCheck check,
             SmtpDeliver deliver, metrics::Registry& metrics);
  ~SmtpServer();

  // Loads the certificate (if configured), binds and starts accepting; throws when it cannot.
  void start();
  std::uint16_t port() const { return bound_port_; }
  // Stops accepting, closes every connection, and waits up to `grace` for deliveries in flight.
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds grace);

  std::size_t connection_count() const;

 private:
  struct Connection;
  void serve_connection(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> run_session(std::shared_ptr<Connection> connection);
  boost::asio::awaitable<void> watchdog(std::shared_ptr<Connection> connection);
  void untrack(std::uint64_t id);

  boost::asio::io_context& io_;
  SmtpServerOptions options_;
  SmtpRecipientCheck check_;
  SmtpDeliver deliver_;
  metrics::Registry& metrics_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  ConnectionRegistry<Connection> connections_;
};

}  // namespace cc::net
