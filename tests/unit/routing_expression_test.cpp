#include <gtest/gtest.h>

#include "cc/routing/expression.hpp"

namespace cc::routing {
namespace {

MapFacts task_facts() {
  MapFacts facts;
  facts.set("channel", Value::string("wechat"))
      .set("intent", Value::string("refund"))
      .set("sentiment", Value::string("negative"))
      .set("language", Value::string("zh"))
      .set("text", Value::string("我要找律师 about order 12345"))
      .set("message_count", Value::number(3))
      .set("customer.tier", Value::string("vip"))
      .set("customer.tags", Value::list({Value::string("vip"), Value::string("wholesale")}))
      .set("customer.known", Value::boolean(true))
      .set("customer.attributes.city", Value::string("Shanghai"))
      .set("queue.length", Value::number(12))
      .set("queue.oldest_wait", Value::number(95.5))
      .set("time.hour", Value::number(22))
      .set("time.weekday", Value::number(6));
  return facts;
}

bool eval(std::string_view source) {
  auto parsed = parse_expression(source);
  EXPECT_TRUE(parsed.errors.empty()) << source;
  EXPECT_TRUE(parsed.expression) << source << ": "
                                 << (parsed.errors.empty() ? "" : parsed.errors.front().message);
  return parsed.expression && parsed.expression->evaluate(task_facts());
}

TEST(RoutingExpression, ComparisonOperators) {
  EXPECT_TRUE(eval(R"(channel == "wechat")"));
  EXPECT_FALSE(eval(R"(channel == "sms")"));
  EXPECT_TRUE(eval(R"(channel != 'sms')"));
  EXPECT_TRUE(eval("message_count < 4"));
  EXPECT_FALSE(eval("message_count < 3"));
  EXPECT_TRUE(eval("message_count <= 3"));
  EXPECT_TRUE(eval("queue.oldest_wait > 95"));
  EXPECT_FALSE(eval("queue.oldest_wait > 95.5"));
  EXPECT_TRUE(eval("queue.oldest_wait >= 95.5"));
  EXPECT_TRUE(eval("time.hour >= 18 AND time.hour < 23"));
  EXPECT_TRUE(eval(R"(language < "zz")"));  // strings order lexicographically
  EXPECT_TRUE(eval("-1 < 0"));
}

TEST(RoutingExpression, MembershipAndStringOperators) {
  EXPECT_TRUE(eval(R"(intent IN ["refund", "return"])"));
  EXPECT_FALSE(eval(R"(intent IN ["greeting"])"));
  EXPECT_TRUE(eval(R"(intent NOT IN ["greeting", "invoice"])"));
  EXPECT_FALSE(eval(R"(intent NOT IN ["refund"])"));
  EXPECT_TRUE(eval("time.weekday IN [6, 7]"));
  EXPECT_TRUE(eval(R"(customer.tags HAS "vip")"));
  EXPECT_FALSE(eval(R"(customer.tags HAS "blocked")"));
  EXPECT_TRUE(eval(R"(customer.tags CONTAINS "wholesale")"));
  EXPECT_TRUE(eval(R"(text CONTAINS "律师")"));
  EXPECT_TRUE(eval(R"(customer.attributes.city STARTS_WITH "Shang")"));
  EXPECT_FALSE(eval(R"(customer.attributes.city STARTS_WITH "shang")"));
  EXPECT_TRUE(eval(R"(text MATCHES "order \d+")"));
  EXPECT_TRUE(eval(R"(text MATCHES "(?i)ORDER")"));
  EXPECT_FALSE(eval(R"(text MATCHES "^order")"));
}

TEST(RoutingExpression, ExistsAndBareBooleans) {
  EXPECT_TRUE(eval("customer.tier EXISTS"));
  EXPECT_TRUE(eval("EXISTS customer.tier"));
  EXPECT_FALSE(eval("customer.email EXISTS"));
  EXPECT_TRUE(eval("NOT customer.email EXISTS"));
  EXPECT_TRUE(eval("customer.known"));
  EXPECT_FALSE(eval("channel"));  // a string is not true
  EXPECT_TRUE(eval("true"));
  EXPECT_FALSE(eval("FALSE"));
}

TEST(RoutingExpression, LogicAndPrecedence) {
  EXPECT_TRUE(eval(R"(channel == "sms" OR channel == "wechat" AND customer.tier == "vip")"));
  EXPECT_FALSE(eval(R"((channel == "sms" OR channel == "wechat") AND customer.tier == "gold")"));
  EXPECT_TRUE(eval(R"(NOT channel == "sms" AND NOT (intent == "greeting"))"));
  EXPECT_FALSE(eval("NOT NOT false"));
  EXPECT_TRUE(eval(R"(intent == "refund" and customer.known or false)"));  // keywords in any case
  EXPECT_TRUE(eval("(customer.known) == true"));
}

TEST(RoutingExpression, IncompatibleTypesAndMissingFactsAreFalse) {
  EXPECT_FALSE(eval(R"(message_count == "3")"));
  EXPECT_FALSE(eval(R"(message_count != "3")"));
  EXPECT_FALSE(eval(R"(channel > 3)"));
  EXPECT_FALSE(eval(R"(customer.tags STARTS_WITH "v")"));
  EXPECT_FALSE(eval(R"(message_count MATCHES "3")"));
  EXPECT_FALSE(eval(R"(intent IN "refund")"));
  EXPECT_FALSE(eval(R"(intent NOT IN "refund")"));
  EXPECT_FALSE(eval(R"(missing == "x")"));
  EXPECT_FALSE(eval(R"(missing != "x")"));
  EXPECT_FALSE(eval(R"(missing NOT IN ["x"])"));
  EXPECT_FALSE(eval("missing"));
  EXPECT_FALSE(eval("customer.tier == null"));
  EXPECT_TRUE(eval(R"((channel HAS "w") == false)"));
}

TEST(RoutingExpression, ListsCompareElementwise) {
  EXPECT_TRUE(eval(R"(customer.tags == ["vip", "wholesale"])"));
  EXPECT_FALSE(eval(R"(customer.tags == ["wholesale", "vip"])"));
  EXPECT_TRUE(eval("[] == []"));
}

TEST(RoutingExpression, ReportsNamesInSourceOrder) {
  auto parsed = parse_expression(R"(intent == "a" OR customer.tier EXISTS OR intent == "b")");
  ASSERT_TRUE(parsed.expression);
  EXPECT_EQ(parsed.expression->names(), (std::vector<std::string>{"intent", "customer.tier"}));
}

void expect_error(std::string_view source, std::size_t line, std::size_t column,
                  std::string_view fragment) {
  auto parsed = parse_expression(source);
  EXPECT_FALSE(parsed.expression) << source;
  ASSERT_FALSE(parsed.errors.empty()) << source;
  const auto& error = parsed.errors.front();
  EXPECT_EQ(error.position.line, line) << source << ": " << error.message;
  EXPECT_EQ(error.position.column, column) << source << ": " << error.message;
  EXPECT_NE(error.message.find(fragment), std::string::npos) << error.message;
}

TEST(RoutingExpression, ErrorsCarryPositions) {
  expect_error("", 1, 1, "expected a value");
  expect_error(R"(intent == )", 1, 11, "expected a value");
  expect_error(R"(intent = "refund")", 1, 8, "use '=='");
  expect_error(R"(intent == "refund)", 1, 11, "unterminated string");
  expect_error("intent == 'a' AND\n  channel ==", 2, 13, "expected a value");
  expect_error(R"((intent == "a")", 1, 15, "missing ')'");
  expect_error(R"(intent == "a" channel)", 1, 15, "expected AND, OR");
  expect_error(R"(text MATCHES "(unclosed")", 1, 14, "invalid regular expression");
  expect_error(R"(text MATCHES channel)", 1, 14, "string literal");
  expect_error(R"(intent IN [channel])", 1, 12, "a list holds literals");
  expect_error(R"(intent IN ["a" "b"])", 1, 16, "expected ',' or ']'");
  expect_error(R"("x" EXISTS)", 1, 5, "EXISTS applies to a name");
  expect_error("intent == 1.2.3", 1, 11, "malformed number");
  expect_error("intent == #", 1, 11, "unexpected character");
  expect_error("客户 == 1", 1, 1, "unexpected character");
  expect_error("a.", 1, 2, "a name part must follow");
}

TEST(RoutingExpression, ColumnsCountCodePointsAndOffsetsBytes) {
  auto parsed = parse_expression(R"(text == "律师" AND)");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].position.column, 17u);
  EXPECT_EQ(parsed.errors[0].position.offset, 20u);
}

TEST(RoutingExpression, CollectsSeveralErrors) {
  auto parsed =
      parse_expression(R"(intent == AND text MATCHES "[" OR channel IN [x] OR queue.length > )");
  ASSERT_EQ(parsed.errors.size(), 4u);
  EXPECT_EQ(parsed.errors[0].position.column, 11u);
  EXPECT_EQ(parsed.errors[1].position.column, 28u);
  EXPECT_EQ(parsed.errors[2].position.column, 47u);
  EXPECT_EQ(parsed.errors[3].position.column, 68u);
}

TEST(RoutingExpression, UnknownNamesAreRejectedWhenAskedTo) {
  ParseOptions options;
  options.is_known_name = is_routing_fact_name;
  EXPECT_TRUE(parse_expression("customer.attributes.region EXISTS AND queue.length > 1", options)
                  .expression);
  auto parsed = parse_expression("custmer.tier == 'vip' OR EXISTS intnt", options);
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_NE(parsed.errors[0].message.find("custmer.tier"), std::string::npos);
  EXPECT_EQ(parsed.errors[1].position.column, 33u);
  EXPECT_FALSE(is_routing_fact_name("customer.attributes."));
}

TEST(RoutingExpression, LimitsSizeAndDepth) {
  ParseOptions options;
  options.max_source_bytes = 10;
  EXPECT_FALSE(parse_expression("intent == 'refund'", options).expression);
  const std::string deep = std::string(100, '(') + "true" + std::string(100, ')');
  auto parsed = parse_expression(deep);
  ASSERT_FALSE(parsed.expression);
  EXPECT_NE(parsed.errors.front().message.find("nested"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "NOT ";
  EXPECT_FALSE(parse_expression(nots + "true").expression);
  EXPECT_TRUE(parse_expression(std::string(30, '(') + "true" + std::string(30, ')')).expression);
}

TEST(RoutingExpression, CompiledExpressionsAreSharedByCopies) {
  auto parsed = parse_expression(R"(intent == "refund")");
  const CompiledExpression copy = *parsed.expression;
  parsed.expression.reset();
  EXPECT_TRUE(copy.evaluate(task_facts()));
}

}  // namespace
}  // namespace cc::routing
