#pragma once
// The compiled tree of a condition (private to the routing module): built by the parser,
// walked by the evaluator.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "cc/routing/expression_value.hpp"

namespace cc::routing {

enum class ExpressionOp {
  literal,
  name,
  logical_and,
  logical_or,
  logical_not,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  in,
  not_in,
  contains,
  has,
  starts_with,
  matches,
  exists,
};

struct ExpressionNode {
  ExpressionOp op = ExpressionOp::literal;
  Value literal;     // literal
  std::string name;  // name, exists
  std::vector<std::unique_ptr<ExpressionNode>> children;
  std::unique_ptr<re2::RE2> regex;  // matches: compiled once, at parse time
};

}  // namespace cc::routing
