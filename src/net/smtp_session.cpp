#include "cc/net/smtp_session.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cc::net {
namespace {

constexpr std::size_t kMaxPathBytes = 256;  // RFC 5321 4.5.3.1.3
constexpr std::size_t kCompactAfter = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "<path> params" -> path without brackets (source route dropped) and the parameter text.
// False when the brackets are missing or the path holds characters no address has.
bool split_path(std::string_view args, std::string& path, std::string_view& params) {
  args = trim(args);
  if (args.empty() || args.front() != '<') return false;
  const auto close = args.find('>');
  if (close == std::string_view::npos) return false;
  auto inner = args.substr(1, close - 1);
  if (!inner.empty() && inner.front() == '@') {  // obsolete source route "@a,@b:user@host"
    const auto colon = inner.find(':');
    if (colon == std::string_view::npos) return false;
    inner.remove_prefix(colon + 1);
  }
  if (inner.size() > kMaxPathBytes) return false;
  for (const char c : inner) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>') return false;
  }
  path.assign(inner);
  params = trim(args.substr(close + 1));
  return true;
}

}  // namespace

SmtpSession::SmtpSession(SmtpSessionOptions options) : options_(std::move(options)) {}

std::string SmtpSession::greeting() const {
  return "220 " + options_.hostname + " ESMTP ready\r\n";
}

std::string SmtpSession::timeout_reply() const {
  return "421 4.4.2 " + options_.hostname + " Timeout, closing connection\r\n";
}

std::string SmtpSession::shutdown_reply() const {
  return "421 4.3.2 " + options_.hostname + " Service shutting down, try again later\r\n";
}

void SmtpSession::receive(std::string_view bytes) {
  if (state_ == State::closed) return;
  if (consumed_ > kCompactAfter && consumed_ * 2 > input_.size()) {
    input_.erase(0, consumed_);
    consumed_ = 0;
  }
  input_.append(bytes);
}

