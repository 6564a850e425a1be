// Outgoing replies: threading headers, RFC 2047 subject, multipart/alternative; and they parse
// back with the inbound parser.
#include <gtest/gtest.h>

#include "cc/channels/email/email_mime_builder.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/net/smtp_client.hpp"

namespace cc::channels::email {
namespace {

OutgoingEmail sample() {
  OutgoingEmail email;
  email.from_address = "support@shop.test";
  email.reply_to = "support+c5@shop.test";
  email.to = "alice@example.com";
  email.subject = reply_subject("关于订单的问题");
  email.text = "您好 <Alice>,\n.your order shipped.";
  email.message_id = "outbox-9.abc@shop.test";
  email.references = {"first@example.com", "second@example.com"};
  email.date = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));
  return email;
}

TEST(EmailMimeBuilder, WritesThreadingHeadersAndAnEncodedSubject) {
  const auto raw = build_mime(sample());
  EXPECT_NE(raw.find("Message-Id: <outbox-9.abc@shop.test>\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("In-Reply-To: <second@example.com>\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("References: <first@example.com> <second@example.com>\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Reply-To: support+c5@shop.test\r\n"), std::string::npos) << raw;
  const auto subject = raw.find("\r\nSubject: ");
  ASSERT_NE(subject, std::string::npos);
  const auto subject_line = raw.substr(subject + 2, raw.find("\r\n", subject + 2) - subject - 2);
  EXPECT_NE(subject_line.find("=?"), std::string::npos) << "non-ASCII words are RFC 2047 encoded: " << subject_line;
  EXPECT_NE(raw.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(raw.find("Date: "), std::string::npos);
  for (const unsigned char c : raw) ASSERT_LT(c, 0x80) << "the message is 7-bit clean";
}

TEST(EmailMimeBuilder, RoundTripsThroughTheParser) {
  auto parsed = parse_email(build_mime(sample()));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->subject, "Re: 关于订单的问题");
  EXPECT_EQ(parsed->message_id, "outbox-9.abc@shop.test");
  EXPECT_EQ(parsed->in_reply_to, "second@example.com");
  EXPECT_EQ(parsed->references, (std::vector<std::string>{"first@example.com", "second@example.com"}));
  EXPECT_EQ(parsed->text, "您好 <Alice>,\n.your order shipped.");
  EXPECT_NE(parsed->html.find("&lt;Alice&gt;"), std::string::npos);
  EXPECT_EQ(parsed->reply_to_address, "support+c5@shop.test");
}

TEST(EmailMimeBuilder, KeepsAnExistingReplyPrefix) {
  EXPECT_EQ(reply_subject("Re: hello"), "Re: hello");
  EXPECT_EQ(reply_subject("RE: hello"), "RE: hello");
  EXPECT_EQ(reply_subject("回复: 你好"), "回复: 你好");
  EXPECT_EQ(reply_subject("hello"), "Re: hello");
  EXPECT_EQ(reply_subject(""), "Re: your message");
}

TEST(SmtpClient, DotStuffsAndTerminatesTheData) {
  EXPECT_EQ(net::smtp_dot_stuff("a\r\n.b\n..c"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(net::smtp_dot_stuff("x\r\n"), "x\r\n.\r\n");
}

}  // namespace
}  // namespace cc::channels::email
