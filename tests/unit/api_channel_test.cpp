// The generic API channel: config rules, the key check, and the sender's signed callback and
// its outcomes, against a fake transport.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cc/channels/api/api_channel_routes.hpp"
#include "cc/channels/api/api_channel_sender.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::channels::api {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class FakeTransport final : public services::WebhookTransport {
 public:
  boost::asio::awaitable<services::WebhookResponse> post(services::WebhookPost request) override {
    requests.push_back(request);
    co_return response;
  }
  std::vector<services::WebhookPost> requests;
  services::WebhookResponse response;
};

services::OutboxItem item() {
  services::OutboxItem item;
  item.id = 31;
  item.message_id = 7;
  item.conversation_id = 5;
  item.channel_account_id = 2;
  item.channel = domain::Channel::api;
  item.recipient = "member_id:u-1";
  item.account_config_json =
      nlohmann::json{{"callback_url", "https://app.example.com/cb"}, {"webhook_secret", kSecret}}.dump();
  item.message.id = 7;
  item.message.conversation_id = 5;
  item.message.content = "hello";
  item.message.sender_type = "agent";
  return item;
}

services::SendOutcome send(FakeTransport& transport, const services::OutboxItem& outbox) {
  boost::asio::io_context io;
  ApiChannelSender sender(transport);
  auto future = boost::asio::co_spawn(io, sender.send(outbox), boost::asio::use_future);
  io.run();
  return future.get();
}

std::string header(const services::WebhookPost& post, const std::string& name) {
  for (const auto& [key, value] : post.headers) {
    if (key == name) return value;
  }
  return {};
}

TEST(ApiChannel, ConfigNeedsACallbackUrlAndNeverAPlainKey) {
  EXPECT_FALSE(validate_api_channel_config({{"callback_url", "https://app.example.com/cb"}}));
  EXPECT_TRUE(validate_api_channel_config(nlohmann::json::object()));
  EXPECT_TRUE(validate_api_channel_config({{"callback_url", "file:///etc/passwd"}}));
  EXPECT_TRUE(validate_api_channel_config({{"callback_url", "https://a.example.com"}, {"api_key", "x"}}));
  EXPECT_TRUE(validate_api_channel_config({{"callback_url", "https://a.example.com"}, {"webhook_secret", "abc"}}));
  EXPECT_TRUE(validate_api_channel_config({{"callback_url", "https://a.example.com"}, {"api_key_sha256", "zz"}}));
}

TEST(ApiChannel, KeyIsCheckedAgainstItsStoredHash) {
  const nlohmann::json config{{"api_key_sha256", crypto::to_hex(crypto::sha256("ccak_right"))}};
  EXPECT_TRUE(api_key_matches(config, "ccak_right"));
  EXPECT_FALSE(api_key_matches(config, "ccak_wrong"));
  EXPECT_FALSE(api_key_matches(nlohmann::json::object(), "ccak_right"));
}

TEST(ApiChannel, ReplyIsASignedWebhookWithTheOutboxIdAsWebhookId) {
  FakeTransport transport;
  transport.response.status = 200;
  const auto outcome = send(transport, item());
  EXPECT_EQ(outcome.kind, services::SendOutcome::Kind::sent);
  EXPECT_EQ(outcome.provider_message_id, "msg_31");
  ASSERT_EQ(transport.requests.size(), 1u);
  const auto& post = transport.requests[0];
  EXPECT_EQ(post.url, "https://app.example.com/cb");
  EXPECT_EQ(header(post, "webhook-id"), "msg_31");
  const auto timestamp = std::stoll(header(post, "webhook-timestamp"));
  EXPECT_EQ(header(post, "webhook-signature"),
            services::webhook_signature(kSecret, "msg_31", timestamp, post.body));
  const auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body["type"], "message.outbound");
  EXPECT_EQ(body["data"]["id"], "msg_31");
  EXPECT_EQ(body["data"]["content"], "hello");
  EXPECT_EQ(body["data"]["recipient"], "member_id:u-1");
}

TEST(ApiChannel, ServerErrorsRetryAndClientErrorsFail) {
  FakeTransport transport;
  transport.response.status = 503;
  transport.response.retry_after = "30";
  auto retry = send(transport, item());
  EXPECT_EQ(retry.kind, services::SendOutcome::Kind::retry);
  EXPECT_EQ(retry.retry_after, std::chrono::milliseconds(30000));
  transport.response = {};
  transport.response.transport_error = "timeout";
  EXPECT_EQ(send(transport, item()).kind, services::SendOutcome::Kind::retry);
  transport.response = {};
  transport.response.status = 400;
  EXPECT_EQ(send(transport, item()).kind, services::SendOutcome::Kind::failed);
}

TEST(ApiChannel, AnAccountWithoutSecretFailsWithoutCalling) {
  FakeTransport transport;
  auto outbox = item();
  outbox.account_config_json = nlohmann::json{{"callback_url", "https://app.example.com/cb"}}.dump();
  const auto outcome = send(transport, outbox);
  EXPECT_EQ(outcome.kind, services::SendOutcome::Kind::failed);
  EXPECT_EQ(outcome.reason, "config");
  EXPECT_TRUE(transport.requests.empty());
}

}  // namespace
}  // namespace cc::channels::api
