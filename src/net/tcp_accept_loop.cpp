#include "cc/net/tcp_accept_loop.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "cc/async/log.hpp"

namespace cc::net {

namespace asio = boost::asio;

asio::awaitable<void> run_tcp_accept_loop(asio::io_context& io, asio::ip::tcp::acceptor& acceptor,
                                          const std::atomic<bool>& stopping, TcpAcceptHandlers handlers) {
  auto log = async::module_logger("net");
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      log->warn("{} accept failed: {}", handlers.name, ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // The socket keeps its strand; the handlers see it through the type-erased executor.
    asio::ip::tcp::socket accepted(std::move(socket));
    if (handlers.at_capacity()) {
      handlers.refuse(accepted);
      boost::system::error_code ignored;
      accepted.close(ignored);
      continue;
    }
    handlers.serve(std::move(accepted));
  }
}

}  // namespace cc::net
