// The FAQ bot's pure parts: BM25 retrieval in Chinese and English, and every hand-off trigger,
// including attempts to write "human" / "转人工" in ways plain matching would miss.
#include <gtest/gtest.h>

#include "cc/services/bot_faq.hpp"

namespace cc::services {
namespace {

std::vector<FaqEntry> entries() {
  return {{"hours", {"What are your opening hours?", "营业时间是几点", "when are you open"}, {{"en", "9-18"}}, {}},
          {"refund", {"How do I get a refund?", "怎么退款", "refund policy"}, {{"en", "Within 7 days"}}, {}},
          {"password", {"I forgot my password", "忘记密码怎么办", "reset password"}, {{"en", "Use reset"}}, {}}};
}

TEST(RoutingBot, Bm25FindsTheRightEntryInBothLanguages) {
  routing::TextNormalizer normalizer;
  FaqIndex index(entries(), normalizer);
  auto match = index.search("how can I reset my password");
  ASSERT_FALSE(match.empty());
  EXPECT_EQ(index.entries()[match[0].entry].id, "password");
  match = index.search("请问退款怎么操作");
  ASSERT_FALSE(match.empty());
  EXPECT_EQ(index.entries()[match[0].entry].id, "refund");
  match = index.search("你们几点营业");
  ASSERT_FALSE(match.empty());
  EXPECT_EQ(index.entries()[match[0].entry].id, "hours");
  EXPECT_GT(match[0].confidence, 0.0);
  EXPECT_LE(match[0].confidence, 1.0);
  EXPECT_TRUE(index.search("zzzz qqqq").empty());
}

TEST(RoutingBot, CustomerAskingForAHumanIsHandedOverWhateverTheSpelling) {
  routing::TextNormalizer normalizer;
  for (const char* text : {"转人工", "我要人工", "转 人 工!!", "I want a HUMAN", "let me talk to an agent",
                           "ＨＵＭＡＮ please", "real   person", "operator?"}) {
    BotTurn turn;
    turn.text = text;
    EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::customer_asked) << text;
  }
  for (const char* text : {"humanity is great", "agentic workflows", "where is my order"}) {
    BotTurn turn;
    turn.text = text;
    EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::none) << text;
  }
}

TEST(RoutingBot, OtherTriggers) {
  routing::TextNormalizer normalizer;
  BotTurn turn;
  turn.text = "still not working";
  turn.unresolved_turns = 2;
  EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::none);
  turn.unresolved_turns = 3;
  EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::too_many_turns);
  turn.sentiment_score = -0.7;
  EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::negative_sentiment);
  turn.customer_tier = "vip";
  EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::vip);
  turn.rule_requires_human = true;
  EXPECT_EQ(handoff_reason(turn, normalizer), HandoffReason::rule);
}

}  // namespace
}  // namespace cc::services
