#include "cc/net/smtp_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <optional>

namespace cc::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Kind = SmtpClientResult::Kind;

constexpr std::size_t kMaxReplyBytes = 64 * 1024;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

struct Reply {
  int code = 0;
  std::string text;  // all lines, joined by newlines, without codes
  bool ok = false;   // a reply was read
  std::string error;
};

// One SMTP conversation over plain TCP, then optionally TLS.
class Conversation {
 public:
  Conversation(asio::any_io_executor executor, const SmtpClientOptions& options)
      : stream_(executor), options_(options) {}

  asio::awaitable<std::optional<std::string>> connect() {
    tcp::resolver resolver(stream_.get_executor());
    stream_.expires_after(options_.step_timeout);
    auto [ec, endpoints] = co_await resolver.async_resolve(options_.host, std::to_string(options_.port),
                                                           asio::as_tuple(asio::use_awaitable));
    if (ec) co_return "resolve " + options_.host + ": " + ec.message();
    auto [connect_ec, endpoint] = co_await stream_.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    (void)endpoint;
    if (connect_ec) co_return "connect " + options_.host + ": " + connect_ec.message();
    co_return std::nullopt;
  }

  asio::awaitable<Reply> read_reply() {
    Reply reply;
    while (true) {
      stream_.expires_after(options_.step_timeout);
      boost::system::error_code ec;
      std::size_t n = 0;
      if (tls_) {
        std::tie(ec, n) = co_await asio::async_read_until(*tls_, asio::dynamic_buffer(buffer_, kMaxReplyBytes), "\n",
                                                          asio::as_tuple(asio::use_awaitable));
      } else {
        std::tie(ec, n) = co_await asio::async_read_until(stream_, asio::dynamic_buffer(buffer_, kMaxReplyBytes), "\n",
                                                          asio::as_tuple(asio::use_awaitable));
      }
      if (ec) {
        reply.error = "reading reply: " + ec.message();
        co_return reply;
      }
      std::string line = buffer_.substr(0, n);
      buffer_.erase(0, n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0]))) {
        reply.error = "malformed reply: " + line.substr(0, 200);
        co_return reply;
      }
      reply.code = std::stoi(line.substr(0, 3));
      if (!reply.text.empty()) reply.text += "\n";
      reply.text += line.size() > 4 ? line.substr(4) : std::string();
      if (line.size() == 3 || line[3] != '-') {
        reply.ok = true;
        co_return reply;
      }
    }
  }

  asio::awaitable<std::optional<std::string>> write(const std::string& data) {
    stream_.expires_after(options_.step_timeout + std::chrono::seconds(data.size() / (64 * 1024)));
    boost::system::error_code ec;
    std::size_t n = 0;
    if (tls_) {
      std::tie(ec, n) = co_await asio::async_write(*tls_, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
    } else {
      std::tie(ec, n) = co_await asio::async_write(stream_, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
    }
    (void)n;
    if (ec) co_return "writing: " + ec.message();
    co_return std::nullopt;
  }

  asio::awaitable<std::optional<std::string>> start_tls() {
    context_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    context_->set_default_verify_paths();
    context_->set_verify_mode(ssl::verify_peer);
    tls_ = std::make_unique<ssl::stream<beast::tcp_stream&>>(stream_, *context_);
    SSL_set_tlsext_host_name(tls_->native_handle(), options_.host.c_str());
    tls_->set_verify_callback(ssl::host_name_verification(options_.host));
    stream_.expires_after(options_.step_timeout);
    auto [ec] = co_await tls_->async_handshake(ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return "TLS handshake: " + ec.message();
    buffer_.clear();
    co_return std::nullopt;
  }

  void close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

 private:
  beast::tcp_stream stream_;
  const SmtpClientOptions& options_;
  std::unique_ptr<ssl::context> context_;
  std::unique_ptr<ssl::stream<beast::tcp_stream&>> tls_;
  std::string buffer_;
};

SmtpClientResult from_reply(const Reply& reply, std::string_view step) {
  if (!reply.ok) return {Kind::temporary, 0, std::string(step) + ": " + reply.error};
  const auto kind = reply.code >= 500 ? Kind::permanent : Kind::temporary;
  return {kind, reply.code, std::string(step) + ": " + std::to_string(reply.code) + " " + reply.text.substr(0, 500)};
}

// Whether the EHLO reply lists `keyword` ("STARTTLS") or, for "AUTH PLAIN", the mechanism.
bool has_extension(const std::string& ehlo_text, std::string_view keyword) {
  const auto space = keyword.find(' ');
  const auto verb = keyword.substr(0, space);
  const auto mechanism = space == std::string_view::npos ? std::string_view{} : keyword.substr(space + 1);
  std::size_t start = 0;
  while (start < ehlo_text.size()) {
    const auto end = std::min(ehlo_text.find('\n', start), ehlo_text.size());
    std::string line = ehlo_text.substr(start, end - start);
    for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    start = end + 1;
    if (line != verb && !line.starts_with(std::string(verb) + " ")) continue;
    if (mechanism.empty()) return true;
    if ((line + " ").find(" " + std::string(mechanism) + " ") != std::string::npos) return true;
  }
  return false;
}

// Sends a command and reads its reply; a reply outside [expect_low, expect_high] ends the send.
struct Step {
  Conversation& c;
  asio::awaitable<std::optional<SmtpClientResult>> run(std::string command, int expect_low, int expect_high,
                                                       std::string_view name, Reply* out = nullptr) {
    if (auto error = co_await c.write(command)) {
      co_return SmtpClientResult{Kind::temporary, 0, std::string(name) + ": " + *error};
    }
    auto reply = co_await c.read_reply();
    if (!reply.ok || reply.code < expect_low || reply.code > expect_high) co_return from_reply(reply, name);
    if (out) *out = std::move(reply);
    co_return std::nullopt;
  }
};

}  // namespace

std::string smtp_dot_stuff(std::string_view data) {
  std::string out;
  out.reserve(data.size() + data.size() / 40 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (i == 0 || data[i - 1] != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  out += ".\r\n";
  return out;
}

asio::awaitable<SmtpClientResult> smtp_submit(asio::any_io_executor executor, SmtpClientOptions options,
                                              SmtpSubmission submission) {
  Conversation c(executor, options);
  const auto connect_error = co_await c.connect();
  if (connect_error) co_return SmtpClientResult{Kind::temporary, 0, *connect_error};
  auto greeting = co_await c.read_reply();
  if (!greeting.ok || greeting.code != 220) {
    c.close();
    co_return from_reply(greeting, "greeting");
  }
  Step step{c};
  Reply ehlo;
  if (auto failed = co_await step.run("EHLO " + options.helo_name + "\r\n", 250, 250, "EHLO", &ehlo)) {
    c.close();
    co_return *failed;
  }
  if (options.starttls) {
    if (!has_extension(ehlo.text, "STARTTLS")) {
      c.close();
      co_return SmtpClientResult{Kind::temporary, 0, "the relay does not offer STARTTLS"};
    }
    if (auto failed = co_await step.run("STARTTLS\r\n", 220, 220, "STARTTLS")) {
      c.close();
      co_return *failed;
    }
    if (auto error = co_await c.start_tls()) {
      c.close();
      co_return SmtpClientResult{Kind::temporary, 0, *error};
    }
    if (auto failed = co_await step.run("EHLO " + options.helo_name + "\r\n", 250, 250, "EHLO", &ehlo)) {
      c.close();
      co_return *failed;
    }
  }
  if (!options.username.empty()) {
    std::optional<SmtpClientResult> failed;
    if (has_extension(ehlo.text, "AUTH PLAIN") || !has_extension(ehlo.text, "AUTH LOGIN")) {
      const std::string token = base64(std::string(1, '\0') + options.username + std::string(1, '\0') + options.password);
      failed = co_await step.run("AUTH PLAIN " + token + "\r\n", 235, 235, "AUTH PLAIN");
    } else {
      failed = co_await step.run("AUTH LOGIN\r\n", 334, 334, "AUTH LOGIN");
      if (!failed) failed = co_await step.run(base64(options.username) + "\r\n", 334, 334, "AUTH LOGIN user");
      if (!failed) failed = co_await step.run(base64(options.password) + "\r\n", 235, 235, "AUTH LOGIN password");
    }
    if (failed) {
      c.close();
      co_return *failed;
    }
  }
  if (auto failed = co_await step.run("MAIL FROM:<" + submission.mail_from + ">\r\n", 250, 250, "MAIL")) {
    c.close();
    co_return *failed;
  }
  for (const auto& recipient : submission.recipients) {
    if (auto failed = co_await step.run("RCPT TO:<" + recipient + ">\r\n", 250, 251, "RCPT")) {
      c.close();
      co_return *failed;
    }
  }
  if (auto failed = co_await step.run("DATA\r\n", 354, 354, "DATA")) {
    c.close();
    co_return *failed;
  }
  Reply accepted;
  if (auto failed = co_await step.run(smtp_dot_stuff(submission.data), 250, 250, "message", &accepted)) {
    c.close();
    co_return *failed;
  }
  co_await c.write("QUIT\r\n");  // best effort: the message is accepted already
  c.close();
  co_return SmtpClientResult{Kind::sent, accepted.code, accepted.text.substr(0, 500)};
}

}  // namespace cc::net
