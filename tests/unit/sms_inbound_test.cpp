// Opt-out keywords, E.164 normalisation, the SMS account config and the inbound message built
// from a verified webhook.
#include "cc/channels/sms/sms_inbound.hpp"

#include <gtest/gtest.h>

#include "cc/channels/sms/phone_number.hpp"
#include "cc/channels/sms/sms_config.hpp"
#include "cc/channels/sms/sms_keywords.hpp"
#include "cc/channels/sms/sms_twiml.hpp"
#include "cc/net/http_client.hpp"

namespace sms = cc::channels::sms;
using sms::SmsKeyword;

TEST(SmsKeywords, RecognisesOptOutWordsWholeTrimmedAndCaseInsensitive) {
  for (const char* body : {"STOP", "stop", " Stop \n", "STOPALL", "unsubscribe", "Cancel", "END",
                           "quit", "退订", "　退订　", "td", "TD"}) {
    EXPECT_EQ(sms::classify_keyword(body), SmsKeyword::opt_out) << body;
  }
  for (const char* body : {"START", "yes", "Unstop "})
    EXPECT_EQ(sms::classify_keyword(body), SmsKeyword::opt_in) << body;
  EXPECT_EQ(sms::classify_keyword("help"), SmsKeyword::help);
  for (const char* body :
       {"", "   ", "please stop", "STOP!", "STOPP", "stop it", "退订吧", "HELP me", "st op"}) {
    EXPECT_EQ(sms::classify_keyword(body), SmsKeyword::none) << body;
  }
}

TEST(SmsPhone, NormalisesToE164) {
  EXPECT_EQ(sms::normalize_e164("+86 138-0013-8000"), "+8613800138000");
  EXPECT_EQ(sms::normalize_e164("(+1) 415.867.5309"), "+14158675309");
  EXPECT_EQ(sms::normalize_e164("0044 7911 123456"), "+447911123456");
  EXPECT_EQ(sms::normalize_e164("＋８６１３８００１３８０００"), "+8613800138000");
  EXPECT_EQ(sms::normalize_e164("13800138000", "86"), "+8613800138000");
  EXPECT_EQ(sms::normalize_e164("07911 123456", "44"), "+447911123456");
  EXPECT_EQ(sms::normalize_e164("+8613800138000", "1"), "+8613800138000");
}

TEST(SmsPhone, RefusesWhatIsNotANumber) {
  for (const char* raw : {"", "+", "abc", "+86 138 0013 800a", "12+34567890", "+0123456789",
                          "+123456", "+1234567890123456", "13800138000", "＋８６ｘ"}) {
    EXPECT_FALSE(sms::normalize_e164(raw).has_value()) << raw;
  }
  EXPECT_FALSE(sms::normalize_e164("13800138000", "8a").has_value());
  EXPECT_FALSE(sms::normalize_e164(std::string(100, '1'), "1").has_value());
}

namespace {

nlohmann::json good_config() {
  return {{"account_sid", "AC123"},
          {"auth_token", "tok"},
          {"from_number", "+15005550006"},
          {"public_base_url", "https://cc.example.com"},
          {"api_base_url", "http://127.0.0.1:9999/"},
          {"help_text", "Reply STOP to stop."},
          {"default_country_code", "86"}};
}

sms::FormFields form(std::vector<std::pair<std::string, std::string>> pairs) {
  return *sms::parse_form(cc::net::form_encode(pairs));
}

}  // namespace

TEST(SmsConfig, ValidatesTheDocumentedShape) {
  EXPECT_FALSE(sms::validate_sms_config(good_config()).has_value());
  for (const char* key : {"account_sid", "auth_token", "from_number", "public_base_url"}) {
    auto config = good_config();
    config.erase(key);
    auto error = sms::validate_sms_config(config);
    ASSERT_TRUE(error.has_value()) << key;
    EXPECT_EQ(error->field, std::string("/config/") + key);
  }
  auto bad_url = good_config();
  bad_url["public_base_url"] = "ftp://x";
  EXPECT_TRUE(sms::validate_sms_config(bad_url).has_value());
  bad_url["public_base_url"] = "https://x/?a=1";
  EXPECT_TRUE(sms::validate_sms_config(bad_url).has_value());
  auto bad_number = good_config();
  bad_number["from_number"] = "hello";
  EXPECT_TRUE(sms::validate_sms_config(bad_number).has_value());
  auto bad_cc = good_config();
  bad_cc["default_country_code"] = "+86";
  EXPECT_TRUE(sms::validate_sms_config(bad_cc).has_value());
  auto parsed = sms::parse_sms_config(good_config().dump());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->api_base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(parsed->help_text, "Reply STOP to stop.");
  auto defaulted = good_config();
  defaulted.erase("api_base_url");
  EXPECT_EQ(sms::parse_sms_config(defaulted.dump())->api_base_url, "https://api.twilio.com");
}

