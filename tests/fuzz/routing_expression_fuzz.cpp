// libFuzzer target over the routing module's parsers of admin and customer input: the condition
// language (lexer, parser, evaluator) and the sensitive-word matcher with masking. Each must
// return or refuse, never crash; the checks below hold the promises they make.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cc/routing/expression.hpp"
#include "cc/routing/sensitive_words.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

const cc::routing::MapFacts& facts() {
  static const cc::routing::MapFacts instance = [] {
    using cc::routing::Value;
    cc::routing::MapFacts f;
    f.set("channel", Value::string("wechat"))
        .set("message_count", Value::number(3))
        .set("customer.tags", Value::list({Value::string("vip"), Value::number(1)}))
        .set("customer.known", Value::boolean(true))
        .set("text", Value::string("傻 逼 f.u.c.k order 123"));
    return f;
  }();
  return instance;
}

const cc::routing::SensitiveWordMatcher& matcher() {
  static const cc::routing::SensitiveWordMatcher instance(
      {{"fuck"}, {"傻逼"}, {"shit"}, {"he"}, {"hers"}, {"信用卡"}, {"a.b"}}, nullptr);
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto parsed = cc::routing::parse_expression(input);
  require(parsed.expression.has_value() == parsed.errors.empty());
  for (const auto& error : parsed.errors) {
    require(error.position.offset <= input.size());
    require(error.position.line >= 1 && error.position.column >= 1);
    require(!error.message.empty());
  }
  if (parsed.expression) (void)parsed.expression->evaluate(facts());

  const auto matches = matcher().find(input);
  std::size_t previous_begin = 0;
  for (const auto& match : matches) {
    require(match.begin < match.end && match.end <= input.size());
    require(match.begin >= previous_begin);
    require(match.word_index < matcher().words().size());
    previous_begin = match.begin;
  }
  const std::string masked = cc::routing::mask_spans(input, matches);
  require(matches.empty() ? masked == input : masked.size() <= input.size() + 3 * matches.size());
  return 0;
}
