// WeChat push XML: every message and event type maps to the right InboundMessage; malformed,
// hostile and oversized documents are refused without a crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cc/channels/wechat/wechat_inbound.hpp"
#include "cc/channels/wechat/wechat_xml.hpp"

namespace cc::channels::wechat {
namespace {

using nlohmann::json;

constexpr const char* kAppId = "wxapp";

std::string push(const std::string& type, const std::string& fields) {
  return "<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser_1-x]]></FromUserName>"
         "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[" + type + "]]></MsgType>" + fields + "</xml>";
}

domain::InboundMessage inbound(const std::string& xml) {
  auto parsed = parse_wechat_xml(xml);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().detail);
  auto message = inbound_from_push(*parsed, 7, kAppId);
  EXPECT_TRUE(message) << (message ? "" : message.error().detail);
  return *message;
}

json metadata(const domain::InboundMessage& message) { return json::parse(message.metadata_json); }

TEST(WechatInbound, TextMessageCarriesOpenidIdentifierAndMsgId) {
  const auto message = inbound(push("text", "<Content><![CDATA[你好 <b>]]></Content><MsgId>1234567890123456</MsgId>"));
  EXPECT_EQ(message.channel, domain::Channel::wechat);
  EXPECT_EQ(message.channel_account_id, 7);
  EXPECT_EQ(message.provider_message_id, "1234567890123456");
  EXPECT_EQ(message.content, "你好 <b>");
  EXPECT_EQ(message.content_type, "text");
  EXPECT_EQ(message.reply_address, "oUser_1-x");
  ASSERT_EQ(message.identifiers.size(), 1u);
  EXPECT_EQ(message.identifiers[0].type, "wechat_openid");
  EXPECT_EQ(message.identifiers[0].value, "wxapp:oUser_1-x");
  EXPECT_TRUE(message.identifiers[0].verified);
  EXPECT_EQ(message.provider_time, domain::TimePoint(std::chrono::seconds(1700000000)));
  EXPECT_TRUE(message.routable);
  EXPECT_EQ(metadata(message)["msg_id"], "1234567890123456");
}

TEST(WechatInbound, UnionIdBecomesASecondVerifiedIdentifier) {
  const auto message = inbound(push("text", "<Content>x</Content><MsgId>1</MsgId><UnionId>uUnion9</UnionId>"));
  ASSERT_EQ(message.identifiers.size(), 2u);
  EXPECT_EQ(message.identifiers[1].type, "wechat_unionid");
  EXPECT_EQ(message.identifiers[1].value, "uUnion9");
  EXPECT_TRUE(message.identifiers[1].verified);
}

TEST(WechatInbound, ImageKeepsPicUrlAndMediaId) {
  const auto message = inbound(push("image", "<PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId>m1</MediaId><MsgId>2</MsgId>"));
  EXPECT_EQ(message.content_type, "image");
  EXPECT_EQ(message.content, "[image]");
  EXPECT_EQ(metadata(message)["media_id"], "m1");
  EXPECT_EQ(metadata(message)["pic_url"], "http://p/1.jpg");
}

TEST(WechatInbound, VoiceUsesRecognitionWhenPresent) {
  const auto recognised = inbound(push("voice", "<MediaId>v1</MediaId><Format>amr</Format><Recognition>打开</Recognition><MsgId>3</MsgId>"));
  EXPECT_EQ(recognised.content, "打开");
  EXPECT_EQ(metadata(recognised)["format"], "amr");
  EXPECT_EQ(metadata(recognised)["recognition"], "打开");
  const auto plain = inbound(push("voice", "<MediaId>v1</MediaId><Format>speex</Format><MsgId>4</MsgId>"));
  EXPECT_EQ(plain.content, "[voice message]");
  EXPECT_FALSE(metadata(plain).contains("recognition"));
}

TEST(WechatInbound, VideoAndShortVideo) {
  const auto video = inbound(push("video", "<MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>5</MsgId>"));
  EXPECT_EQ(video.content_type, "video");
  EXPECT_EQ(metadata(video)["thumb_media_id"], "t");
  EXPECT_EQ(metadata(video)["short_video"], false);
  const auto short_video = inbound(push("shortvideo", "<MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId><MsgId>6</MsgId>"));
  EXPECT_EQ(short_video.content_type, "video");
  EXPECT_EQ(metadata(short_video)["short_video"], true);
}

TEST(WechatInbound, LocationAndLink) {
  const auto location = inbound(push("location",
      "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale>"
      "<Label><![CDATA[位置信息]]></Label><MsgId>7</MsgId>"));
  EXPECT_EQ(location.content_type, "location");
  EXPECT_EQ(location.content, "[location] 位置信息");
  EXPECT_EQ(metadata(location)["location"]["latitude"], "23.134521");
  EXPECT_EQ(metadata(location)["location"]["scale"], "20");
  const auto link = inbound(push("link",
      "<Title>T</Title><Description>D</Description><Url>https://e.x/a</Url><MsgId>8</MsgId>"));
  EXPECT_EQ(link.content_type, "link");
  EXPECT_EQ(metadata(link)["link"]["url"], "https://e.x/a");
  EXPECT_EQ(metadata(link)["link"]["title"], "T");
}

TEST(WechatInbound, EventsDedupeOnSenderTimeAndEvent) {
  const auto subscribe = inbound(push("event", "<Event>subscribe</Event><EventKey>qrscene_42</EventKey><Ticket>TK</Ticket>"));
  EXPECT_EQ(subscribe.content_type, "event");
  EXPECT_EQ(subscribe.provider_message_id, "event:oUser_1-x:1700000000:subscribe");
  EXPECT_EQ(metadata(subscribe)["event"], "subscribe");
  EXPECT_EQ(metadata(subscribe)["event_key"], "qrscene_42");
  EXPECT_EQ(metadata(subscribe)["ticket"], "TK");
  EXPECT_TRUE(subscribe.routable);

  const auto unsubscribe = inbound(push("event", "<Event>unsubscribe</Event>"));
  EXPECT_FALSE(unsubscribe.routable);
  EXPECT_EQ(unsubscribe.provider_message_id, "event:oUser_1-x:1700000000:unsubscribe");

  for (const char* event : {"CLICK", "VIEW", "SCAN"}) {
    const auto message = inbound(push("event", std::string("<Event>") + event + "</Event><EventKey>K1</EventKey>"));
    EXPECT_TRUE(message.routable) << event;
    EXPECT_NE(message.content.find("K1"), std::string::npos) << event;
    EXPECT_EQ(metadata(message)["event"], event);
  }
  // Location reports and other platform notices are stored, not offered to agents.
  EXPECT_FALSE(inbound(push("event", "<Event>LOCATION</Event>")).routable);
}

TEST(WechatInbound, RefusesMissingOrBadRequiredFields) {
  auto fails = [](const std::string& xml) {
    auto parsed = parse_wechat_xml(xml);
    return !parsed || !inbound_from_push(*parsed, 1, kAppId);
  };
  EXPECT_TRUE(fails("<xml><MsgType>text</MsgType><Content>x</Content></xml>"));  // no sender
  EXPECT_TRUE(fails(push("text", "<MsgId>1</MsgId>")));                          // no content
  EXPECT_TRUE(fails(push("event", "")));                                           // no Event
  EXPECT_TRUE(fails("<xml><FromUserName>a b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"));
  EXPECT_TRUE(fails("<xml><FromUserName>ab</FromUserName><CreateTime>-5</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"));
  EXPECT_TRUE(fails("<xml><FromUserName>ab</FromUserName><CreateTime>99999999999999</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>"));
  EXPECT_TRUE(fails(push("text", "<Content>\xff\xfe</Content><MsgId>1</MsgId>")));  // not UTF-8
}

TEST(WechatXml, RefusesDoctypeAndEntityDeclarations) {
  const auto xxe = parse_wechat_xml(
      "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<xml><Content>&x;</Content></xml>");
  ASSERT_FALSE(xxe);
  EXPECT_EQ(xxe.error().code, ErrorCode::malformed);
  EXPECT_FALSE(parse_wechat_xml("<!doctype xml><xml/>"));
  EXPECT_FALSE(parse_wechat_xml("<xml><a><!ENTITY y \"z\"></a></xml>"));
}

TEST(WechatXml, RefusesOversizedMalformedAndWrongRoot) {
  const auto big = parse_wechat_xml("<xml><Content>" + std::string(kMaxXmlBytes, 'a') + "</Content></xml>");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::too_large);
  EXPECT_FALSE(parse_wechat_xml(""));
  EXPECT_FALSE(parse_wechat_xml("<xml><Content>unclosed</xml>"));
  EXPECT_FALSE(parse_wechat_xml("<notxml/>"));
  EXPECT_FALSE(parse_wechat_xml("not xml at all"));
  std::string many = "<xml>";
  for (int i = 0; i < 100; ++i) many += "<F" + std::to_string(i) + ">x</F" + std::to_string(i) + ">";
  EXPECT_FALSE(parse_wechat_xml(many + "</xml>"));
}

TEST(WechatXml, DeepNestingDoesNotCrashAndPredefinedEntitiesDecode) {
  std::string deep = "<xml><A>";
  for (int i = 0; i < 5000; ++i) deep += "<b>";
  for (int i = 0; i < 5000; ++i) deep += "</b>";
  deep += "</A></xml>";
  EXPECT_TRUE(parse_wechat_xml(deep));
  const auto escaped = parse_wechat_xml("<xml><Content>a &amp; b &lt;c&gt; &#x4F60;</Content></xml>");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->get("Content"), "a & b <c> 你");
}

}  // namespace
}  // namespace cc::channels::wechat
