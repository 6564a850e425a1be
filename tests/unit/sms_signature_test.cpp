// X-Twilio-Signature and the webhook form parser: Twilio's documented example, an example
// computed independently with Python's hmac module, and hostile or oversized forms.
#include "cc/channels/sms/sms_signature.hpp"

#include <gtest/gtest.h>

#include "cc/channels/sms/sms_form.hpp"
#include "cc/net/http_client.hpp"

namespace sms = cc::channels::sms;

namespace {

sms::FormFields form_of(std::vector<std::pair<std::string, std::string>> pairs) {
  auto parsed = sms::parse_form(cc::net::form_encode(pairs));
  EXPECT_TRUE(parsed.has_value());
  return parsed ? *parsed : sms::FormFields{};
}

}  // namespace

// The example of twilio-php's "Validate Incoming Requests" guide (Twilio's security docs use
// the same URL, token and fields).
TEST(SmsSignature, MatchesTwiliosDocumentedExample) {
  const auto form = form_of({{"CallSid", "CA1234567890ABCDE"},
                             {"Caller", "+14158675309"},
                             {"Digits", "1234"},
                             {"From", "+14158675309"},
                             {"To", "+18005551212"}});
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  EXPECT_EQ(sms::twilio_signature("12345", url, form), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(sms::verify_twilio_signature("12345", url, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(sms::verify_twilio_signature("12346", url, form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
  EXPECT_FALSE(sms::verify_twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=3",
                                            form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

// Expected value from: base64(hmac.new(b"secret-token", (url + "".join(k + v for k, v in
// sorted(params.items()))).encode(), hashlib.sha1).digest()) in Python 3.
TEST(SmsSignature, MatchesAnIndependentComputationWithUnicodeAndReservedCharacters) {
  const auto form = form_of({{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
                             {"AccountSid", "AC00000000000000000000000000000001"},
                             {"From", "+8613800138000"},
                             {"To", "+15005550006"},
                             {"Body", "你好 & =+%"},
                             {"NumMedia", "0"}});
  const auto url = sms::public_request_url("https://cc.example.com/", "/webhooks/sms/7");
  EXPECT_EQ(url, "https://cc.example.com/webhooks/sms/7");
  EXPECT_EQ(sms::twilio_signature("secret-token", url, form), "qnW4kVrEuzUO7+WH1H2iICDGoJs=");
}

TEST(SmsSignature, RefusesTamperedFieldsEmptyHeadersAndEmptyTokens) {
  const auto form = form_of({{"Body", "hello"}, {"From", "+15551234567"}});
  const auto good = sms::twilio_signature("token", "https://x.test/webhooks/sms/1", form);
  EXPECT_TRUE(sms::verify_twilio_signature("token", "https://x.test/webhooks/sms/1", form, good));
  const auto tampered = form_of({{"Body", "hellO"}, {"From", "+15551234567"}});
  EXPECT_FALSE(
      sms::verify_twilio_signature("token", "https://x.test/webhooks/sms/1", tampered, good));
  EXPECT_FALSE(sms::verify_twilio_signature("token", "https://x.test/webhooks/sms/1", form, ""));
  EXPECT_FALSE(sms::verify_twilio_signature(
      "", "https://x.test/webhooks/sms/1", form,
      sms::twilio_signature("", "https://x.test/webhooks/sms/1", form)));
  EXPECT_FALSE(
      sms::verify_twilio_signature("token", "https://x.test/webhooks/sms/1", form, good.substr(1)));
}

TEST(SmsSignature, PublicUrlKeepsTheQueryAndJoinsSlashesOnce) {
  EXPECT_EQ(sms::public_request_url("https://p.example/base//", "/webhooks/sms/3?x=1"),
            "https://p.example/base/webhooks/sms/3?x=1");
  EXPECT_EQ(sms::public_request_url("http://h:8080", "/a"), "http://h:8080/a");
}

TEST(SmsForm, DecodesSortsAndFindsFields) {
  auto form = sms::parse_form("To=%2B15005550006&Body=Hi+there%21&From=%2B1555&&NumMedia=0&");
  ASSERT_TRUE(form.has_value());
  ASSERT_EQ(form->all().size(), 4u);
  EXPECT_EQ(form->all().front().first, "Body");
  EXPECT_EQ(form->value("Body"), "Hi there!");
  EXPECT_EQ(form->value("To"), "+15005550006");
  EXPECT_FALSE(form->get("Missing").has_value());
  EXPECT_EQ(form->value("Missing"), "");
  auto empty_value = sms::parse_form("Body=&Flag");
  ASSERT_TRUE(empty_value.has_value());
  EXPECT_EQ(empty_value->get("Body"), std::optional<std::string_view>(""));
  EXPECT_EQ(empty_value->get("Flag"), std::optional<std::string_view>(""));
}

TEST(SmsForm, RefusesMalformedAndHostileInput) {
  for (const char* body : {"Body=%", "Body=%4", "Body=%zz", "Bo%2=1", "=value", "Body=1&Body=2",
                           "B%00dy=1", "Bo dy=1", "Body=%FF%FE", "<xml>=1", "Body=%C3%28"}) {
    auto form = sms::parse_form(body);
    ASSERT_FALSE(form.has_value()) << body;
    EXPECT_EQ(form.error().code, cc::ErrorCode::malformed) << body;
  }
}

TEST(SmsForm, EnforcesItsSizeLimits) {
  sms::FormLimits limits;
  EXPECT_EQ(sms::parse_form(std::string(limits.max_body_bytes + 1, 'a')).error().code,
            cc::ErrorCode::too_large);
  std::string many;
  for (std::size_t i = 0; i <= limits.max_fields; ++i) many += "F" + std::to_string(i) + "=1&";
  EXPECT_EQ(sms::parse_form(many).error().code, cc::ErrorCode::malformed);
  EXPECT_FALSE(sms::parse_form(std::string(limits.max_name_bytes + 1, 'N') + "=1").has_value());
  EXPECT_FALSE(sms::parse_form("Body=" + std::string(limits.max_value_bytes + 1, 'v')).has_value());
  EXPECT_TRUE(sms::parse_form("Body=" + std::string(limits.max_value_bytes, 'v')).has_value());
}
