// Standard Webhooks signing: the spec's example values (secret, id, timestamp, body), whose
// signature was also computed independently with Python's hmac module.
#include <gtest/gtest.h>

#include "cc/crypto/encoding.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::services {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr const char* kBody = R"({"test": 2432232314})";
constexpr const char* kExpected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSigning, MatchesTheStandardWebhooksExample) {
  EXPECT_EQ(webhook_signature(kSecret, kId, kTimestamp, kBody), kExpected);
}

TEST(WebhookSigning, ChangesWithEverySignedPart) {
  EXPECT_NE(webhook_signature(kSecret, "msg_other", kTimestamp, kBody), kExpected);
  EXPECT_NE(webhook_signature(kSecret, kId, kTimestamp + 1, kBody), kExpected);
  EXPECT_NE(webhook_signature(kSecret, kId, kTimestamp, R"({"test": 2432232315})"), kExpected);
}

TEST(WebhookSigning, RefusesMalformedSecrets) {
  EXPECT_FALSE(webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", kId, kTimestamp, kBody));
  EXPECT_FALSE(webhook_signature("whsec_", kId, kTimestamp, kBody));
  EXPECT_FALSE(webhook_signature("whsec_!!!notbase64", kId, kTimestamp, kBody));
}

TEST(WebhookSigning, HeaderCarriesOneEntryPerSecretDuringRotation) {
  const auto fresh = new_webhook_secret();
  const auto header = webhook_signature_header({fresh, kSecret}, kId, kTimestamp, kBody);
  const auto space = header.find(' ');
  ASSERT_NE(space, std::string::npos);
  EXPECT_EQ(header.substr(0, space), webhook_signature(fresh, kId, kTimestamp, kBody));
  EXPECT_EQ(header.substr(space + 1), kExpected);
}

TEST(WebhookSigning, NewSecretsAreWhsecWithThirtyTwoRandomBytes) {
  const auto a = new_webhook_secret();
  const auto b = new_webhook_secret();
  EXPECT_EQ(a.rfind("whsec_", 0), 0u);
  EXPECT_NE(a, b);
  auto bytes = webhook_secret_bytes(a);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 32u);
}

TEST(WebhookSigning, HeadersNameIdTimestampAndSignature) {
  const auto headers = webhook_headers({kSecret}, kId, kTimestamp, kBody);
  auto find = [&](const std::string& name) {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return std::string();
  };
  EXPECT_EQ(find("webhook-id"), kId);
  EXPECT_EQ(find("webhook-timestamp"), "1614265330");
  EXPECT_EQ(find("webhook-signature"), kExpected);
  EXPECT_EQ(find("content-type"), "application/json");
}

}  // namespace
}  // namespace cc::services
