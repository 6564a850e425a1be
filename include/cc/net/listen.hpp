#pragma once
// Opens, binds and starts a listening acceptor (HTTP, SMTP); returns the port it got, which
// differs from `port` when `port` is 0. Throws boost::system::system_error when it cannot bind.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

namespace cc::net {

inline std::uint16_t listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                               std::uint16_t port) {
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(address), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(boost::asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

}  // namespace cc::net
