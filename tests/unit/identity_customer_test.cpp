// Business event input checks and the role masking of the 360 profile (pure functions).
#include <gtest/gtest.h>

#include "cc/services/customer_service.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

json event_body() {
  return {{"type", "order"},
          {"external_id", "SO-1001"},
          {"identifiers", json::array({{{"type", "phone"}, {"value", "+86 138-1234-5678"}},
                                       {{"type", "wechat_unionid"}, {"value", "u-1"}}})},
          {"occurred_at", "2026-11-20T10:00:00Z"},
          {"data", {{"total", "99.00"}}}};
}

TEST(IdentityBusinessEvent, ValidBodyIsNormalisedWithStrengthFromTheType) {
  auto event = parse_business_event(event_body());
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, "order");
  ASSERT_EQ(event->identifiers.size(), 2u);
  EXPECT_EQ(event->identifiers[0].value, "+8613812345678");
  EXPECT_FALSE(event->identifiers[0].verified);  // a phone an order system typed is a claim
  EXPECT_TRUE(event->identifiers[1].verified);
}

TEST(IdentityBusinessEvent, RefusalsNameTheField) {
  auto body = event_body();
  body["type"] = "refund";
  EXPECT_EQ(parse_business_event(body).error().field, "/type");
  body = event_body();
  body["occurred_at"] = "yesterday";
  EXPECT_EQ(parse_business_event(body).error().field, "/occurred_at");
  body = event_body();
  body["identifiers"] = json::array();
  EXPECT_EQ(parse_business_event(body).error().field, "/identifiers");
  body = event_body();
  body["identifiers"][0]["value"] = "not a phone";
  EXPECT_EQ(parse_business_event(body).error().field, "/identifiers/0/value");
  body = event_body();
  body["identifiers"][1]["type"] = "no_such_type";
  EXPECT_EQ(parse_business_event(body).error().field, "/identifiers/1/type");
  body = event_body();
  body["data"] = {{"blob", std::string(20000, 'x')}};
  EXPECT_EQ(parse_business_event(body).error().field, "/data");
  body = event_body();
  body["external_id"] = std::string(200, 'x');
  EXPECT_EQ(parse_business_event(body).error().field, "/external_id");
}

json profile() {
  return {{"customer", {{"id", "1"}}},
          {"identifiers", json::array({{{"type", "phone"}, {"value", "+8613812345678"}, {"verified", true}},
                                       {{"type", "wechat_openid"}, {"value", "wx1:oABC"}, {"verified", true}},
                                       {{"type", "national_id"}, {"value", "ab12cd34ef"}, {"verified", false}}})}};
}

TEST(IdentityMasking, AgentsWithoutPiiSeeMaskedPhones) {
  const auto masked = masked_profile(profile(), false);
  EXPECT_EQ(masked["identifiers"][0]["value"], "138****5678");
  EXPECT_TRUE(masked["identifiers"][0]["masked"]);
  EXPECT_EQ(masked["identifiers"][1]["value"], "wx1:oABC");  // not personal data
  EXPECT_EQ(masked["identifiers"][2]["value"], "********");
}

TEST(IdentityMasking, ClearViewShowsValuesButNeverTheNationalIdHash) {
  const auto clear = masked_profile(profile(), true);
  EXPECT_EQ(clear["identifiers"][0]["value"], "+8613812345678");
  EXPECT_FALSE(clear["identifiers"][0]["masked"]);
  EXPECT_EQ(clear["identifiers"][2]["value"], "********");
}

}  // namespace
}  // namespace cc::services
