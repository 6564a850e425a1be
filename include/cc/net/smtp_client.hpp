#pragma once
// A small SMTP submission client (RFC 5321 + STARTTLS RFC 3207 + AUTH PLAIN/LOGIN RFC 4954):
// one message per connection, every step under a deadline. The outcome says whether to retry
// (4xx, network trouble, timeouts) or give up (5xx). Knows no domain; runs on the caller's
// executor.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cc::net {

struct SmtpClientOptions {
  std::string host;
  std::uint16_t port = 587;
  std::string helo_name = "localhost";
  std::string username;  // empty: no AUTH
  std::string password;
  bool starttls = true;  // required: fail rather than send in clear text when it is not offered
  std::chrono::seconds step_timeout{30};
};

struct SmtpSubmission {
  std::string mail_from;
  std::vector<std::string> recipients;
  std::string data;  // the message, CRLF line ends, not dot-stuffed
};

struct SmtpClientResult {
  enum class Kind { sent, temporary, permanent };
  Kind kind = Kind::sent;
  int code = 0;       // the last reply code (0: no reply, e.g. connection refused)
  std::string text;   // the server's words or our error
};

boost::asio::awaitable<SmtpClientResult> smtp_submit(boost::asio::any_io_executor executor,
                                                     SmtpClientOptions options, SmtpSubmission submission);

// "." at the start of a line doubled, bare LF made CRLF, and the final CRLF . CRLF added.
std::string smtp_dot_stuff(std::string_view data);

}  // namespace cc::net
