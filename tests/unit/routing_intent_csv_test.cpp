#include <gtest/gtest.h>

#include "cc/routing/intent_csv.hpp"

namespace cc::routing {
namespace {

TEST(RoutingIntentCsv, ReadsQuotedFieldsAndCrLf) {
  const auto parsed =
      parse_intent_csv("text,intent\r\n\"where, is \"\"it\"\"\",order_status\r\n退货,return\r\n");
  ASSERT_TRUE(parsed.errors.empty());
  ASSERT_EQ(parsed.examples.size(), 2u);
  EXPECT_EQ(parsed.examples[0].text, "where, is \"it\"");
  EXPECT_EQ(parsed.examples[0].intent, "order_status");
  EXPECT_EQ(parsed.examples[1].text, "退货");
}

TEST(RoutingIntentCsv, QuotedNewlineCountsLines) {
  const auto parsed = parse_intent_csv("text,intent\n\"a\nb\",x\nbad row\n");
  ASSERT_EQ(parsed.examples.size(), 1u);
  EXPECT_EQ(parsed.examples[0].text, "a\nb");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].line, 4u);
}

TEST(RoutingIntentCsv, RejectsAWrongHeader) {
  const auto parsed = parse_intent_csv("utterance,label\nhi,greeting\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].line, 1u);
  EXPECT_TRUE(parsed.examples.empty());
}

TEST(RoutingIntentCsv, ReportsUnterminatedQuoteAndEmptyFile) {
  EXPECT_EQ(parse_intent_csv("text,intent\n\"open,x\n").errors.size(), 1u);
  EXPECT_EQ(parse_intent_csv("").errors.size(), 1u);
}

TEST(RoutingIntentCsv, StopsAtTheRowLimit) {
  const auto parsed = parse_intent_csv("text,intent\na,x\nb,x\nc,x\n", 2);
  EXPECT_EQ(parsed.examples.size(), 2u);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].line, 4u);
}

TEST(RoutingIntentCsv, SkipsByteOrderMarkAndBlankLines) {
  const auto parsed = parse_intent_csv("\xEF\xBB\xBFtext,intent\n\nhello,greeting\n\n");
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.examples.size(), 1u);
}

}  // namespace
}  // namespace cc::routing
