// The SMTP protocol engine, driven without sockets: lines in, replies out.
#include <gtest/gtest.h>

#include "cc/net/smtp_session.hpp"

namespace cc::net {
namespace {

SmtpSessionOptions small_options() {
  SmtpSessionOptions options;
  options.hostname = "mx.test";
  options.max_message_bytes = 1000;
  return options;
}

// Feeds bytes and runs the session like the listener does, accepting every recipient ending in
// "@support.test" and delivering with `verdict`. Returns everything the server wrote.
struct Driver {
  explicit Driver(SmtpSessionOptions options = small_options()) : session(std::move(options)) {}

  std::string feed(std::string_view bytes) {
    session.receive(bytes);
    std::string out;
    auto step = session.step();
    while (true) {
      out += step.output;
      if (step.kind == SmtpStep::Kind::check_recipient) {
        const bool ours = step.recipient.ends_with("@support.test");
        step = session.recipient_checked(ours ? SmtpVerdict::accept() : SmtpVerdict::no_such_user());
      } else if (step.kind == SmtpStep::Kind::deliver) {
        envelopes.push_back(session.envelope());
        messages.push_back(session.take_message());
        step = session.delivered(verdict);
      } else {
        last = step.kind;
        return out;
      }
    }
  }

  SmtpSession session;
  SmtpVerdict verdict = SmtpVerdict::accept("2.0.0 Queued as 1");
  std::vector<SmtpEnvelope> envelopes;
  std::vector<std::string> messages;
  SmtpStep::Kind last = SmtpStep::Kind::need_more;
};

TEST(SmtpSession, GreetsWithHostnameAndAdvertisesExtensions) {
  Driver d;
  EXPECT_EQ(d.session.greeting(), "220 mx.test ESMTP ready\r\n");
  const auto out = d.feed("EHLO client.example\r\n");
  EXPECT_NE(out.find("250-mx.test"), std::string::npos);
  EXPECT_NE(out.find("250-PIPELINING\r\n"), std::string::npos);
  EXPECT_NE(out.find("250-SIZE 1000\r\n"), std::string::npos);
  EXPECT_NE(out.find("250-8BITMIME\r\n"), std::string::npos);
  EXPECT_EQ(out.find("STARTTLS"), std::string::npos) << "no certificate, no STARTTLS";
  EXPECT_TRUE(out.ends_with("250 ENHANCEDSTATUSCODES\r\n"));
}

TEST(SmtpSession, AdvertisesStartTlsOnlyWithACertificate) {
  auto options = small_options();
  options.tls_available = true;
  Driver d(options);
  EXPECT_NE(d.feed("EHLO c\r\n").find("250-STARTTLS\r\n"), std::string::npos);
  const auto out = d.feed("STARTTLS\r\nMAIL FROM:<injected@x>\r\n");
  EXPECT_EQ(out, "220 2.0.0 Ready to start TLS\r\n") << "plaintext after STARTTLS is dropped";
  EXPECT_EQ(d.last, SmtpStep::Kind::start_tls);
  d.session.tls_started();
  EXPECT_EQ(d.feed("MAIL FROM:<a@b>\r\n"), "503 5.5.1 Send EHLO or HELO first\r\n");
  EXPECT_EQ(d.feed("EHLO c\r\n").find("STARTTLS"), std::string::npos);
  EXPECT_TRUE(d.session.envelope().tls);
}

TEST(SmtpSession, DeliversAWholeTransactionWithDotUnstuffing) {
  Driver d;
  d.feed("EHLO c\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<Alice@Example.com> BODY=8BITMIME\r\n"), "250 2.1.0 Sender OK\r\n");
  EXPECT_EQ(d.feed("RCPT TO:<help@support.test>\r\n"), "250 2.1.5 Recipient OK\r\n");
  EXPECT_EQ(d.feed("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(d.feed("Subject: hi\r\n\r\n..leading dot\r\nbare lf\n.\r\n"), "250 2.0.0 Queued as 1\r\n");
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "Subject: hi\r\n\r\n.leading dot\r\nbare lf\r\n");
  EXPECT_EQ(d.envelopes[0].mail_from, "Alice@Example.com");
  EXPECT_EQ(d.envelopes[0].recipients, std::vector<std::string>{"help@support.test"});
  EXPECT_TRUE(d.envelopes[0].eight_bit);
  // The transaction is over: a new one may start at once.
  EXPECT_EQ(d.feed("MAIL FROM:<>\r\n"), "250 2.1.0 Sender OK\r\n");
}

TEST(SmtpSession, PipelinedCommandsGetTheirRepliesInOrderInOneWrite) {
  Driver d;
  const auto out = d.feed(
      "EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<x@elsewhere.test>\r\nRCPT TO:<help@support.test>\r\nDATA\r\n");
  const auto mail = out.find("250 2.1.0");
  const auto bad = out.find("550 5.1.1");
  const auto good = out.find("250 2.1.5");
  const auto data = out.find("354 ");
  ASSERT_NE(mail, std::string::npos);
  ASSERT_NE(bad, std::string::npos);
  ASSERT_NE(good, std::string::npos);
  ASSERT_NE(data, std::string::npos);
  EXPECT_LT(mail, bad);
  EXPECT_LT(bad, good);
  EXPECT_LT(good, data);
  EXPECT_EQ(d.feed("body\r\n.\r\nQUIT\r\n"), "250 2.0.0 Queued as 1\r\n221 2.0.0 mx.test closing connection\r\n");
  EXPECT_EQ(d.last, SmtpStep::Kind::close);
  EXPECT_EQ(d.envelopes.at(0).recipients, std::vector<std::string>{"help@support.test"});
}

TEST(SmtpSession, RefusesCommandsOutOfSequenceWith503) {
  Driver d;
  EXPECT_EQ(d.feed("MAIL FROM:<a@b>\r\n"), "503 5.5.1 Send EHLO or HELO first\r\n");
  d.feed("HELO c\r\n");
  EXPECT_EQ(d.feed("RCPT TO:<help@support.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_EQ(d.feed("DATA\r\n"), "503 5.5.1 Need MAIL and RCPT before DATA\r\n");
  d.feed("MAIL FROM:<a@b>\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<a@b>\r\n"), "503 5.5.1 Sender already given\r\n");
  EXPECT_EQ(d.feed("RCPT TO:<nobody@elsewhere>\r\n"), "550 5.1.1 No such recipient here\r\n");
  EXPECT_EQ(d.feed("DATA\r\n"), "503 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(d.feed("RSET\r\n"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(d.feed("RCPT TO:<help@support.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_TRUE(d.messages.empty());
}

TEST(SmtpSession, RejectsSyntaxErrorsAndUnknownCommands) {
  Driver d;
  EXPECT_EQ(d.feed("EHLO\r\n"), "501 5.5.4 Syntax: EHLO hostname\r\n");
  d.feed("EHLO c\r\n");
  EXPECT_EQ(d.feed("MAIL TO:<a@b>\r\n"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:a@b\r\n"), "501 5.1.7 Bad sender address syntax\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<a@b> SMTPUTF8\r\n"), "555 5.5.4 Unsupported MAIL parameter\r\n");
  EXPECT_EQ(d.feed("BDAT 10\r\n"), "500 5.5.1 Command unrecognized\r\n");
  EXPECT_EQ(d.feed("NOOP\r\n"), "250 2.0.0 OK\r\n");
  EXPECT_EQ(d.feed("STARTTLS\r\n"), "502 5.5.1 STARTTLS not available\r\n");
}

TEST(SmtpSession, AnswersAnOverlongCommandLineWith500AndRecovers) {
  Driver d;
  d.feed("EHLO c\r\n");
  const std::string longline = "MAIL FROM:<" + std::string(600, 'a') + "@b>\r\n";
  EXPECT_EQ(d.feed(longline), "500 5.5.2 Line too long\r\n");
  // Split across reads, with no CRLF in the first part.
  EXPECT_EQ(d.feed(std::string(700, 'x')), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(d.feed(std::string(700, 'y')), "") << "the rest of the same line is dropped silently";
  EXPECT_EQ(d.feed("zzz\r\nNOOP\r\n"), "250 2.0.0 OK\r\n");
}

TEST(SmtpSession, RefusesADeclaredSizeOverTheLimitWith552) {
  Driver d;
  d.feed("EHLO c\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<a@b> SIZE=1001\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<a@b> SIZE=99999999999999999999999\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_EQ(d.feed("MAIL FROM:<a@b> SIZE=1000\r\n"), "250 2.1.0 Sender OK\r\n");
}

TEST(SmtpSession, RefusesAnUndeclaredMessageOverTheLimitWith552AndDeliversNothing) {
  Driver d;
  d.feed("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<help@support.test>\r\nDATA\r\n");
  std::string body;
  for (int i = 0; i < 30; ++i) body += std::string(70, 'x') + "\r\n";
  EXPECT_EQ(d.feed(body + ".\r\n"), "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_TRUE(d.messages.empty());
  EXPECT_EQ(d.feed("MAIL FROM:<a@b>\r\n"), "250 2.1.0 Sender OK\r\n") << "the session goes on";
}

TEST(SmtpSession, PassesTheCallersTemporaryFailureThrough) {
  Driver d;
  d.verdict = SmtpVerdict::temporary();
  d.feed("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<help@support.test>\r\nDATA\r\n");
  EXPECT_EQ(d.feed("x\r\n.\r\n"), "451 4.3.0 Temporary failure, try again later\r\n");
  EXPECT_EQ(d.messages.size(), 1u);
}

TEST(SmtpSession, HangsUpAfterTooManyErrors) {
  auto options = small_options();
  options.max_errors = 3;
  Driver d(options);
  d.feed("FOO\r\nBAR\r\n");
  EXPECT_EQ(d.last, SmtpStep::Kind::need_more);
  const auto out = d.feed("BAZ\r\nNOOP\r\n");
  EXPECT_TRUE(out.ends_with("421 4.7.0 Too many errors, closing connection\r\n"));
  EXPECT_EQ(d.last, SmtpStep::Kind::close);
}

TEST(SmtpSession, CapsRecipientsPerMessage) {
  auto options = small_options();
  options.max_recipients = 2;
  Driver d(options);
  d.feed("EHLO c\r\nMAIL FROM:<a@b>\r\n");
  const auto out = d.feed("RCPT TO:<a@support.test>\r\nRCPT TO:<b@support.test>\r\nRCPT TO:<c@support.test>\r\n");
  EXPECT_TRUE(out.ends_with("452 4.5.3 Too many recipients\r\n"));
}

}  // namespace
}  // namespace cc::net
