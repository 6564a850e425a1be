// SIP request parsing and response building: RFC 4475 torture messages (valid ones parse,
// invalid ones are refused), Via copying with received/rport, To tags, compact forms.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cc/channels/voice/sip_message.hpp"

using namespace cc::channels::voice;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CC_SIP_FIXTURES_DIR) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const SipPeer kPeer{"192.0.2.77", 5099, false};

}  // namespace

TEST(SipMessage, Rfc4475WsinvParsesWithFoldingAndCompactForms) {
  auto request = parse_sip_request(fixture("valid_wsinv.sip"), kPeer);
  ASSERT_TRUE(request) << request.error().detail;
  EXPECT_EQ(request->method, "INVITE");
  EXPECT_EQ(request->call_id, "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(request->cseq, 9u);
  EXPECT_EQ(request->cseq_method, "INVITE");
  EXPECT_EQ(request->max_forwards, 68);
  EXPECT_EQ(request->to_tag, "1918181833n");
  EXPECT_EQ(request->request_user, "vivekg");
  ASSERT_EQ(request->vias.size(), 3u);  // long and compact Via headers, comma-separated values
  EXPECT_EQ(request->branch, "390skdjuw");
  EXPECT_EQ(request->body.size(), 150u);
}

TEST(SipMessage, Rfc4475InvalidMessagesAreRefused) {
  for (const char* name : {"invalid_clerr.sip", "invalid_ncl.sip", "invalid_scalar02.sip", "invalid_ltgtruri.sip",
                           "invalid_lwsstart.sip", "invalid_badvers.sip", "invalid_mismatch01.sip"}) {
    const auto text = fixture(name);
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_FALSE(parse_sip_request(text, kPeer)) << name << " was accepted";
  }
}

TEST(SipMessage, CompactFormsAndRportAreFilledFromTheSource) {
  auto request = parse_sip_request(fixture("valid_compact.sip"), kPeer);
  ASSERT_TRUE(request) << request.error().detail;
  EXPECT_EQ(request->call_id, "compact-1@10.0.0.5");
  EXPECT_EQ(request->from_user, "+15550199");
  EXPECT_EQ(request->from_display, "\"Ada\"");
  EXPECT_EQ(request->request_user, "+15550100");
  EXPECT_EQ(request->branch, "z9hG4bK-compact-1");
  ASSERT_EQ(request->vias.size(), 2u);
  EXPECT_NE(request->vias[0].find("rport=5099"), std::string::npos) << request->vias[0];
  EXPECT_NE(request->vias[0].find("received=192.0.2.77"), std::string::npos) << request->vias[0];
  EXPECT_EQ(request->vias[1].find("received"), std::string::npos) << "only the top Via is stamped";
}

TEST(SipMessage, ReceivedOnlyWhenTheSentByHostDiffers) {
  const std::string text =
      "OPTIONS sip:pbx@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.77:5099;branch=z9hG4bK-1\r\n"
      "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x1\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  auto request = parse_sip_request(text, kPeer);
  ASSERT_TRUE(request) << request.error().detail;
  EXPECT_EQ(request->vias[0].find("received"), std::string::npos) << request->vias[0];
}

TEST(SipMessage, ResponseCopiesViasInOrderAndAddsTheToTag) {
  auto request = parse_sip_request(fixture("valid_compact.sip"), kPeer);
  ASSERT_TRUE(request);
  const auto text = build_sip_response(*request, {302, "Moved Temporarily", "tag42", {{"Contact", "<sip:1001@pbx>"}}});
  EXPECT_TRUE(text.starts_with("SIP/2.0 302 Moved Temporarily\r\n"));
  const auto first = text.find("Via: SIP/2.0/UDP 10.0.0.5:5070");
  const auto second = text.find("Via: SIP/2.0/UDP 10.0.0.9");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_NE(text.find(";tag=tag42\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Contact: <sip:1001@pbx>\r\n"), std::string::npos);
  EXPECT_NE(text.find("CSeq: 1 INVITE\r\n"), std::string::npos);
  EXPECT_NE(text.find("Call-ID: compact-1@10.0.0.5\r\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("Content-Length: 0\r\n\r\n"));
}

TEST(SipMessage, AnExistingToTagIsKept) {
  auto request = parse_sip_request(fixture("valid_wsinv.sip"), kPeer);
  ASSERT_TRUE(request);
  const auto text = build_sip_response(*request, {200, "OK", "ours", {}});
  EXPECT_EQ(text.find("tag=ours"), std::string::npos);
  EXPECT_NE(text.find("1918181833n"), std::string::npos);
}

TEST(SipMessage, GarbageIsRefusedWithoutACrash) {
  for (const std::string& text :
       {std::string(), std::string("\r\n\r\n"), std::string("hello"), std::string("SIP/2.0 200 OK\r\n\r\n"),
        std::string("INVITE sip:a@b SIP/2.0\r\n\r\n"), std::string("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n"),
        std::string(40000, 'A'), std::string("INVITE sip:a@b SIP/2.0\r\nCSeq: 1 INVITE\r\n\0\r\n\r\n", 44)}) {
    EXPECT_FALSE(parse_sip_request(text, kPeer)) << text.substr(0, 60);
  }
}

TEST(SipMessage, RequireTagsAreCollected) {
  const std::string text =
      "INVITE sip:+1555@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.77:5099;branch=z9hG4bK-r\r\n"
      "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: r1\r\nCSeq: 1 INVITE\r\nRequire: 100rel, timer\r\n"
      "Content-Length: 0\r\n\r\n";
  auto request = parse_sip_request(text, kPeer);
  ASSERT_TRUE(request) << request.error().detail;
  EXPECT_EQ(request->require, (std::vector<std::string>{"100rel", "timer"}));
}
