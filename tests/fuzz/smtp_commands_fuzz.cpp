// Feeds arbitrary bytes to the SMTP protocol engine, split at an arbitrary point, answering
// recipients and deliveries by turns; the engine must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cc/net/smtp_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  cc::net::SmtpSessionOptions options;
  options.max_message_bytes = 4096;
  options.tls_available = (data[0] & 1) != 0;
  cc::net::SmtpSession session(options);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = data[0] % (input.size() + 1);
  bool flip = false;
  for (const auto part : {input.substr(0, split), input.substr(split)}) {
    session.receive(part);
    auto step = session.step();
    for (int guard = 0; guard < 10000; ++guard) {
      using Kind = cc::net::SmtpStep::Kind;
      if (step.kind == Kind::check_recipient) {
        flip = !flip;
        step = session.recipient_checked(flip ? cc::net::SmtpVerdict::accept() : cc::net::SmtpVerdict::no_such_user());
      } else if (step.kind == Kind::deliver) {
        (void)session.take_message();
        flip = !flip;
        step = session.delivered(flip ? cc::net::SmtpVerdict::accept() : cc::net::SmtpVerdict::temporary());
      } else if (step.kind == Kind::start_tls) {
        session.tls_started();
        step = session.step();
      } else {
        break;
      }
    }
    if (step.kind == cc::net::SmtpStep::Kind::close) break;
  }
  return 0;
}
