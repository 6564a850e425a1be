// Canned reply input and permissions; hot words of customer texts (dashboard report).
#include <gtest/gtest.h>

#include "cc/services/canned_reply_service.hpp"
#include "cc/services/report_service.hpp"

namespace cc::services {
namespace {

nlohmann::json reply_body() {
  return {{"shortcut", "where"}, {"title", "Parcel status"},
          {"texts", {{"zh", "您的包裹正在路上。"}, {"en", "Your parcel is on its way."}}},
          {"scope", "team"}};
}

TEST(CannedReplyInput, ReadsShortcutTextsAndScope) {
  auto reply = canned_reply_from_json(reply_body(), 7);
  ASSERT_TRUE(reply) << reply.error().detail;
  EXPECT_EQ(reply->shortcut, "where");
  EXPECT_EQ(reply->texts.at("en"), "Your parcel is on its way.");
  EXPECT_EQ(reply->scope, "team");
  EXPECT_FALSE(reply->owner_agent_id);
  auto body = reply_body();
  body["scope"] = "personal";
  EXPECT_EQ(canned_reply_from_json(body, 7)->owner_agent_id, 7);
}

TEST(CannedReplyInput, RefusesBadFieldsWithTheirPointer) {
  auto body = reply_body();
  body["shortcut"] = "Has Space";
  EXPECT_EQ(canned_reply_from_json(body, 1).error().field, "/shortcut");
  body = reply_body();
  body["texts"] = {{"english!", "x"}};
  EXPECT_EQ(canned_reply_from_json(body, 1).error().field, "/texts/english!");
  body = reply_body();
  body["texts"]["en"] = std::string(kMaxCannedTextBytes + 1, 'a');
  EXPECT_EQ(canned_reply_from_json(body, 1).error().field, "/texts/en");
  body = reply_body();
  body["scope"] = "everyone";
  EXPECT_EQ(canned_reply_from_json(body, 1).error().field, "/scope");
  body = reply_body();
  body["texts"] = nlohmann::json::object();
  EXPECT_EQ(canned_reply_from_json(body, 1).error().field, "/texts");
}

TEST(CannedReplyPermissions, TeamBySupervisorsPersonalByOwner) {
  CannedReply team{.scope = "team"};
  CannedReply mine{.scope = "personal", .owner_agent_id = 5};
  const domain::Principal agent{5, domain::Role::agent, {}};
  const domain::Principal other{6, domain::Role::admin, {}};
  EXPECT_TRUE(may_read(team, agent));
  EXPECT_FALSE(may_change(team, agent));
  EXPECT_TRUE(may_change(team, other));
  EXPECT_TRUE(may_change(mine, agent));
  EXPECT_FALSE(may_read(mine, other));
  EXPECT_FALSE(may_change(mine, other));
}

TEST(HotWords, CountsEnglishWordsAndChineseBigramsWithoutStopWords) {
  const auto words = hot_words({"Where is my PARCEL?", "parcel late, the parcel", "我的包裹还没到", "包裹丢了"}, 3);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0].word, "parcel");
  EXPECT_EQ(words[0].count, 3);
  EXPECT_EQ(words[1].word, "包裹");
  EXPECT_EQ(words[1].count, 2);
  for (const auto& w : hot_words({"the and you 的了"}, 10)) ADD_FAILURE() << "stop word counted: " << w.word;
}

TEST(HotWords, SurvivesInvalidUtf8) {
  const auto words = hot_words({std::string("\xff\xfe\xe4\xb8 parcel \xe5"), std::string(1, '\xc3')}, 5);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].word, "parcel");
}

}  // namespace
}  // namespace cc::services
