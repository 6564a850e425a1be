#pragma once
// The routing condition language, compiled once per workflow version and evaluated per task:
//   intent IN ["refund", "return"] AND customer.tier == "vip"
//   NOT (queue.length > 20 OR text MATCHES "(?i)lawyer|律师") AND customer.email EXISTS
// Operators by precedence, loosest first: OR; AND; NOT; comparisons (==, !=, <, <=, >, >=,
// IN, NOT IN, CONTAINS, HAS, STARTS_WITH, MATCHES, postfix EXISTS; prefix EXISTS name).
// Type rules: a comparison between values of different kinds, or with an absent fact, is false
// (never an error at run time); see src/routing/README.md for each operator's table.
// A CompiledExpression is immutable and thread-safe; copies share the compiled tree.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/routing/expression_lexer.hpp"
#include "cc/routing/expression_value.hpp"

namespace cc::routing {

struct ExpressionNode;  // src/routing/expression_ast.hpp

struct ParseOptions {
  std::size_t max_source_bytes = 16 * 1024;
  std::size_t max_depth = 64;  // nesting of parentheses and NOTs
  std::size_t max_list_items = 1000;
  // When set, names it rejects are errors ("unknown name"); see is_routing_fact_name.
  std::function<bool(std::string_view)> is_known_name;
};

class CompiledExpression {
 public:
  bool evaluate(const Facts& facts) const;
  const std::vector<std::string>& names() const { return names_; }  // distinct, in source order

 private:
  friend struct ExpressionCompiler;
  std::shared_ptr<const ExpressionNode> root_;
  std::vector<std::string> names_;
};

struct ParseResult {
  std::optional<CompiledExpression> expression;  // empty when errors is not
  std::vector<ExpressionError> errors;           // sorted by offset
};

ParseResult parse_expression(std::string_view source, const ParseOptions& options = {});

// The fact names the routing service provides: channel, channel_account, intent, sentiment,
// sentiment_score, language, text, message_count, customer.{id,tier,tags,known,language},
// customer.attributes.<any>, queue.{name,length,oldest_wait}, time.{hour,minute,weekday,date,
// business_hours,holiday}, bot.{turns,confidence}.
bool is_routing_fact_name(std::string_view name);

}  // namespace cc::routing
