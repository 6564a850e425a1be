#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cc/routing/opencc_converter.hpp"
#include "cc/routing/sentiment.hpp"

namespace cc::routing {
namespace {

std::string read_data(const std::string& relative) {
  std::ifstream in(std::string(CC_DATA_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const SentimentAnalyzer& analyzer() {
  static const SentimentAnalyzer instance = [] {
    SentimentLexiconText lexicon{
        read_data("sentiment/positive.txt"), read_data("sentiment/negative.txt"),
        read_data("sentiment/negators.txt"), read_data("sentiment/intensifiers.txt"),
        read_data("sentiment/escalation.txt")};
    std::string error;
    return SentimentAnalyzer(lexicon, std::make_shared<const TextNormalizer>(
                                          open_opencc_converter(kOpenccT2sConfig, &error)));
  }();
  return instance;
}

TEST(RoutingSentiment, LexiconLoads) { EXPECT_GT(analyzer().lexicon_size(), 100u); }

TEST(RoutingSentiment, PositiveAndNegativeInBothLanguages) {
  EXPECT_EQ(analyzer().analyze("服务很好，谢谢").label, SentimentLabel::positive);
  EXPECT_EQ(analyzer().analyze("great service, thanks").label, SentimentLabel::positive);
  EXPECT_EQ(analyzer().analyze("质量太差了，很失望").label, SentimentLabel::negative);
  EXPECT_EQ(analyzer().analyze("terrible and slow").label, SentimentLabel::negative);
  EXPECT_EQ(analyzer().analyze("我的订单号是123").label, SentimentLabel::neutral);
  EXPECT_DOUBLE_EQ(analyzer().analyze("where is my order").score, 0.0);
}

TEST(RoutingSentiment, NegationFlipsTheNextSentimentWord) {
  EXPECT_GT(analyzer().analyze("好").score, 0);
  EXPECT_LT(analyzer().analyze("不好").score, 0);
  EXPECT_LT(analyzer().analyze("一点也不满意").score, 0);
  EXPECT_GT(analyzer().analyze("good").score, 0);
  EXPECT_LT(analyzer().analyze("not good").score, 0);
  EXPECT_LT(analyzer().analyze("this isn't helpful").score, 0);
  EXPECT_GT(analyzer().analyze("not bad at all").score, 0);
  EXPECT_GT(analyzer().analyze("没有问题").score, 0);
}

TEST(RoutingSentiment, NegationStopsAtTheClauseEnd) {
  EXPECT_GT(analyzer().analyze("no. good").score, 0);
  EXPECT_GT(analyzer().analyze("不，好").score, 0);
}

TEST(RoutingSentiment, IntensifiersScaleTheScore) {
  EXPECT_GT(analyzer().analyze("very good").score, analyzer().analyze("good").score);
  EXPECT_LT(analyzer().analyze("非常差").score, analyzer().analyze("差").score);
  EXPECT_LT(analyzer().analyze("有点慢").score, 0);
  EXPECT_GT(analyzer().analyze("有点慢").score, analyzer().analyze("慢").score);
}

TEST(RoutingSentiment, ScoreStaysInRange) {
  const auto very =
      analyzer().analyze("terrible terrible awful worst hate 垃圾 垃圾 愤怒 恶心 骗子");
  EXPECT_GE(very.score, -1.0);
  EXPECT_LT(very.score, -0.9);
  EXPECT_TRUE(very.escalate);  // this angry escalates without an escalation word
}

TEST(RoutingSentiment, EscalationTermsFlagTheMessage) {
  const auto chinese = analyzer().analyze("再不处理我就打12315投诉你们");
  EXPECT_TRUE(chinese.escalate);
  EXPECT_NE(std::find(chinese.escalation_terms.begin(), chinese.escalation_terms.end(), "12315"),
            chinese.escalation_terms.end());
  EXPECT_TRUE(analyzer().analyze("我要找律師起訴你們").escalate);  // Traditional script
  EXPECT_TRUE(analyzer().analyze("I will SUE you").escalate);
  EXPECT_TRUE(analyzer().analyze("my lawyer will call").escalate);
  EXPECT_TRUE(analyzer().analyze("I'm going to report you").escalate);
}

TEST(RoutingSentiment, EscalationNeedsWholeWordsInEnglish) {
  EXPECT_FALSE(analyzer().analyze("there is an issue with my pursuit").escalate);
  EXPECT_FALSE(analyzer().analyze("thanks, all good").escalate);
}

TEST(RoutingSentiment, LabelsHaveNames) {
  EXPECT_EQ(to_string(SentimentLabel::negative), "negative");
  EXPECT_EQ(to_string(SentimentLabel::neutral), "neutral");
  EXPECT_EQ(to_string(SentimentLabel::positive), "positive");
}

}  // namespace
}  // namespace cc::routing
