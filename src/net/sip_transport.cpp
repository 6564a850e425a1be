#include "cc/net/sip_transport.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/net/listen.hpp"

namespace cc::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

struct SipTransport::Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
  tcp::socket socket;
  asio::steady_timer timer;
  std::uint64_t id = 0;
  SipEndpoint peer;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  std::deque<std::string> writes;
  bool writing = false;
  bool closed = false;
  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    timer.cancel();
  }
};

SipTransport::SipTransport(asio::io_context& io, SipTransportOptions options, SipMessageHandler handler,
                           metrics::Registry& metrics)
    : io_(io),
      options_(std::move(options)),
      handler_(std::move(handler)),
      metrics_(metrics),
      udp_strand_(asio::make_strand(io)),
      udp_(udp_strand_),
      acceptor_(asio::make_strand(io)) {}

SipTransport::~SipTransport() = default;

void SipTransport::start() {
  const udp::endpoint endpoint(asio::ip::make_address(options_.address), options_.port);
  // UDP and TCP share one port. With port 0 the number UDP got may be taken for TCP: try again
  // with another one a few times. A configured port that is taken is an error at once.
  for (int attempt = 1;; ++attempt) {
    udp_.open(endpoint.protocol());
    udp_.bind(endpoint);
    port_ = udp_.local_endpoint().port();
    try {
      listen_on(acceptor_, options_.address, port_);
      break;
    } catch (const boost::system::system_error&) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      udp_.close(ignored);
      if (options_.port != 0 || attempt >= 10) throw;
    }
  }
  udp_.set_option(asio::socket_base::receive_buffer_size(4 << 20));
  async::spawn_logged(udp_strand_, udp_loop(), "sip udp loop");
  TcpAcceptHandlers handlers{
      "sip",
      [this] { return connection_count() >= options_.max_connections; },
      [this](tcp::socket&) {
        metrics_.counter("cc_sip_connections_refused_total", "SIP TCP connections refused at the cap").inc();
      },
      [this](tcp::socket socket) { serve_connection(std::move(socket)); }};
  async::spawn_logged(acceptor_.get_executor(), run_tcp_accept_loop(io_, acceptor_, stopping_, std::move(handlers)),
                      "sip accept loop");
}

asio::awaitable<void> SipTransport::udp_loop() {
  auto& received = metrics_.counter("cc_sip_datagrams_total", "SIP datagrams received");
  auto& oversized = metrics_.counter("cc_sip_datagrams_dropped_total", "SIP datagrams dropped (too large)");
  std::array<char, 65536> buffer{};
  udp::endpoint from;
  while (!stopping_) {
    auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buffer), from, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      continue;  // ICMP port unreachable from an earlier send, and the like
    }
    received.inc();
    if (n > options_.max_message_bytes) {
      oversized.inc();
      continue;
    }
    handler_(std::string(buffer.data(), n), SipEndpoint{from.address().to_string(), from.port(), false, 0});
  }
}

void SipTransport::serve_connection(tcp::socket socket) {
  auto connection = std::make_shared<Connection>(std::move(socket));
  connection->id = connections_.next_id();
  boost::system::error_code remote_ec;
  const auto remote = connection->socket.remote_endpoint(remote_ec);
  if (remote_ec) return;
  connection->peer = SipEndpoint{remote.address().to_string(), remote.port(), true, connection->id};
  connections_.add(connection->id, connection);
  auto executor = connection->socket.get_executor();
  async::spawn_logged(executor, read_loop(connection), "sip tcp " + std::to_string(connection->id));
  async::spawn_logged(executor, idle_watch(connection), "sip tcp idle watch");
}

asio::awaitable<void> SipTransport::idle_watch(std::shared_ptr<Connection> connection) {
  while (!connection->closed) {
    connection->timer.expires_at(connection->last_activity + options_.idle_timeout);
    co_await connection->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (connection->closed) break;
    if (std::chrono::steady_clock::now() >= connection->last_activity + options_.idle_timeout) connection->close();
  }
}

asio::awaitable<void> SipTransport::read_loop(std::shared_ptr<Connection> connection) {
  std::string pending;
  std::array<char, 8192> buffer{};
  while (!stopping_ && !connection->closed) {
    auto [ec, n] = co_await connection->socket.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    connection->last_activity = std::chrono::steady_clock::now();
    pending.append(buffer.data(), n);
    bool bad = false;
    for (;;) {
      auto frame = next_sip_frame(pending, options_.max_message_bytes);
      if (frame.kind == SipFrame::Kind::bad) {
        metrics_.counter("cc_sip_tcp_framing_errors_total", "SIP TCP streams closed for bad framing").inc();
        bad = true;
        break;
      }
      pending.erase(0, frame.consumed);
      if (frame.kind == SipFrame::Kind::need_more) break;
      handler_(std::move(frame.message), connection->peer);
    }
    if (bad) break;
  }
  connection->close();
  connections_.remove(connection->id);
}

void SipTransport::send(const SipEndpoint& to, std::string data) {
  if (!to.reliable) {
    asio::post(udp_strand_, [this, to, data = std::move(data)] {
      boost::system::error_code ec;
      const udp::endpoint endpoint(asio::ip::make_address(to.address, ec), to.port);
      if (ec) return;
      udp_.send_to(asio::buffer(data), endpoint, 0, ec);
    });
    return;
  }
  auto connection = connections_.find(to.connection_id);
  if (!connection) return;  // RFC 3261 18.2.2 would open a new connection; PBXs keep theirs open
  asio::post(connection->socket.get_executor(), [connection, data = std::move(data)]() mutable {
    connection->writes.push_back(std::move(data));
    if (connection->writing) return;
    connection->writing = true;
    async::spawn_logged(connection->socket.get_executor(), drain_writes(connection), "sip tcp write");
  });
}

asio::awaitable<void> SipTransport::drain_writes(std::shared_ptr<Connection> connection) {
  while (!connection->writes.empty() && !connection->closed) {
    auto next = std::move(connection->writes.front());
    connection->writes.pop_front();
    auto [ec, n] = co_await asio::async_write(connection->socket, asio::buffer(next), asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) connection->close();
  }
  connection->writing = false;
}

std::size_t SipTransport::connection_count() const {
  return connections_.size();
}

asio::awaitable<void> SipTransport::shutdown() {
  stopping_ = true;
  asio::post(udp_strand_, [this] {
    boost::system::error_code ignored;
    udp_.close(ignored);
  });
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  for (auto& c : connections_.live()) asio::post(c->socket.get_executor(), [c] { c->close(); });
  co_return;
}

}  // namespace cc::net
