#pragma once
// Command-line options of cc-load (see README.md).
#include <cstddef>
#include <optional>
#include <string>

namespace cc::bench {

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned short smtp_port = 0;  // 0: no email in the mix
  std::string admin_email = "admin@example.com";
  std::string admin_password;
  std::size_t messages = 2000;
  std::size_t concurrency = 32;
  double rate = 0;  // messages/s in total; 0 = as fast as the server takes them (closed loop)
  std::size_t customers = 200;
  std::size_t agents = 10;
  std::size_t reply_every = 4;  // each agent replies to every Nth message event it gets; 0 = never
  std::size_t content_bytes = 100;
  std::size_t mix_webchat = 40, mix_wechat = 20, mix_sms = 30, mix_email = 10;
  int settle_seconds = 30;
  int server_pid = 0;
  std::string database_url;  // when set, the database check runs after the load
  // --trivial PATH: only measure GET PATH requests/s on keep-alive connections (a ceiling).
  std::string trivial_path;
  int trivial_seconds = 5;
};

// nullopt (after printing why, or the help) when the arguments are not usable.
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace cc::bench
