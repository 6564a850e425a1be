// Micro-benchmark of the routing condition language: compiles 500 varied rule conditions, then
// evaluates all 500 against one task's Facts, many times, and prints compile time and the
// p50/p99 time of one full pass over the 500 rules. Prints figures; never passes or fails.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cc/routing/expression.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string rule_condition(int i) {
  static const char* kIntents[] = {"refund",  "return",    "exchange",
                                   "invoice", "complaint", "shipping"};
  static const char* kChannels[] = {"wechat", "sms", "email", "webchat", "voice"};
  const std::string intent = kIntents[i % 6];
  const std::string channel = kChannels[i % 5];
  switch (i % 5) {
    case 0:
      return "intent == \"" + intent + "\" AND channel == \"" + channel + "\"";
    case 1:
      return "intent IN [\"" + intent +
             "\", \"other\"] AND customer.tags HAS \"vip\" AND queue.length < " + std::to_string(i);
    case 2:
      return "NOT (time.hour >= 9 AND time.hour < 18) OR customer.tier == \"gold\" AND "
             "message_count > " +
             std::to_string(i % 7);
    case 3:
      return "text MATCHES \"(?i)(lawyer|律师|" + intent + ")\" AND sentiment == \"negative\"";
    default:
      return "customer.attributes.city STARTS_WITH \"Sh\" AND customer.email EXISTS AND language "
             "NOT IN [\"en\", \"fr\"]";
  }
}

}  // namespace

int main() {
  using namespace cc::routing;
  constexpr int kRules = 500;
  std::vector<CompiledExpression> rules;
  const auto compile_start = Clock::now();
  for (int i = 0; i < kRules; ++i) {
    auto parsed = parse_expression(rule_condition(i));
    if (!parsed.expression) {
      std::fprintf(stderr, "rule %d does not parse: %s\n", i,
                   parsed.errors.front().message.c_str());
      return 1;
    }
    rules.push_back(std::move(*parsed.expression));
  }
  const double compile_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - compile_start).count();

  MapFacts facts;
  facts.set("channel", Value::string("wechat"))
      .set("intent", Value::string("complaint"))
      .set("sentiment", Value::string("negative"))
      .set("language", Value::string("zh"))
      .set("text", Value::string("你们的服务太差了，我要找律师，订单 12345678 还没到"))
      .set("message_count", Value::number(4))
      .set("customer.tier", Value::string("silver"))
      .set("customer.tags", Value::list({Value::string("wholesale"), Value::string("returning")}))
      .set("customer.attributes.city", Value::string("Shanghai"))
      .set("queue.length", Value::number(250))
      .set("time.hour", Value::number(21));

  std::vector<double> pass_us;
  int matched = 0;
  for (int round = 0; round < 2000; ++round) {
    const auto t0 = Clock::now();
    int hits = 0;
    for (const auto& rule : rules) hits += rule.evaluate(facts) ? 1 : 0;
    pass_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    matched = hits;
  }
  std::sort(pass_us.begin(), pass_us.end());
  std::printf("compiled %d conditions in %.2f ms\n", kRules, compile_ms);
  std::printf(
      "evaluate all %d against one task (%d true): p50 %.1f us, p99 %.1f us over %zu passes\n",
      kRules, matched, pass_us[pass_us.size() / 2], pass_us[pass_us.size() * 99 / 100],
      pass_us.size());
  return 0;
}