// The next complete line (CRLF or a bare LF), without its terminator. A line longer than the
// limit of the current state is reported as too_long once, and its remainder skipped.
bool SmtpSession::next_line(std::string_view& line, bool& too_long) {
  const std::size_t limit = state_ == State::data ? options_.max_text_line : options_.max_command_line;
  while (true) {
    too_long = false;
    const auto newline = input_.find('\n', consumed_);
    if (newline == std::string::npos) {
      if (input_.size() - consumed_ >= limit) {
        // No end in sight: drop what we have, remember to drop the rest of this line.
        input_.clear();
        consumed_ = 0;
        if (discarding_line_) continue;
        discarding_line_ = true;
        line = {};
        too_long = true;
        return true;
      }
      return false;
    }
    std::string_view text(input_.data() + consumed_, newline - consumed_);
    consumed_ = newline + 1;
    if (discarding_line_) {  // the tail of a line already reported
      discarding_line_ = false;
      continue;
    }
    if (text.size() + 1 > limit) {
      too_long = true;
      line = {};
      return true;
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line = text;
    return true;
  }
}

SmtpStep SmtpSession::step() {
  SmtpStep result;
  while (state_ != State::closed && result.kind == SmtpStep::Kind::need_more) {
    std::string_view line;
    bool too_long = false;
    if (!next_line(line, too_long)) break;
    if (state_ == State::data) {
      if (too_long) {
        data_line_too_long_ = true;
        continue;
      }
      handle_data_line(line, result);
    } else if (too_long) {
      error(result, 500, "5.5.2 Line too long");
    } else {
      handle_command(line, result);
    }
  }
  if (state_ == State::closed && result.kind == SmtpStep::Kind::need_more) {
    result.kind = SmtpStep::Kind::close;
  }
  return result;
}

void SmtpSession::reply(SmtpStep& step, int code, std::string_view text) {
  step.output += std::to_string(code);
  step.output += ' ';
  step.output += text;
  step.output += "\r\n";
}

void SmtpSession::error(SmtpStep& step, int code, std::string_view text) {
  reply(step, code, text);
  if (++errors_ >= options_.max_errors) {
    reply(step, 421, "4.7.0 Too many errors, closing connection");
    state_ = State::closed;
    step.kind = SmtpStep::Kind::close;
  }
}

void SmtpSession::reset_transaction() {
  envelope_.mail_from.clear();
  envelope_.recipients.clear();
  envelope_.eight_bit = false;
  message_.clear();
  message_too_large_ = false;
  data_line_too_long_ = false;
  if (state_ != State::greeted && state_ != State::closed) state_ = State::ready;
}

void SmtpSession::handle_command(std::string_view line, SmtpStep& step) {
  const auto space = line.find(' ');
  const auto verb = line.substr(0, space);
  const auto args = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  if (iequals(verb, "EHLO") || iequals(verb, "HELO")) {
    handle_ehlo(args, iequals(verb, "EHLO"), step);
  } else if (iequals(verb, "MAIL")) {
    handle_mail(args, step);
  } else if (iequals(verb, "RCPT")) {
    handle_rcpt(args, step);
  } else if (iequals(verb, "DATA")) {
    if (!trim(args).empty()) return error(step, 501, "5.5.4 DATA takes no arguments");
    handle_data(step);
  } else if (iequals(verb, "RSET")) {
    reset_transaction();
    reply(step, 250, "2.0.0 OK");
  } else if (iequals(verb, "NOOP")) {
    reply(step, 250, "2.0.0 OK");
  } else if (iequals(verb, "QUIT")) {
    reply(step, 221, "2.0.0 " + options_.hostname + " closing connection");
    state_ = State::closed;
    step.kind = SmtpStep::Kind::close;
  } else if (iequals(verb, "VRFY")) {
    reply(step, 252, "2.5.0 Cannot VRFY user, but will accept message for delivery");
  } else if (iequals(verb, "HELP")) {
    reply(step, 214, "2.0.0 EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY STARTTLS");
  } else if (iequals(verb, "STARTTLS")) {
    if (!options_.tls_available) return error(step, 502, "5.5.1 STARTTLS not available");
    if (envelope_.tls) return error(step, 503, "5.5.1 TLS already active");
    if (!trim(args).empty()) return error(step, 501, "5.5.4 STARTTLS takes no arguments");
    reply(step, 220, "2.0.0 Ready to start TLS");
    // Anything pipelined after STARTTLS was sent in clear text: drop it (CVE-2011-0411).
    input_.clear();
    consumed_ = 0;
    step.kind = SmtpStep::Kind::start_tls;
  } else if (line.empty()) {
    error(step, 500, "5.5.2 Syntax error, empty command");
  } else {
    error(step, 500, "5.5.1 Command unrecognized");
  }
}

void SmtpSession::handle_ehlo(std::string_view args, bool extended, SmtpStep& step) {
  const auto name = trim(args);
  if (name.empty()) return error(step, 501, "5.5.4 Syntax: EHLO hostname");
  reset_transaction();
  envelope_.helo.assign(name.substr(0, 255));
  extended_ = extended;
  state_ = State::ready;
  if (!extended) return reply(step, 250, options_.hostname);
  step.output += "250-" + options_.hostname + " greets " + envelope_.helo + "\r\n";
  step.output += "250-PIPELINING\r\n";
  step.output += "250-SIZE " + std::to_string(options_.max_message_bytes) + "\r\n";
  step.output += "250-8BITMIME\r\n";
  if (options_.tls_available && !envelope_.tls) step.output += "250-STARTTLS\r\n";
  step.output += "250 ENHANCEDSTATUSCODES\r\n";
}

void SmtpSession::handle_mail(std::string_view args, SmtpStep& step) {
  if (state_ == State::greeted) return error(step, 503, "5.5.1 Send EHLO or HELO first");
  if (state_ != State::ready) return error(step, 503, "5.5.1 Sender already given");
  if (!istarts_with(args, "FROM:")) return error(step, 501, "5.5.4 Syntax: MAIL FROM:<address>");
  std::string path;
  std::string_view params;
  if (!split_path(args.substr(5), path, params)) {
    return error(step, 501, "5.1.7 Bad sender address syntax");
  }
  bool eight_bit = false;
  while (!params.empty()) {
    const auto end = params.find(' ');
    const auto param = params.substr(0, end);
    params = end == std::string_view::npos ? std::string_view{} : trim(params.substr(end));
    if (istarts_with(param, "SIZE=")) {
      const auto digits = param.substr(5);
      std::size_t size = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
      if (ec == std::errc::result_out_of_range) {
        return reply(step, 552, "5.3.4 Message size exceeds fixed maximum message size");
      }
      if (ec != std::errc{} || ptr != digits.data() + digits.size()) {
        return error(step, 501, "5.5.4 Bad SIZE parameter");
      }
      if (size > options_.max_message_bytes) {
        return reply(step, 552, "5.3.4 Message size exceeds fixed maximum message size");
      }
    } else if (iequals(param, "BODY=8BITMIME")) {
      eight_bit = true;
    } else if (iequals(param, "BODY=7BIT")) {
      eight_bit = false;
    } else if (!param.empty()) {
      return error(step, 555, "5.5.4 Unsupported MAIL parameter");
    }
  }
  envelope_.mail_from = std::move(path);
  envelope_.eight_bit = eight_bit;
  envelope_.recipients.clear();
  state_ = State::mail;
  reply(step, 250, "2.1.0 Sender OK");
}

void SmtpSession::handle_rcpt(std::string_view args, SmtpStep& step) {
  if (state_ != State::mail) return error(step, 503, "5.5.1 Need MAIL before RCPT");
  if (!istarts_with(args, "TO:")) return error(step, 501, "5.5.4 Syntax: RCPT TO:<address>");
  std::string path;
  std::string_view params;
  if (!split_path(args.substr(3), path, params) || path.empty()) {
    return error(step, 501, "5.1.3 Bad recipient address syntax");
  }
  if (!params.empty()) return error(step, 555, "5.5.4 Unsupported RCPT parameter");
  if (envelope_.recipients.size() >= options_.max_recipients) {
    return reply(step, 452, "4.5.3 Too many recipients");
  }
  pending_recipient_ = path;
  step.recipient = std::move(path);
  step.kind = SmtpStep::Kind::check_recipient;
}

SmtpStep SmtpSession::recipient_checked(const SmtpVerdict& verdict) {
  SmtpStep result;
  if (verdict.accepted()) {
    envelope_.recipients.push_back(std::move(pending_recipient_));
    reply(result, 250, "2.1.5 Recipient OK");
  } else {
    reply(result, verdict.code, verdict.text);
  }
  pending_recipient_.clear();
  auto more = step();
  result.output += more.output;
  result.kind = more.kind;
  result.recipient = std::move(more.recipient);
  return result;
}

void SmtpSession::handle_data(SmtpStep& step) {
  if (state_ != State::mail) return error(step, 503, "5.5.1 Need MAIL and RCPT before DATA");
  if (envelope_.recipients.empty()) return error(step, 503, "5.5.1 No valid recipients");
  message_.clear();
  message_too_large_ = false;
  data_line_too_long_ = false;
  state_ = State::data;
  reply(step, 354, "End data with <CR><LF>.<CR><LF>");
}

void SmtpSession::handle_data_line(std::string_view line, SmtpStep& step) {
  if (line == ".") {
    state_ = State::mail;  // until delivered() answers
    if (message_too_large_) {
      reset_transaction();
      return reply(step, 552, "5.3.4 Message size exceeds fixed maximum message size");
    }
    if (data_line_too_long_) {
      reset_transaction();
      return reply(step, 500, "5.5.2 Line too long");
    }
    step.kind = SmtpStep::Kind::deliver;
    return;
  }
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-stuffing
  if (message_too_large_) return;
  if (message_.size() + line.size() + 2 > options_.max_message_bytes) {
    message_too_large_ = true;
    message_.clear();
    message_.shrink_to_fit();
    return;
  }
  message_.append(line);
  message_.append("\r\n");
}

SmtpStep SmtpSession::delivered(const SmtpVerdict& verdict) {
  SmtpStep result;
  reply(result, verdict.code, verdict.text);
  reset_transaction();
  auto more = step();
  result.output += more.output;
  result.kind = more.kind;
  result.recipient = std::move(more.recipient);
  return result;
}

void SmtpSession::tls_started() {
  input_.clear();
  consumed_ = 0;
  discarding_line_ = false;
  reset_transaction();
  envelope_.helo.clear();
  envelope_.tls = true;
  state_ = State::greeted;  // RFC 3207: the client must say EHLO again
}

std::string SmtpSession::take_message() { return std::move(message_); }

}  // namespace cc::net
