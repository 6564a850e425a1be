#pragma once
// Loopback provider fakes the generator runs in-process, so that agents' replies leave the server
// through its real outbox and real provider clients: a Twilio Messages API, the WeChat access
// token and customer-service send APIs, and an SMTP relay sink. Each counts deliveries per bench
// uid ("uid=<run>.r<n>" in the text), so the generator can check "sent exactly once".
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <map>
#include <string>

#include "load_stats.hpp"

namespace cc::bench {

struct FakeCredentials {
  std::string twilio_sid;
  std::string twilio_token;
  std::string wechat_app_id;
  std::string wechat_secret;
};

class ProviderFakes {
 public:
  ProviderFakes(boost::asio::io_context& io, FakeCredentials credentials);
  void start();  // binds free loopback ports
  unsigned short http_port() const { return http_port_; }
  unsigned short smtp_port() const { return smtp_port_; }

  // Deliveries seen per uid, and the time of the first delivery of each.
  const std::map<std::string, int>& deliveries() const { return deliveries_; }
  std::size_t delivered() const { return deliveries_.size(); }
  Clock::time_point last_delivery() const { return last_; }
  void record(const std::string& text);

 private:
  boost::asio::awaitable<void> accept_http();
  boost::asio::awaitable<void> serve_http(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> accept_smtp();
  boost::asio::awaitable<void> serve_smtp(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  FakeCredentials credentials_;
  boost::asio::ip::tcp::acceptor http_;
  boost::asio::ip::tcp::acceptor smtp_;
  unsigned short http_port_ = 0;
  unsigned short smtp_port_ = 0;
  std::map<std::string, int> deliveries_;
  Clock::time_point last_{};
  std::uint64_t sid_counter_ = 0;
};

}  // namespace cc::bench
