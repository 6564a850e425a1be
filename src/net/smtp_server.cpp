#include "cc/net/smtp_server.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "cc/async/log.hpp"
#include "cc/net/listen.hpp"
#include "cc/async/spawn.hpp"

namespace cc::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

// One client connection. Lives on its own strand; the watchdog closes the socket when the
// deadline passes, which makes the pending read fail.
struct SmtpServer::Connection {
  Connection(tcp::socket s, SmtpSessionOptions options)
      : socket(std::move(s)), timer(socket.get_executor()), session(std::move(options)) {}

  tcp::socket socket;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls;
  asio::steady_timer timer;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  SmtpSession session;
  std::uint64_t id = 0;
  bool timed_out = false;
  bool finished = false;

  void close() {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    timer.cancel();
  }
};

namespace {

asio::awaitable<boost::system::error_code> write_all(tcp::socket& socket,
                                                     ssl::stream<tcp::socket&>* tls,
                                                     const std::string& data) {
  if (data.empty()) co_return boost::system::error_code{};
  if (tls) {
    auto [ec, n] = co_await asio::async_write(*tls, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
    (void)n;
    co_return ec;
  }
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
  (void)n;
  co_return ec;
}

}  // namespace

SmtpServer::SmtpServer(asio::io_context& io, SmtpServerOptions options, SmtpRecipientCheck check,
                       SmtpDeliver deliver, metrics::Registry& metrics)
    : io_(io),
      options_(std::move(options)),
      check_(std::move(check)),
      deliver_(std::move(deliver)),
      metrics_(metrics),
      acceptor_(asio::make_strand(io)) {}

SmtpServer::~SmtpServer() = default;

void SmtpServer::start() {
  if (!options_.tls_certificate_file.empty() && !options_.tls_private_key_file.empty()) {
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls_->use_certificate_chain_file(options_.tls_certificate_file);
    tls_->use_private_key_file(options_.tls_private_key_file, ssl::context::pem);
    options_.session.tls_available = true;
  }
  bound_port_ = listen_on(acceptor_, options_.address, options_.port);
  TcpAcceptHandlers handlers{
      "smtp",
      [this] { return connection_count() >= options_.max_connections; },
      [this](tcp::socket& socket) {
        metrics_.counter("cc_smtp_connections_refused_total", "SMTP connections refused at the cap").inc();
        // RFC 5321 3.1: a server that cannot serve says 421 and closes.
        const std::string busy = "421 4.7.0 Too many connections, try again later\r\n";
        boost::system::error_code ignored;
        socket.write_some(asio::buffer(busy), ignored);
      },
      [this](tcp::socket socket) { serve_connection(std::move(socket)); }};
  async::spawn_logged(acceptor_.get_executor(), run_tcp_accept_loop(io_, acceptor_, stopping_, std::move(handlers)),
                      "smtp accept loop");
}

void SmtpServer::serve_connection(tcp::socket socket) {
  auto connection = std::make_shared<Connection>(std::move(socket), options_.session);
  connection->id = connections_.next_id();
  connections_.add(connection->id, connection);
  auto executor = connection->socket.get_executor();
  async::spawn_logged(executor, run_session(connection), "smtp session " + std::to_string(connection->id));
  async::spawn_logged(executor, watchdog(connection), "smtp watchdog");
}

asio::awaitable<void> SmtpServer::watchdog(std::shared_ptr<Connection> connection) {
  while (!connection->finished) {
    connection->timer.expires_at(connection->deadline);
    co_await connection->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (connection->finished) break;
    if (std::chrono::steady_clock::now() < connection->deadline) continue;  // deadline moved
    if (connection->timed_out) {  // the 421 could not be written in time either
      connection->close();
      break;
    }
    // Cancel the read so that the session can say 421 before it closes.
    connection->timed_out = true;
    connection->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    boost::system::error_code ignored;
    connection->socket.cancel(ignored);
  }
}

asio::awaitable<void> SmtpServer::run_session(std::shared_ptr<Connection> connection) {
  auto log = async::module_logger("net");
  auto& socket = connection->socket;
  auto& session = connection->session;
  boost::system::error_code remote_ec;
  const auto remote = socket.remote_endpoint(remote_ec);
  session.envelope().remote = remote_ec ? std::string("?") : remote.address().to_string();
  const auto set_deadline = [&](std::chrono::seconds after) {
    connection->deadline = std::chrono::steady_clock::now() + after;
    connection->timer.cancel();  // the watchdog re-arms with the new deadline
  };
  std::string pending = session.greeting();
  std::array<char, 16 * 1024> buffer{};
  auto step = session.step();
  bool open = true;
  while (open) {
    pending += step.output;
    step.output.clear();
    switch (step.kind) {
      case SmtpStep::Kind::need_more: {
        if (stopping_) {  // the replies so far and a 421 go out below
          open = false;
          break;
        }
        // Replies to pipelined commands go out together, once the input is used up.
        if (auto ec = co_await write_all(socket, connection->tls.get(), pending)) {
          open = false;
          break;
        }
        pending.clear();
        set_deadline(options_.command_timeout);
        std::size_t n = 0;
        boost::system::error_code ec;
        if (connection->tls) {
          std::tie(ec, n) = co_await connection->tls->async_read_some(
              asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
        } else {
          std::tie(ec, n) =
              co_await socket.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
        }
        if (ec) {
          open = false;
          break;
        }
        session.receive(std::string_view(buffer.data(), n));
        step = session.step();
        break;
      }
      case SmtpStep::Kind::check_recipient: {
        set_deadline(options_.data_timeout);
        auto verdict = co_await check_(std::move(step.recipient));
        step = session.recipient_checked(verdict);
        break;
      }
      case SmtpStep::Kind::deliver: {
        // Nothing is written until the callback (the commit) has answered.
        set_deadline(options_.data_timeout);
        metrics_.counter("cc_smtp_messages_total", "Messages received over SMTP").inc();
        auto message = session.take_message();
        auto verdict = co_await deliver_(session.envelope(), std::move(message));
        step = session.delivered(verdict);
        break;
      }
      case SmtpStep::Kind::start_tls: {
        if (auto ec = co_await write_all(socket, nullptr, pending); ec || !tls_) {
          open = false;
          break;
        }
        pending.clear();
        set_deadline(options_.command_timeout);
        connection->tls = std::make_unique<ssl::stream<tcp::socket&>>(socket, *tls_);
        auto [ec] = co_await connection->tls->async_handshake(ssl::stream_base::server,
                                                               asio::as_tuple(asio::use_awaitable));
        if (ec) {
          log->info("smtp {} TLS handshake failed: {}", connection->id, ec.message());
          connection->tls.reset();
          open = false;
          break;
        }
        session.tls_started();
        step = session.step();
        break;
      }
      case SmtpStep::Kind::close:
        open = false;
        break;
    }
  }
  if (connection->timed_out) pending += session.timeout_reply();
  else if (stopping_) pending += session.shutdown_reply();
  if (!pending.empty() && socket.is_open()) {
    if (!connection->timed_out) set_deadline(std::chrono::seconds(5));
    co_await write_all(socket, connection->tls.get(), pending);
  }
  connection->finished = true;
  connection->close();
  untrack(connection->id);
}

void SmtpServer::untrack(std::uint64_t id) {
  connections_.remove(id);
}

std::size_t SmtpServer::connection_count() const {
  return connections_.size();
}

asio::awaitable<void> SmtpServer::shutdown(std::chrono::milliseconds grace) {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  auto live = connections_.live();
  // Cancelling makes a waiting read fail (the session says 421); a delivery in flight finishes
  // its commit and answers first.
  for (auto& connection : live) {
    asio::post(connection->socket.get_executor(), [connection] {
      boost::system::error_code ignored;
      connection->socket.cancel(ignored);
    });
  }
  live.clear();
  const auto until = std::chrono::steady_clock::now() + grace;
  asio::steady_timer wait(io_);
  while (connection_count() > 0 && std::chrono::steady_clock::now() < until) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace cc::net
