#include "load_options.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cc::bench {
namespace {

constexpr const char* kHelp = R"(cc-load: mixed contact-center load against a running cc-server
  --host H --port P            the server's HTTP listener (default 127.0.0.1:8080)
  --smtp-port P                its SMTP listener; without it the mix has no email
  --admin-email E --admin-password W   an admin (creates accounts and agents for the run)
  --messages N                 inbound messages in total (default 2000)
  --concurrency C              concurrent senders, each waiting for its ack (default 32)
  --rate R                     paced at R messages/s in total instead of as fast as possible
  --customers K                distinct customers, each writing on every channel (default 200)
  --agents A                   agents on WebSockets that accept and reply (default 10)
  --reply-every N              each agent replies to every Nth message it sees (default 4; 0 = never)
  --mix webchat,wechat,sms,email   weights (default 40,20,30,10)
  --content-bytes B            message size (default 100)
  --settle-seconds S           wait at most S s after the last ack for events and deliveries (30)
  --server-pid PID             sample the server's RSS and CPU
  --database-url URL           check the database afterwards (exactly once, in and out)
  --trivial PATH [--seconds S] only measure GET PATH requests/s with --concurrency keep-alive
                               connections for S s (default 5): the HTTP ceiling of any server
)";

bool number(std::string_view text, std::size_t& out) {
  char* end = nullptr;
  const auto value = std::strtoull(std::string(text).c_str(), &end, 10);
  if (end == nullptr || *end != '\0' || text.empty()) return false;
  out = value;
  return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (name == "--help" || name == "-h") {
      std::fputs(kHelp, stdout);
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value (--help)\n", argv[i]);
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    std::size_t n = 0;
    bool ok = true;
    if (name == "--host") options.host = value;
    else if (name == "--port") ok = number(value, n) && n < 65536, options.port = static_cast<unsigned short>(n);
    else if (name == "--smtp-port") ok = number(value, n) && n < 65536, options.smtp_port = static_cast<unsigned short>(n);
    else if (name == "--admin-email") options.admin_email = value;
    else if (name == "--admin-password") options.admin_password = value;
    else if (name == "--messages") ok = number(value, options.messages);
    else if (name == "--concurrency") ok = number(value, options.concurrency) && options.concurrency > 0;
    else if (name == "--rate") ok = number(value, n), options.rate = static_cast<double>(n);
    else if (name == "--customers") ok = number(value, options.customers) && options.customers > 0;
    else if (name == "--agents") ok = number(value, options.agents) && options.agents > 0;
    else if (name == "--reply-every") ok = number(value, options.reply_every);
    else if (name == "--content-bytes") ok = number(value, options.content_bytes) && options.content_bytes <= 4000;
    else if (name == "--settle-seconds") ok = number(value, n), options.settle_seconds = static_cast<int>(n);
    else if (name == "--server-pid") ok = number(value, n), options.server_pid = static_cast<int>(n);
    else if (name == "--database-url") options.database_url = value;
    else if (name == "--trivial") options.trivial_path = value;
    else if (name == "--seconds") ok = number(value, n) && n > 0, options.trivial_seconds = static_cast<int>(n);
    else if (name == "--mix") {
      ok = std::sscanf(std::string(value).c_str(), "%zu,%zu,%zu,%zu", &options.mix_webchat, &options.mix_wechat,
                       &options.mix_sms, &options.mix_email) == 4;
    } else {
      std::fprintf(stderr, "unknown option %s (--help)\n", argv[i - 1]);
      return std::nullopt;
    }
    if (!ok) {
      std::fprintf(stderr, "bad value for %s: %s\n", argv[i - 1], argv[i]);
      return std::nullopt;
    }
  }
  if (options.smtp_port == 0) options.mix_email = 0;
  if (options.mix_webchat + options.mix_wechat + options.mix_sms + options.mix_email == 0) {
    std::fputs("the mix is empty\n", stderr);
    return std::nullopt;
  }
  if (options.admin_password.empty() && options.trivial_path.empty()) {
    std::fputs("--admin-password is required\n", stderr);
    return std::nullopt;
  }
  if (options.customers < options.concurrency) options.customers = options.concurrency;
  return options;
}

}  // namespace cc::bench
