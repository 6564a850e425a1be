// The GMime parse path against the fixture corpus, and the pure email helpers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_loops.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/channels/email/email_text.hpp"

#ifndef CC_EMAIL_FIXTURES_DIR
#error "CC_EMAIL_FIXTURES_DIR must name tests/fixtures/email"
#endif

namespace cc::channels::email {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(EmailParser, EveryFixtureParsesToItsExpectedJson) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CC_EMAIL_FIXTURES_DIR)) {
    if (entry.path().extension() != ".eml") continue;
    auto expected_path = entry.path();
    expected_path.replace_extension(".json");
    SCOPED_TRACE(entry.path().filename().string());
    auto parsed = parse_email(read_file(entry.path()));
    ASSERT_TRUE(parsed.has_value());
    const auto expected = nlohmann::json::parse(read_file(expected_path));
    EXPECT_EQ(parsed_email_json(*parsed), expected) << parsed_email_json(*parsed).dump(2);
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

ParsedEmail fixture(const char* name) {
  auto parsed = parse_email(read_file(std::filesystem::path(CC_EMAIL_FIXTURES_DIR) / name));
  EXPECT_TRUE(parsed.has_value());
  return parsed ? *parsed : ParsedEmail{};
}

TEST(EmailParser, DecodesChineseCharsetsToUtf8) {
  EXPECT_EQ(fixture("gb2312_subject_body.eml").subject, "关于订单的问题");
  const auto gbk = fixture("gbk_mislabelled_rfc2231.eml");
  EXPECT_EQ(gbk.subject, "镕字测试") << "a GBK-only character in an encoded word";
  EXPECT_EQ(gbk.text, "朱镕基同志的来信：请尽快处理。");
  ASSERT_EQ(gbk.attachments.size(), 1u);
  EXPECT_EQ(gbk.attachments[0].filename, "合同.doc") << "RFC 2231 filename in GBK";
  EXPECT_EQ(fixture("big5_subject_body.eml").from_name, "陳小姐");
}

TEST(EmailParser, ReadsTheBouncedMessageIdFromADeliveryReport) {
  const auto dsn = fixture("dsn_bounce.eml");
  ASSERT_TRUE(dsn.delivery_status.has_value());
  EXPECT_EQ(dsn.delivery_status->original_message_id, "outbox-42.abcdef@shop.test");
  EXPECT_EQ(dsn.delivery_status->action, "failed");
  EXPECT_EQ(dsn.delivery_status->status, "5.1.1");
}

TEST(EmailParser, RefusesInputThatIsNoMessageWithoutCrashing) {
  const std::vector<std::string> inputs{std::string(), std::string("\r\n\r\n"), std::string("\0\0\xff", 3),
                                        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"};
  for (const auto& input : inputs) {
    auto parsed = parse_email(input);
    if (parsed) {
      EXPECT_TRUE(parsed->from_address.empty());
    }
  }
}

TEST(EmailCharset, FallsBackToGb18030ForUndeclaredEightBitText) {
  EXPECT_EQ(decode_to_utf8("\xc4\xe3\xba\xc3", ""), "你好");
  EXPECT_EQ(decode_to_utf8("\xc4\xe3\xba\xc3", "gb2312"), "你好");
  EXPECT_EQ(decode_to_utf8("caf\xc3\xa9", "utf-8"), "café");
  EXPECT_EQ(decode_to_utf8("abc", "no-such-charset"), "abc");
}

TEST(EmailQuotes, StripsEnglishAndChineseQuotedHistory) {
  EXPECT_EQ(strip_quoted_history("Thanks!\n\nOn Mon, 1 Jan 2026, Bob <b@x> wrote:\n> old\n"), "Thanks!");
  EXPECT_EQ(strip_quoted_history("Yes.\nOn Mon, 1 Jan 2026 at 10:00, Bob\n<b@x> wrote:\n> old"), "Yes.");
  EXPECT_EQ(strip_quoted_history("OK\n\n-----Original Message-----\nFrom: a\nold"), "OK");
  EXPECT_EQ(strip_quoted_history("好的\n\n------------------ 原始邮件 ------------------\n发件人: a"), "好的");
  EXPECT_EQ(strip_quoted_history("收到\n在 2026年1月1日 周一 10:00，Bob <b@x> 写道：\n> 旧"), "收到");
  EXPECT_EQ(strip_quoted_history("Fine\n________________________________\nFrom: x\nSent: y"), "Fine");
  EXPECT_EQ(strip_quoted_history("> only quoted\n> text"), "> only quoted\n> text")
      << "nothing would be left: keep all";
  EXPECT_EQ(strip_quoted_history("From: my shop account\nplease help"),
            "From: my shop account\nplease help") << "a From: line alone is not a header block";
}

TEST(EmailHtml, SanitizesActiveContent) {
  const auto clean = sanitize_html(
      "<div onmouseover='x()' class=\"a\">hi<script>evil()</script><IFRAME src=x></iframe>"
      "<a href=\"javascript:alert(1)\" title=\"t\">l</a><img src=x onerror=alert(1)></div>");
  EXPECT_EQ(clean.find("script"), std::string::npos);
  EXPECT_EQ(clean.find("evil"), std::string::npos);
  EXPECT_EQ(clean.find("iframe"), std::string::npos);
  EXPECT_EQ(clean.find("onmouseover"), std::string::npos);
  EXPECT_EQ(clean.find("onerror"), std::string::npos);
  EXPECT_EQ(clean.find("javascript"), std::string::npos);
  EXPECT_NE(clean.find("class=\"a\""), std::string::npos);
  EXPECT_NE(clean.find("title=\"t\""), std::string::npos);
  EXPECT_EQ(html_to_text("<p>a&amp;b</p><p>c<br>d</p>"), "a&b\nc\nd");
}

TEST(EmailUtf8, RepairsAndCutsOnCharacterBoundaries) {
  EXPECT_EQ(to_valid_utf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(to_valid_utf8(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(truncate_utf8("你好", 4), "你");
}

TEST(EmailLoops, RecognisesMachineWrittenMail) {
  EXPECT_EQ(machine_mail_reason({.auto_submitted = "auto-replied; owner=x"}), "auto-submitted: auto-replied");
  EXPECT_EQ(machine_mail_reason({.auto_submitted = "no"}), "");
  EXPECT_EQ(machine_mail_reason({.x_autoreply = "yes"}), "x-autoreply");
  EXPECT_EQ(machine_mail_reason({.x_autorespond = "1"}), "x-autorespond");
  EXPECT_EQ(machine_mail_reason({.precedence = "Bulk"}), "precedence: bulk");
  EXPECT_EQ(machine_mail_reason({.precedence = "first-class"}), "");
  EXPECT_EQ(machine_mail_reason({.from_address = "MAILER-DAEMON@mx.test"}), "sender: mailer-daemon");
  EXPECT_EQ(machine_mail_reason({.from_address = "postmaster@mx.test"}), "sender: postmaster");
  EXPECT_EQ(machine_mail_reason({.from_address = "a@b.c", .envelope_from = "", .envelope_known = true}),
            "null reverse path");
  EXPECT_EQ(machine_mail_reason({.from_address = "a@b.c", .envelope_from = "a@b.c", .envelope_known = true}), "");
}

TEST(EmailInbound, MapsAReplyToAnInboundMessage) {
  InboundContext context{7, "support+c5@shop.test", true, "alice.liu@example.com", "ab"};
  const auto inbound = to_inbound(fixture("reply_with_quotes.eml"), context);
  ASSERT_TRUE(inbound.has_value());
  const auto& m = inbound->message;
  EXPECT_EQ(m.channel, domain::Channel::email);
  EXPECT_EQ(m.channel_account_id, 7);
  EXPECT_EQ(m.provider_message_id, "reply-1@example.com");
  ASSERT_EQ(m.identifiers.size(), 1u);
  EXPECT_EQ(m.identifiers[0].type, "email");
  EXPECT_EQ(m.identifiers[0].value, "alice.liu@example.com");
  EXPECT_EQ(m.content, "Thanks, it arrived today!");
  EXPECT_EQ(m.reply_address, "alice.liu@example.com");
  EXPECT_EQ(m.display_name.value_or(""), "Alice");
  EXPECT_TRUE(m.routable);
  EXPECT_EQ(inbound->conversation_token, std::optional<domain::Id>(5));
  EXPECT_EQ(inbound->thread_ids, (std::vector<std::string>{"outbox-1.abc@shop.test", "plain-1@example.com"}));
  const auto metadata = nlohmann::json::parse(m.metadata_json);
  EXPECT_EQ(metadata["subject"], "Re: Where is my order?");
  EXPECT_EQ(metadata["in_reply_to"], "outbox-1.abc@shop.test");
  EXPECT_NE(metadata["full_text"].get<std::string>().find("> Your order is on its way."), std::string::npos);
}

TEST(EmailInbound, StoresAutoRepliesUnroutable) {
  const auto inbound = to_inbound(fixture("auto_reply.eml"), {1, "support@shop.test", true, "erin@example.com", ""});
  ASSERT_TRUE(inbound.has_value());
  EXPECT_FALSE(inbound->message.routable);
  EXPECT_EQ(nlohmann::json::parse(inbound->message.metadata_json)["machine_reason"], "auto-submitted: auto-replied");
}

TEST(EmailInbound, UsesAHashWhenTheMailHasNoMessageId) {
  auto parsed = fixture("plain.eml");
  parsed.message_id.clear();
  const auto inbound = to_inbound(parsed, {1, "support@shop.test", false, "", "00ff"});
  ASSERT_TRUE(inbound.has_value());
  EXPECT_EQ(inbound->message.provider_message_id, "sha256:00ff");
}

TEST(EmailAddresses, PlusAddressingCarriesTheConversation) {
  EXPECT_EQ(plus_address("support@shop.test", 42), "support+c42@shop.test");
  EXPECT_EQ(conversation_token_of("support+c42@shop.test"), std::optional<domain::Id>(42));
  EXPECT_EQ(conversation_token_of("support+x42@shop.test"), std::nullopt);
  EXPECT_EQ(conversation_token_of("support+c@shop.test"), std::nullopt);
  EXPECT_EQ(conversation_token_of("support@shop.test"), std::nullopt);
  EXPECT_EQ(without_plus_tag("support+c42@shop.test"), "support@shop.test");
}

}  // namespace
}  // namespace cc::channels::email
