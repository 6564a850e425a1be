#pragma once
// The SMTP server protocol (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES and
// STARTTLS) as a pure state machine: bytes in, reply bytes and requests out. It does no I/O, so
// the listener (smtp_server.hpp) and the unit tests drive the same code. Knows no domain: whether
// a recipient exists and what becomes of a message are asked of the caller. One per connection;
// not thread-safe (the connection's strand owns it).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cc::net {

// What the caller decided about a recipient or a message: the SMTP reply to give.
struct SmtpVerdict {
  int code = 250;
  std::string text = "2.0.0 OK";

  bool accepted() const { return code >= 200 && code < 300; }
  static SmtpVerdict accept(std::string text = "2.0.0 OK") { return {250, std::move(text)}; }
  // The sender keeps the mail and tries again later (database down and the like).
  static SmtpVerdict temporary(std::string text = "4.3.0 Temporary failure, try again later") {
    return {451, std::move(text)};
  }
  static SmtpVerdict reject(std::string text = "5.7.1 Message rejected") {
    return {550, std::move(text)};
  }
  static SmtpVerdict no_such_user(std::string text = "5.1.1 No such recipient here") {
    return {550, std::move(text)};
  }
  static SmtpVerdict too_large(std::string text = "5.3.4 Message too big") {
    return {552, std::move(text)};
  }
};

struct SmtpEnvelope {
  std::string helo;                     // the name the client gave in HELO/EHLO
  std::string mail_from;                // reverse path without brackets; "" for a bounce (<>)
  std::vector<std::string> recipients;  // forward paths without brackets, as accepted
  bool tls = false;                     // the session was encrypted when the mail arrived
  bool eight_bit = false;               // BODY=8BITMIME was declared
  std::string remote;                   // the peer's address, for logs (set by the listener)
};

struct SmtpSessionOptions {
  std::string hostname = "localhost";            // our name in the greeting and EHLO reply
  std::size_t max_message_bytes = 10 * 1024 * 1024;
  std::size_t max_command_line = 512;            // RFC 5321 4.5.3.1.4, CRLF included
  std::size_t max_text_line = 1000;              // RFC 5321 4.5.3.1.6, CRLF included
  std::size_t max_recipients = 100;
  std::size_t max_errors = 10;                   // protocol errors before we hang up
  bool tls_available = false;                    // advertise STARTTLS (a certificate is loaded)
};

// What the caller must do after feeding input: write `output` (the replies so far, already
// CRLF-terminated), then act on `kind`.
struct SmtpStep {
  enum class Kind {
    need_more,        // write output, then read more bytes and call receive() + step()
    check_recipient,  // ask whether `recipient` is ours, then call recipient_checked()
    deliver,          // a complete message: take_message(), then call delivered()
    start_tls,        // write output (220), do the TLS handshake, call tls_started(), step()
    close,            // write output and close the connection
  };
  Kind kind = Kind::need_more;
  std::string output;
  std::string recipient;
};

class SmtpSession {
 public:
  explicit SmtpSession(SmtpSessionOptions options);

  std::string greeting() const;
  // The reply to send when the connection is cut short by us (timeout, shutdown).
  std::string timeout_reply() const;
  std::string shutdown_reply() const;

  // Appends received bytes; step() consumes them.
  void receive(std::string_view bytes);
  // Processes buffered input until the caller must do something (see SmtpStep::Kind).
  SmtpStep step();
  SmtpStep recipient_checked(const SmtpVerdict& verdict);
  SmtpStep delivered(const SmtpVerdict& verdict);
  void tls_started();

  const SmtpEnvelope& envelope() const { return envelope_; }
  SmtpEnvelope& envelope() { return envelope_; }
  // The message as received (dot-unstuffed, CRLF line ends), moved out.
  std::string take_message();
  // Bytes waiting in the input buffer (used to refuse plaintext sent after STARTTLS).
  std::size_t buffered() const { return input_.size() - consumed_; }

 private:
  enum class State { greeted, ready, mail, data, closed };
  void handle_command(std::string_view line, SmtpStep& step);
  void handle_data_line(std::string_view line, SmtpStep& step);
  void handle_ehlo(std::string_view args, bool extended, SmtpStep& step);
  void handle_mail(std::string_view args, SmtpStep& step);
  void handle_rcpt(std::string_view args, SmtpStep& step);
  void handle_data(SmtpStep& step);
  void reply(SmtpStep& step, int code, std::string_view text);
  void error(SmtpStep& step, int code, std::string_view text);
  void reset_transaction();
  bool next_line(std::string_view& line, bool& too_long);

  SmtpSessionOptions options_;
  State state_ = State::greeted;
  bool extended_ = false;  // EHLO (not HELO) was used
  std::string input_;
  std::size_t consumed_ = 0;
  bool discarding_line_ = false;  // the rest of an overlong line is being thrown away
  SmtpEnvelope envelope_;
  std::string message_;
  bool message_too_large_ = false;
  bool data_line_too_long_ = false;
  std::size_t errors_ = 0;
  std::string pending_recipient_;
};

}  // namespace cc::net
