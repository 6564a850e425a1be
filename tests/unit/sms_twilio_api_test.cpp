// The Twilio Messages API as the sender uses it: the request, what each answer means for the
// outbox, and reconciling an attempt against the provider's message list.
#include <gtest/gtest.h>

#include "cc/channels/sms/sms_form.hpp"
#include "cc/channels/sms/twilio_api.hpp"

namespace sms = cc::channels::sms;
using cc::services::ReconcileOutcome;
using cc::services::SendOutcome;

namespace {

sms::SmsConfig config() {
  sms::SmsConfig c;
  c.account_sid = "AC123";
  c.auth_token = "secret";
  c.from_number = "+15005550006";
  c.api_base_url = "http://127.0.0.1:4000";
  c.public_base_url = "https://cc.example.com";
  return c;
}

cc::net::ClientResponse answer(unsigned status, std::string body,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
  cc::net::ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

}  // namespace

TEST(TwilioApi, BuildsTheSendRequest) {
  const auto request = sms::send_request(config(), 9, "+8613800138000", "你好 & bye");
  EXPECT_EQ(request.method, boost::beast::http::verb::post);
  EXPECT_EQ(request.url, "http://127.0.0.1:4000/2010-04-01/Accounts/AC123/Messages.json");
  bool auth = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization")
      auth = value == "Basic QUMxMjM6c2VjcmV0";  // base64("AC123:secret")
  }
  EXPECT_TRUE(auth);
  const auto form = sms::parse_form(request.body);
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->value("To"), "+8613800138000");
  EXPECT_EQ(form->value("From"), "+15005550006");
  EXPECT_EQ(form->value("Body"), "你好 & bye");
  EXPECT_EQ(form->value("StatusCallback"), "https://cc.example.com/webhooks/sms/9/status");
}

TEST(TwilioApi, ListRequestFiltersByRecipientSenderAndDay) {
  const auto day = cc::domain::TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23)) +
                   std::chrono::hours(23);
  const auto request = sms::list_request(config(), "+8613800138000", day);
  EXPECT_EQ(request.method, boost::beast::http::verb::get);
  EXPECT_NE(request.url.find(
                "/Messages.json?To=%2B8613800138000&From=%2B15005550006&DateSent%3E=2026-11-23"),
            std::string::npos)
      << request.url;
}

TEST(TwilioApi, AcceptedMessagesAreSentWithTheirSid) {
  const auto outcome =
      sms::interpret_send_response(answer(201, R"({"sid":"SM42","status":"queued"})"));
  EXPECT_EQ(outcome.kind, SendOutcome::Kind::sent);
  EXPECT_EQ(outcome.provider_message_id, "SM42");
}

TEST(TwilioApi, TransientFailuresAreRetriedHonouringRetryAfter) {
  auto limited = sms::interpret_send_response(
      answer(429, R"({"code":20429,"message":"Too Many Requests"})", {{"Retry-After", "7"}}));
  EXPECT_EQ(limited.kind, SendOutcome::Kind::retry);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(sms::interpret_send_response(answer(503, "<html>")).kind, SendOutcome::Kind::retry);
  EXPECT_FALSE(sms::interpret_send_response(answer(500, "", {{"Retry-After", "soon"}}))
                   .retry_after.has_value());
  cc::net::ClientResponse lost;
  lost.transport_error = "timeout";
  EXPECT_EQ(sms::interpret_send_response(lost).kind, SendOutcome::Kind::retry);
}

TEST(TwilioApi, UnsubscribedRecipientIsUndeliverableOptedOut) {
  const auto outcome = sms::interpret_send_response(answer(
      400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400})"));
  EXPECT_EQ(outcome.kind, SendOutcome::Kind::undeliverable);
  EXPECT_EQ(outcome.reason, "opted_out");
}

TEST(TwilioApi, OtherClientErrorsFailWithTheProvidersMessage) {
  const auto outcome = sms::interpret_send_response(
      answer(400, R"({"code":21211,"message":"The 'To' number is not a valid phone number."})"));
  EXPECT_EQ(outcome.kind, SendOutcome::Kind::failed);
  EXPECT_EQ(outcome.error, "The 'To' number is not a valid phone number.");
  EXPECT_EQ(sms::interpret_send_response(answer(401, R"({"code":20003})")).reason, "auth");
  EXPECT_EQ(sms::interpret_send_response(answer(404, "not json")).kind, SendOutcome::Kind::failed);
}

TEST(TwilioApi, ParsesRfc2822Dates) {
  const auto parsed = sms::parse_rfc2822("Mon, 23 Nov 2026 15:04:05 +0000");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed,
            cc::domain::TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 23)) +
                std::chrono::hours(15) + std::chrono::minutes(4) + std::chrono::seconds(5));
  EXPECT_EQ(sms::parse_rfc2822("Mon, 23 Nov 2026 16:04:05 +0100"), parsed);
  EXPECT_FALSE(sms::parse_rfc2822("yesterday").has_value());
  EXPECT_FALSE(sms::parse_rfc2822("Mon, 31 Feb 2026 15:04:05 +0000").has_value());
}

TEST(TwilioApi, ReconcileFindsTheSameBodySentAfterTheRowWasCreated) {
  const auto created =
      *sms::parse_rfc2822("Mon, 23 Nov 2026 15:04:05 +0000") + std::chrono::milliseconds(300);
  const std::string list = R"({"messages":[
      {"sid":"SMold","body":"hello","date_created":"Mon, 23 Nov 2026 15:04:04 +0000"},
      {"sid":"SMother","body":"other","date_created":"Mon, 23 Nov 2026 15:04:06 +0000"},
      {"sid":"SMnew","body":"hello","date_created":"Mon, 23 Nov 2026 15:04:05 +0000"}],
      "next_page_uri":null})";
  const auto found = sms::interpret_list_response(answer(200, list), "hello", created);
  EXPECT_EQ(found.kind, ReconcileOutcome::Kind::delivered);
  EXPECT_EQ(found.provider_message_id, "SMnew");
  EXPECT_EQ(sms::interpret_list_response(answer(200, list), "bye", created).kind,
            ReconcileOutcome::Kind::absent);
}

TEST(TwilioApi, ReconcileIsUnknownWhenTheListCannotProveAbsence) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(sms::interpret_list_response(answer(500, "{}"), "x", now).kind,
            ReconcileOutcome::Kind::unknown);
  EXPECT_EQ(sms::interpret_list_response(answer(200, "nonsense"), "x", now).kind,
            ReconcileOutcome::Kind::unknown);
  EXPECT_EQ(sms::interpret_list_response(answer(200, R"({"messages":[],"next_page_uri":"/next"})"),
                                         "x", now)
                .kind,
            ReconcileOutcome::Kind::unknown);
  EXPECT_EQ(
      sms::interpret_list_response(answer(200, R"({"messages":[{"sid":1,"body":null}]})"), "x", now)
          .kind,
      ReconcileOutcome::Kind::absent);
}
