#include <gtest/gtest.h>

#include "cc/channels/webchat/visitor_token.hpp"

namespace cc::channels::webchat {
namespace {

const std::string kSecret = "server-secret-0123456789abcdef0123";

TEST(VisitorToken, RoundTripsItsClaims) {
  const VisitorClaims claims{"v-1", 7, 3, 2'000'000'000};
  const auto token = issue_visitor_token(claims, kSecret);
  const auto verified = verify_visitor_token(token, kSecret, 1'900'000'000);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->visitor_id, "v-1");
  EXPECT_EQ(verified->customer_id, 7);
  EXPECT_EQ(verified->channel_account_id, 3);
}

TEST(VisitorToken, RefusesTamperingExpiryAndOtherKeys) {
  const auto token = issue_visitor_token({"v-1", 7, 3, 2'000'000'000}, kSecret);
  EXPECT_FALSE(verify_visitor_token(token, "another-secret-0123456789abcdef", 1'900'000'000));
  EXPECT_FALSE(verify_visitor_token(token, kSecret, 2'000'000'001)) << "expired";
  auto tampered = token;
  tampered[6] = tampered[6] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_visitor_token(tampered, kSecret, 1'900'000'000));
  EXPECT_FALSE(verify_visitor_token("vt1.", kSecret, 0));
  EXPECT_FALSE(verify_visitor_token("garbage", kSecret, 0));
  EXPECT_FALSE(verify_visitor_token(std::string(5000, 'a'), kSecret, 0));
}

// The expected value was computed independently with Python's hmac module.
TEST(IdentitySignature, MatchesAnIndependentHmac) {
  EXPECT_EQ(identity_signature("identity-secret-0123456789", "member_id", "M-1001"),
            "abf2929299a60afa2cc438de99ffd8926e3893fd417a7e2f5126d608ade06c61");
  EXPECT_TRUE(verify_identity_signature("identity-secret-0123456789", "member_id", "M-1001",
                                        "ABF2929299A60AFA2CC438DE99FFD8926E3893FD417A7E2F5126D608ADE06C61"));
  EXPECT_FALSE(verify_identity_signature("identity-secret-0123456789", "member_id", "M-1002",
                                         "abf2929299a60afa2cc438de99ffd8926e3893fd417a7e2f5126d608ade06c61"));
  EXPECT_FALSE(verify_identity_signature("", "member_id", "M-1001", ""));
}

}  // namespace
}  // namespace cc::channels::webchat