TEST(SmsInbound, BuildsTheInboundMessage) {
  const auto config = *sms::parse_sms_config(good_config().dump());
  const auto fields = form({{"MessageSid", "SM1"},
                            {"AccountSid", "AC123"},
                            {"From", "+8613800138000"},
                            {"To", "+15005550006"},
                            {"Body", "hello"},
                            {"NumMedia", "1"},
                            {"NumSegments", "1"},
                            {"MediaUrl0", "https://media.example/1"},
                            {"MediaContentType0", "image/jpeg"}});
  auto inbound = sms::build_inbound(7, config, fields);
  ASSERT_TRUE(inbound.has_value()) << inbound.error().detail;
  const auto& message = inbound->message;
  EXPECT_EQ(message.channel, cc::domain::Channel::sms);
  EXPECT_EQ(message.channel_account_id, 7);
  EXPECT_EQ(message.provider_message_id, "SM1");
  ASSERT_EQ(message.identifiers.size(), 1u);
  EXPECT_EQ(message.identifiers[0].type, "phone");
  EXPECT_EQ(message.identifiers[0].value, "+8613800138000");
  EXPECT_TRUE(message.identifiers[0].verified);
  EXPECT_EQ(message.reply_address, "+8613800138000");
  EXPECT_EQ(message.content, "hello");
  EXPECT_FALSE(message.display_name.has_value());
  EXPECT_TRUE(message.routable);
  const auto metadata = nlohmann::json::parse(message.metadata_json);
  EXPECT_EQ(metadata["media"][0]["url"], "https://media.example/1");
  EXPECT_EQ(metadata["media"][0]["content_type"], "image/jpeg");
  EXPECT_EQ(metadata["segments"], 1);
}

TEST(SmsInbound, KeywordsAreNotRoutableExceptOptIn) {
  const auto config = *sms::parse_sms_config(good_config().dump());
  auto with_body = [&](const char* body) {
    return sms::build_inbound(1, config,
                              form({{"MessageSid", "SM2"},
                                    {"AccountSid", "AC123"},
                                    {"From", "13800138000"},
                                    {"Body", body}}));
  };
  auto stop = with_body("Stop");
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->keyword, SmsKeyword::opt_out);
  EXPECT_FALSE(stop->message.routable);
  EXPECT_EQ(stop->message.reply_address, "+8613800138000");  // default_country_code applied
  EXPECT_FALSE(with_body("HELP")->message.routable);
  EXPECT_TRUE(with_body("yes")->message.routable);
  EXPECT_EQ(with_body("yes")->keyword, SmsKeyword::opt_in);
}

TEST(SmsInbound, RefusesMissingFieldsAndAForeignAccount) {
  const auto config = *sms::parse_sms_config(good_config().dump());
  auto refused = [&](std::vector<std::pair<std::string, std::string>> pairs) {
    auto result = sms::build_inbound(1, config, form(std::move(pairs)));
    return result.has_value() ? std::optional<cc::ErrorCode>() : result.error().code;
  };
  EXPECT_EQ(refused({{"AccountSid", "AC123"}, {"From", "+8613800138000"}, {"Body", "x"}}),
            cc::ErrorCode::invalid);
  EXPECT_EQ(refused({{"MessageSid", "SM<1>"},
                     {"AccountSid", "AC123"},
                     {"From", "+8613800138000"},
                     {"Body", "x"}}),
            cc::ErrorCode::invalid);
  EXPECT_EQ(refused({{"MessageSid", "SM1"},
                     {"AccountSid", "AC999"},
                     {"From", "+8613800138000"},
                     {"Body", "x"}}),
            cc::ErrorCode::forbidden);
  EXPECT_EQ(
      refused({{"MessageSid", "SM1"}, {"AccountSid", "AC123"}, {"From", "nobody"}, {"Body", "x"}}),
      cc::ErrorCode::invalid);
  EXPECT_EQ(refused({{"MessageSid", "SM1"},
                     {"AccountSid", "AC123"},
                     {"From", "+8613800138000"},
                     {"Body", ""}}),
            cc::ErrorCode::invalid);
  EXPECT_EQ(refused({{"MessageSid", "SM1"},
                     {"AccountSid", "AC123"},
                     {"From", "+8613800138000"},
                     {"Body", "x"},
                     {"NumMedia", "11"}}),
            cc::ErrorCode::invalid);
  EXPECT_EQ(refused({{"MessageSid", "SM1"},
                     {"AccountSid", "AC123"},
                     {"From", "+8613800138000"},
                     {"Body", "x"},
                     {"NumMedia", "1"},
                     {"MediaUrl0", "javascript:alert(1)"}}),
            cc::ErrorCode::invalid);
}

TEST(SmsTwiml, EscapesTheHelpText) {
  EXPECT_EQ(sms::empty_twiml(), R"(<?xml version="1.0" encoding="UTF-8"?><Response></Response>)");
  EXPECT_EQ(
      sms::message_twiml("a<b & \"c\"\x01"),
      R"(<?xml version="1.0" encoding="UTF-8"?><Response><Message>a&lt;b &amp; &quot;c&quot;</Message></Response>)");
}
