#pragma once
// Internal to cc_net: the coroutine that serves one accepted TCP connection.
#include "cc/net/http_server.hpp"

namespace cc::net::detail {

asio::awaitable<void> run_http_session(HttpServer& server, tcp::socket socket,
                                       std::uint64_t connection_id);

}  // namespace cc::net::detail
