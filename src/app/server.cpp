#include "cc/app/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <iostream>
#include <spdlog/spdlog.h>
#include <thread>

#include "cc/async/spawn.hpp"
#include "cc/app/wiring.hpp"
#include "cc/store/pg/migrator.hpp"

namespace cc::app {
namespace {

bool apply_migrations(const Config& config) {
  try {
    pqxx::connection connection(store::with_connection_defaults(config.database.url));
    const auto report = store::migrate(connection, config.server.migrations_dir);
    for (const auto& name : report.applied) spdlog::info("applied migration {}", name);
    spdlog::info("database schema at version {}", report.current_version);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("migration failed: {}", e.what());
    return false;
  }
}

void write_port_file(const std::string& path, std::uint16_t port) {
  if (path.empty()) return;
  const auto temporary = path + ".tmp";
  std::ofstream(temporary) << port << "\n";
  std::filesystem::rename(temporary, path);  // readers never see a half-written file
}

net::HttpServerOptions http_options(const Config& config) {
  net::HttpServerOptions options;
  options.address = config.http.host;
  options.port = static_cast<std::uint16_t>(config.http.port);
  options.body_limit = static_cast<std::size_t>(config.http.max_body_bytes);
  options.header_timeout = std::chrono::seconds(config.http.header_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.http.idle_timeout_seconds);
  options.request_timeout = std::chrono::seconds(config.http.request_timeout_seconds);
  options.max_connections = static_cast<std::size_t>(config.http.max_connections);
  return options;
}

void run_threads(boost::asio::io_context& io, int count) {
  std::vector<std::thread> threads;
  for (int i = 1; i < count; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
}

// Stop accepting, let requests finish and WebSockets close, stop background work, then the loop.
boost::asio::awaitable<void> shutdown_sequence(net::HttpServer& http, Wiring& wiring,
                                               boost::asio::io_context& io,
                                               std::chrono::milliseconds grace) {
  co_await http.shutdown(grace);
  if (wiring.smtp_server) co_await wiring.smtp_server->shutdown(grace);
  // --- attachments stop ---
  // --- end attachments stop ---
  // --- identity stop ---
  // --- end identity stop ---
  // --- tickets stop ---
  wiring.sla_timers.stop();
  wiring.ticket_lifecycle.stop();
  // --- end tickets stop ---
  // --- routing engine stop ---
  wiring.routing.stop();
  // --- end routing engine stop ---
  // --- assignment stop ---
  wiring.assignment.stop();
  // --- end assignment stop ---
  // --- sip stop ---
  if (wiring.sip_service) co_await wiring.sip_service->shutdown();
  // --- end sip stop ---
  // --- workbench stop ---
  // --- end workbench stop ---
  wiring.outbox.stop();
  wiring.webhook_dispatcher.stop();
  wiring.wechat_token_cache.stop();
  wiring.bus.stop();
  io.stop();
}

}  // namespace

int migrate_only(const Config& config) { return apply_migrations(config) ? 0 : 1; }

int print_routes(const Config& config) {
  boost::asio::io_context io;
  Wiring wiring(config, io);
  for (const auto& route : wiring.router.routes()) {
    std::cout << (route.websocket ? std::string("WS") : std::string(net::http::to_string(route.method)))
              << " " << route.pattern << "\n";
  }
  wiring.pool.stop();
  return 0;
}

int serve(const Config& config) {
  if (config.server.migrate_on_start && !apply_migrations(config)) return 1;
  boost::asio::io_context io(config.server.io_threads);
  Wiring wiring(config, io);
  net::HttpServer http(io, http_options(config), wiring.router, wiring.metrics);
  try {
    http.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}:{}: {}", config.http.host, config.http.port, e.what());
    return 1;
  }
  if (wiring.smtp_server) {
    try {
      wiring.smtp_server->start();
    } catch (const std::exception& e) {
      // A configured listener that cannot bind is a configuration error, like the HTTP port.
      spdlog::error("cannot listen for SMTP on {}:{}: {}", config.smtp.host, config.smtp.port, e.what());
      return 1;
    }
    write_port_file(config.smtp.port_file, wiring.smtp_server->port());
    spdlog::info("listening on smtp://{}:{}", config.smtp.host, wiring.smtp_server->port());
  }
  wiring.bus.start();
  wiring.outbox.start();
  wiring.webhook_dispatcher.start();
  // --- attachments start ---
  // --- end attachments start ---
  // --- identity start ---
  // --- end identity start ---
  // --- tickets start ---
  wiring.sla_timers.start();
  wiring.ticket_lifecycle.start();
  // --- end tickets start ---
  // --- routing engine start ---
  async::spawn_logged(io.get_executor(), wiring.routing_intents.boot(), "routing intents start");
  async::spawn_logged(io.get_executor(), wiring.routing_workflows.refresh(), "routing workflow load");
  wiring.routing.start(io.get_executor());
  // --- end routing engine start ---
  // --- assignment start ---
  wiring.assignment.start();
  // --- end assignment start ---
  // --- sip start ---
  if (wiring.sip_service) {
    try {
      wiring.sip_service->start();
    } catch (const std::exception& e) {
      spdlog::error("cannot listen for SIP on {}:{}: {}", config.sip.host, config.sip.port, e.what());
      return 1;
    }
    write_port_file(config.sip.port_file, wiring.sip_service->port());
    spdlog::info("listening on sip://{}:{} (UDP and TCP)", config.sip.host, wiring.sip_service->port());
  }
  // --- end sip start ---
  // --- workbench start ---
  // --- end workbench start ---
  write_port_file(config.server.port_file, http.port());
  spdlog::info("listening on http://{}:{}", config.http.host, http.port());

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: draining", signal);
    async::spawn_logged(io.get_executor(),
                        shutdown_sequence(http, wiring, io,
                                          std::chrono::milliseconds(config.server.shutdown_grace_ms)),
                        "shutdown");
  });
  run_threads(io, config.server.io_threads);
  wiring.pool.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace cc::app
