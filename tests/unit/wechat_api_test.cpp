// WeChat API wire formats: the account config validator, the token response, what each send
// result means for the outbox, and the customer-service message bodies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cc/channels/wechat/wechat_access_tokens.hpp"
#include "cc/channels/wechat/wechat_api.hpp"
#include "cc/channels/wechat/wechat_config.hpp"

namespace cc::channels::wechat {
namespace {

using nlohmann::json;
using Kind = services::SendOutcome::Kind;

json good_config() {
  return {{"app_id", "wx5823bf96d3bd56c7"}, {"app_secret", "s3cret"}, {"token", "QDG6eK"},
          {"encoding_aes_key", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"},
          {"api_base_url", "http://127.0.0.1:9/"}};
}

net::ClientResponse answer(unsigned status, std::string body) {
  net::ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST(WechatConfig, AcceptsTheDocumentedShapeAndDefaultsTheBaseUrl) {
  const auto parsed = parse_wechat_config(good_config());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->api_base_url, "http://127.0.0.1:9");  // trailing slash dropped
  EXPECT_EQ(parsed->aes_key.size(), 32u);
  auto minimal = good_config();
  minimal.erase("api_base_url");
  minimal.erase("encoding_aes_key");
  const auto defaults = parse_wechat_config(minimal);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->api_base_url, "https://api.weixin.qq.com");
  EXPECT_TRUE(defaults->aes_key.empty());
  EXPECT_FALSE(validate_wechat_config(good_config()));
}

TEST(WechatConfig, NamesTheBadField) {
  auto check = [](const char* key, json value, const char* path) {
    auto config = good_config();
    if (value.is_null()) config.erase(key); else config[key] = value;
    const auto error = validate_wechat_config(config);
    ASSERT_TRUE(error) << key;
    EXPECT_EQ(error->field, path);
  };
  check("app_id", nullptr, "/config/app_id");
  check("app_secret", "", "/config/app_secret");
  check("token", "ab", "/config/token");
  check("token", 5, "/config/token");
  check("encoding_aes_key", "tooshort", "/config/encoding_aes_key");
  check("encoding_aes_key", std::string(43, '-'), "/config/encoding_aes_key");
  check("api_base_url", "ftp://x", "/config/api_base_url");
}

TEST(WechatApi, ParsesTheTokenResponse) {
  const auto now = domain::TimePoint(std::chrono::seconds(1000));
  const auto token = parse_token_response(answer(200, R"({"access_token":"ACCESS","expires_in":7200})"), now);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->token, "ACCESS");
  EXPECT_EQ(token->expires_at, now + std::chrono::seconds(7200));
  const auto refused = parse_token_response(answer(200, R"({"errcode":40013,"errmsg":"invalid appid"})"), now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unauthorized);
  EXPECT_EQ(parse_token_response(answer(200, R"({"errcode":-1,"errmsg":"busy"})"), now).error().code,
            ErrorCode::unavailable);
  EXPECT_EQ(parse_token_response(answer(502, "bad gateway"), now).error().code, ErrorCode::unavailable);
  EXPECT_FALSE(parse_token_response(answer(200, R"({"access_token":"","expires_in":7200})"), now));
  net::ClientResponse down;
  down.transport_error = "connect: refused";
  EXPECT_EQ(parse_token_response(down, now).error().code, ErrorCode::unavailable);
}

TEST(WechatApi, ClassifiesSendResults) {
  EXPECT_EQ(classify_send_response(answer(200, R"({"errcode":0,"errmsg":"ok"})")).outcome.kind, Kind::sent);
  for (int code : {45015, 45047}) {
    const auto verdict = classify_send_response(answer(200, R"({"errcode":)" + std::to_string(code) + "}"));
    EXPECT_EQ(verdict.outcome.kind, Kind::undeliverable) << code;
    EXPECT_EQ(verdict.outcome.reason, "window_closed");
  }
  for (int code : {40001, 42001, 40014}) {
    const auto verdict = classify_send_response(answer(200, R"({"errcode":)" + std::to_string(code) + "}"));
    EXPECT_TRUE(verdict.token_rejected) << code;
  }
  EXPECT_EQ(classify_send_response(answer(200, R"({"errcode":-1,"errmsg":"system busy"})")).outcome.kind, Kind::retry);
  EXPECT_EQ(classify_send_response(answer(503, "")).outcome.kind, Kind::retry);
  net::ClientResponse timeout;
  timeout.transport_error = "read: timeout";
  EXPECT_EQ(classify_send_response(timeout).outcome.kind, Kind::retry);
  const auto failed = classify_send_response(answer(200, R"({"errcode":40003,"errmsg":"invalid openid"})"));
  EXPECT_EQ(failed.outcome.kind, Kind::failed);
  EXPECT_NE(failed.outcome.error.find("invalid openid"), std::string::npos);
  EXPECT_FALSE(failed.token_rejected);
}

TEST(WechatApi, BuildsTextImageAndNewsBodies) {
  domain::Message message;
  message.content = "你好";
  const auto text = json::parse(*custom_message_body("oOPEN", message));
  EXPECT_EQ(text, json({{"touser", "oOPEN"}, {"msgtype", "text"}, {"text", {{"content", "你好"}}}}));
  message.metadata_json = R"({"wechat_msgtype":"image","media_id":"MEDIA"})";
  const auto image = json::parse(*custom_message_body("oOPEN", message));
  EXPECT_EQ(image["msgtype"], "image");
  EXPECT_EQ(image["image"]["media_id"], "MEDIA");
  message.metadata_json = R"({"wechat_msgtype":"news","articles":[{"title":"T","url":"https://x","evil":1}]})";
  const auto news = json::parse(*custom_message_body("oOPEN", message));
  EXPECT_EQ(news["news"]["articles"][0], json({{"title", "T"}, {"url", "https://x"}}));
  message.metadata_json = R"({"wechat_msgtype":"image"})";
  EXPECT_FALSE(custom_message_body("oOPEN", message));
}

TEST(WechatAccessTokens, CacheKeyDependsOnAppSecretAndBaseUrl) {
  auto config = *parse_wechat_config(good_config());
  const auto key = WechatAccessTokens::cache_key(config);
  EXPECT_EQ(key.rfind("wechat:token:wx5823bf96d3bd56c7:", 0), 0u);
  config.app_secret = "other";
  EXPECT_NE(WechatAccessTokens::cache_key(config), key);
}

}  // namespace
}  // namespace cc::channels::wechat
