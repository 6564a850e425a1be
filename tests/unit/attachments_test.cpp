// Attachments: the pure rules (cid: links, inline allow-list, Content-Disposition) and the email
// parser's extraction of attachment bodies with its size and count limits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/domain/attachment_rules.hpp"

#ifndef CC_EMAIL_FIXTURES_DIR
#error "CC_EMAIL_FIXTURES_DIR must name tests/fixtures/email"
#endif

namespace cc {
namespace {

std::string fixture_text(const char* name) {
  std::ifstream in(std::filesystem::path(CC_EMAIL_FIXTURES_DIR) / name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(AttachmentRules, LinksKnownCidReferencesToTheDownloadRoute) {
  const std::vector<std::pair<std::string, domain::Id>> parts{{"photo@x.org", 7}, {"a b@x", 9}};
  EXPECT_EQ(domain::link_inline_parts("<img src=\"cid:photo@x.org\">", parts),
            "<img src=\"/api/v1/attachments/7\">");
  EXPECT_EQ(domain::link_inline_parts("<img src='CID:photo%40x.org'>", parts), "<img src='/api/v1/attachments/7'>")
      << "scheme case-insensitive, URL percent-decoded (RFC 2392)";
  EXPECT_EQ(domain::link_inline_parts("<td style=\"background:url(cid:a%20b@x)\">", parts),
            "<td style=\"background:url(/api/v1/attachments/9)\">");
  EXPECT_EQ(domain::link_inline_parts("<img src=\"cid:other@x.org\"> acid:photo@x.org", parts),
            "<img src=\"cid:other@x.org\"> acid:photo@x.org")
      << "unknown ids and words merely ending in cid stay";
  EXPECT_EQ(domain::link_inline_parts("cid:photo@x.org", {}), "cid:photo@x.org");
  EXPECT_EQ(domain::link_inline_parts("<img src=\"cid:", parts), "<img src=\"cid:") << "cut off at the end";
}

TEST(AttachmentRules, ServesOnlyHarmlessTypesInline) {
  for (const char* type : {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
                           "IMAGE/PNG"}) {
    EXPECT_TRUE(domain::served_inline(type)) << type;
  }
  for (const char* type : {"text/html", "image/svg+xml", "application/javascript", "text/xml",
                           "application/octet-stream", "", "image/png; x=1", "text/plain2"}) {
    EXPECT_FALSE(domain::served_inline(type)) << type;
  }
}

TEST(AttachmentRules, ContentDispositionQuotesAndEncodesTheFilename) {
  EXPECT_EQ(domain::content_disposition(true, "photo.png"), "inline; filename=\"photo.png\"");
  EXPECT_EQ(domain::content_disposition(false, ""), "attachment; filename=\"attachment\"");
  EXPECT_EQ(domain::content_disposition(false, "a\"b\\c/d\r\n.txt"), "attachment; filename=\"a_b_c_d__.txt\"");
  EXPECT_EQ(domain::content_disposition(false, "订单 1.csv"),
            "attachment; filename=\"__ 1.csv\"; filename*=UTF-8''%E8%AE%A2%E5%8D%95%201.csv");
}

TEST(EmailAttachments, KeepsTheBytesOfAttachmentsAndInlineImages) {
  auto parsed = channels::email::parse_email(fixture_text("mixed_inline_and_attachment.eml"));
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->attachments.size(), 3u);
  const auto& image = parsed->attachments[0];
  EXPECT_EQ(image.filename, "lamp.png");
  EXPECT_EQ(image.content_type, "image/png");
  EXPECT_EQ(image.content_id, "lamp.photo@example.org");
  EXPECT_TRUE(image.inline_part);
  EXPECT_TRUE(image.content.starts_with("\x89PNG\r\n\x1a\n")) << "base64 decoded";
  EXPECT_EQ(image.content.size(), image.size);
  EXPECT_TRUE(image.omitted.empty());
  const auto& pdf = parsed->attachments[1];
  EXPECT_EQ(pdf.filename, "receipt.pdf");
  EXPECT_FALSE(pdf.inline_part);
  EXPECT_TRUE(pdf.content.starts_with("%PDF-1.4\n"));
  const auto& page = parsed->attachments[2];
  EXPECT_EQ(page.filename, "发票 \"v2\".html") << "RFC 2231 UTF-8 filename";
  EXPECT_EQ(page.content_type, "text/html");
  EXPECT_EQ(page.content, "<script>alert(1)</script>") << "decoded, kept as sent (the CRLF before the boundary is not content)";
  EXPECT_NE(parsed->html.find("cid:lamp.photo%40example.org"), std::string::npos)
      << "the parser leaves cid: links; the store links them once ids exist";
}

TEST(EmailAttachments, OmitsFilesOverTheSizeLimitButKeepsTheMessage) {
  channels::email::ParseLimits limits;
  limits.max_attachment_bytes = 80;  // the PNG (70 bytes) fits, the PDF does not
  auto parsed = channels::email::parse_email(fixture_text("mixed_inline_and_attachment.eml"), limits);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->text, "The lamp arrived broken (photo below), the receipt is attached.");
  ASSERT_EQ(parsed->attachments.size(), 3u);
  EXPECT_TRUE(parsed->attachments[0].omitted.empty());
  EXPECT_EQ(parsed->attachments[0].content.size(), 70u);
  const auto& pdf = parsed->attachments[1];
  EXPECT_EQ(pdf.omitted, "larger than the limit of 80 bytes");
  EXPECT_TRUE(pdf.content.empty());
  EXPECT_GT(pdf.size, 80u) << "the real size is still reported";
  EXPECT_EQ(pdf.filename, "receipt.pdf");
}

TEST(EmailAttachments, OmitsFilesPastTheCountLimit) {
  channels::email::ParseLimits limits;
  limits.max_attachments = 1;
  auto parsed = channels::email::parse_email(fixture_text("mixed_inline_and_attachment.eml"), limits);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->attachments.size(), 3u);
  EXPECT_TRUE(parsed->attachments[0].omitted.empty());
  EXPECT_EQ(parsed->attachments[1].omitted, "more than 1 attachments in one message");
  EXPECT_EQ(parsed->attachments[2].omitted, "more than 1 attachments in one message");
  EXPECT_TRUE(parsed->attachments[2].content.empty());
}

TEST(EmailAttachments, HandsTheFilesToTheIngestPipeline) {
  channels::email::ParseLimits limits;
  limits.max_attachment_bytes = 80;
  auto parsed = channels::email::parse_email(fixture_text("mixed_inline_and_attachment.eml"), limits);
  ASSERT_TRUE(parsed.has_value());
  const auto inbound = channels::email::to_inbound(*parsed, {3, "support@shop.test", true, "fay@example.org", ""});
  ASSERT_TRUE(inbound.has_value());
  const auto& files = inbound->message.attachments;
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].content, parsed->attachments[0].content);
  EXPECT_EQ(files[0].content_id, "lamp.photo@example.org");
  EXPECT_TRUE(files[0].inline_part);
  EXPECT_TRUE(files[0].omitted_reason.empty());
  EXPECT_EQ(files[1].omitted_reason, "larger than the limit of 80 bytes");
  EXPECT_EQ(files[1].size, parsed->attachments[1].size);
  EXPECT_TRUE(files[1].content.empty());
  const auto metadata = nlohmann::json::parse(inbound->message.metadata_json);
  EXPECT_EQ(metadata["attachments"], nlohmann::json::array()) << "the store writes the list, with ids";
}

TEST(EmailAttachments, AnAttachmentWithoutAnyBodyIsKeptEmpty) {
  const std::string raw =
      "From: a@b.example\r\nTo: support@shop.test\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
      "--z\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=e.zip\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n--z--\r\n";
  auto parsed = channels::email::parse_email(raw);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].size, 0u);
  EXPECT_TRUE(parsed->attachments[0].omitted.empty());
}

}  // namespace
}  // namespace cc
