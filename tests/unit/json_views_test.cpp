#include <gtest/gtest.h>

#include "cc/services/json_views.hpp"

namespace cc::services {
namespace {

TEST(JsonViews, IdsAreStringsAndTimesAreIso) {
  domain::Conversation conversation;
  conversation.id = 12;
  conversation.customer_id = 5;
  conversation.assignee_id = 3;
  conversation.created_at = domain::TimePoint(std::chrono::seconds(0));
  const auto json = to_json(conversation);
  EXPECT_EQ(json["id"], "12");
  EXPECT_EQ(json["customer_id"], "5");
  EXPECT_EQ(json["assignee_id"], "3");
  EXPECT_EQ(json["status"], "queued");
  EXPECT_EQ(json["created_at"], "1970-01-01T00:00:00.000Z");
  conversation.assignee_id.reset();
  EXPECT_TRUE(to_json(conversation)["assignee_id"].is_null());
}

TEST(JsonViews, SecretsInChannelConfigAreMasked) {
  domain::ChannelAccount account;
  account.config_json =
      R"({"identity_secret":"abcdefghijklmnop","app_id":"wx123","smtp_relay":{"password":"pw","host":"h"}})";
  const auto json = to_json(account);
  EXPECT_EQ(json["config"]["identity_secret"], "****mnop");
  EXPECT_EQ(json["config"]["app_id"], "wx123");
  EXPECT_EQ(json["config"]["smtp_relay"]["password"], "****");
  EXPECT_EQ(json["config"]["smtp_relay"]["host"], "h");
}

}  // namespace
}  // namespace cc::services
