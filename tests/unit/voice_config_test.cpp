// Voice channel account config: gateways (addresses and CIDRs), DIDs, overflow, secret; and the
// SIP stream framing by Content-Length.
#include <gtest/gtest.h>

#include "cc/channels/voice/voice_config.hpp"
#include "cc/net/sip_framing.hpp"

using namespace cc::channels::voice;
using nlohmann::json;

TEST(VoiceConfig, GatewaysAcceptAddressesAndCidrs) {
  auto config = parse_voice_config(json{{"gateways", {"10.1.0.0/16", "192.0.2.7", "2001:db8::/32"}}});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_TRUE(gateway_allowed(*config, "10.1.200.3"));
  EXPECT_FALSE(gateway_allowed(*config, "10.2.0.1"));
  EXPECT_TRUE(gateway_allowed(*config, "192.0.2.7"));
  EXPECT_FALSE(gateway_allowed(*config, "192.0.2.8"));
  EXPECT_TRUE(gateway_allowed(*config, "2001:db8::1"));
  EXPECT_TRUE(gateway_allowed(*config, "::ffff:10.1.0.9")) << "v4-mapped sources match v4 rules";
  EXPECT_FALSE(gateway_allowed(*config, "not an address"));
}

TEST(VoiceConfig, InvalidFieldsNameThemselves) {
  EXPECT_EQ(parse_voice_config(json::object()).error().field, "/config/gateways");
  EXPECT_EQ(parse_voice_config(json{{"gateways", {"10.0.0.0/33"}}}).error().field, "/config/gateways/0");
  EXPECT_EQ(parse_voice_config(json{{"gateways", {"10.0.0.1"}}, {"overflow_uri", "http://x"}}).error().field,
            "/config/overflow_uri");
  EXPECT_EQ(parse_voice_config(json{{"gateways", {"10.0.0.1"}}, {"dids", {{"12ab", "sales"}}}}).error().field,
            "/config/dids/12ab");
  EXPECT_EQ(parse_voice_config(json{{"gateways", {"10.0.0.1"}}, {"webhook_secret", "short"}}).error().field,
            "/config/webhook_secret");
  EXPECT_EQ(parse_voice_config(json{{"gateways", {"10.0.0.1"}}, {"dids", {{"+1555", {{"queue", "q"}, {"no_agent", "overflow"}}}}}})
                .error()
                .field,
            "/config/dids/+1555/no_agent")
      << "overflow without overflow_uri";
}

TEST(VoiceConfig, DidsMapToQueuesAndNoAgentBehaviour) {
  auto config = parse_voice_config(json{{"gateways", {"127.0.0.1"}},
                                        {"overflow_uri", "sip:voicemail@pbx"},
                                        {"dids",
                                         {{"+15550100", "sales"},
                                          {"+15550111", {{"queue", "vip"}, {"no_agent", "busy"}, {"retry_after", 30}}}}}});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(route_for_did(*config, "+15550100").queue, "sales");
  EXPECT_TRUE(route_for_did(*config, "+15550100").overflow);
  EXPECT_EQ(route_for_did(*config, "15550100").queue, "sales") << "a DID without + still matches";
  const auto vip = route_for_did(*config, "+15550111");
  EXPECT_EQ(vip.queue, "vip");
  EXPECT_FALSE(vip.overflow);
  EXPECT_EQ(vip.retry_after, 30);
  EXPECT_EQ(route_for_did(*config, "999").queue, "default");
}

TEST(SipFraming, StreamsAreSplitByContentLength) {
  using cc::net::next_sip_frame;
  using Kind = cc::net::SipFrame::Kind;
  const std::string one = "OPTIONS sip:a SIP/2.0\r\nl: 3\r\n\r\nabc";
  const std::string two = "INVITE sip:b SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  auto frame = next_sip_frame("\r\n\r\n" + one + two, 16384);
  ASSERT_EQ(frame.kind, Kind::message);
  EXPECT_EQ(frame.message, one);
  EXPECT_EQ(frame.consumed, 4 + one.size()) << "keep-alive CRLFs are skipped";
  EXPECT_EQ(next_sip_frame(one.substr(0, one.size() - 1), 16384).kind, Kind::need_more);
  EXPECT_EQ(next_sip_frame("OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n", 16384).kind, Kind::bad)
      << "Content-Length is mandatory on a stream";
  EXPECT_EQ(next_sip_frame("OPTIONS sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n", 16384).kind, Kind::bad);
  EXPECT_EQ(next_sip_frame("OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999\r\n\r\n", 16384).kind, Kind::bad);
  EXPECT_EQ(next_sip_frame(std::string(20000, 'x'), 16384).kind, Kind::bad) << "endless headers";
}

#include "cc/channels/voice/sip_service.hpp"
#include "cc/channels/voice/voice_routes.hpp"

TEST(VoiceEvents, CallEventsAreBoundedAndSummarised) {
  auto hangup = parse_call_event(
      R"({"event":"hangup","call_id":"c1","from":"+15550199","to":"+15550100","agent":"sip:1001@pbx",
          "cause":"NORMAL_CLEARING","duration":80,"billsec":65,"transcript":"hello"})");
  ASSERT_TRUE(hangup) << hangup.error().detail;
  EXPECT_EQ(hangup->event.billsec, 65);
  EXPECT_EQ(call_summary_text(*hangup, true), "Call answered by sip:1001@pbx, talked 1m 5s (NORMAL_CLEARING)\n\nhello");
  EXPECT_EQ(call_summary_text(*hangup, false), "Missed call (NORMAL_CLEARING)\n\nhello");
  EXPECT_EQ(parse_call_event("not json").error().code, cc::ErrorCode::malformed);
  EXPECT_EQ(parse_call_event(R"({"event":"boom","call_id":"c"})").error().field, "/event");
  EXPECT_EQ(parse_call_event(R"({"event":"ringing"})").error().field, "/call_id");
  EXPECT_EQ(parse_call_event(R"({"event":"hangup","call_id":"c"})").error().field, "/from");
  EXPECT_EQ(parse_call_event(R"({"event":"ringing","call_id":"c","duration":-5})").error().field, "/duration");
  EXPECT_EQ(parse_call_event(R"({"event":"ringing","call_id":"c","recording_url":"ftp://x"})").error().field,
            "/recording_url");
  EXPECT_EQ(parse_call_event(R"({"event":"ringing","call_id":")" + std::string(300, 'x') + "\"}").error().field,
            "/call_id");
}

TEST(VoiceEvents, ContactsAndThePopPayload) {
  EXPECT_EQ(contact_for("sip:1001@pbx"), "<sip:1001@pbx>");
  EXPECT_EQ(contact_for("1001@pbx"), "<sip:1001@pbx>");
  SipRequest request;
  request.call_id = "c9";
  request.from_user = "+15550199";
  request.request_user = "+15550100";
  const auto event = call_incoming_event(VoiceAccount{7, {}}, request, "sales", 31, json{{"customer", {{"tier", "vip"}}}});
  EXPECT_EQ(event["call_id"], "c9");
  EXPECT_EQ(event["channel_account_id"], "7");
  EXPECT_EQ(event["customer_id"], "31");
  EXPECT_EQ(event["queue"], "sales");
  EXPECT_EQ(event["customer"]["customer"]["tier"], "vip");
  EXPECT_TRUE(call_incoming_event(VoiceAccount{7, {}}, request, "q", std::nullopt, nullptr)["customer_id"].is_null());
}
