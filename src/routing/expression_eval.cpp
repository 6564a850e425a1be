// Evaluates a compiled condition against Facts. Type rules: comparisons between different
// kinds, or with an absent (null) value, are false; AND and OR short-circuit.
#include <algorithm>

#include "cc/routing/expression.hpp"
#include "expression_ast.hpp"

namespace cc::routing {

namespace {

Value value_of(const ExpressionNode& node, const Facts& facts);
bool truth_of(const ExpressionNode& node, const Facts& facts);

bool list_has(const Value& list, const Value& item) {
  const auto& items = list.as_list();
  return std::find(items.begin(), items.end(), item) != items.end();
}

// -1, 0, 1, or nullopt when the kinds cannot be ordered.
std::optional<int> order(const Value& a, const Value& b) {
  if (a.kind() == Value::Kind::number && b.kind() == Value::Kind::number) {
    if (a.as_number() < b.as_number()) return -1;
    if (a.as_number() > b.as_number()) return 1;
    if (a.as_number() == b.as_number()) return 0;
    return std::nullopt;  // NaN
  }
  if (a.kind() == Value::Kind::string && b.kind() == Value::Kind::string) {
    const int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool compare(ExpressionOp op, const Value& a, const Value& b) {
  using K = Value::Kind;
  if (a.is_null() || b.is_null()) return false;
  switch (op) {
    case ExpressionOp::eq:
      return a == b;
    case ExpressionOp::ne:
      return a.kind() == b.kind() && !(a == b);
    case ExpressionOp::lt: {
      auto o = order(a, b);
      return o && *o < 0;
    }
    case ExpressionOp::le: {
      auto o = order(a, b);
      return o && *o <= 0;
    }
    case ExpressionOp::gt: {
      auto o = order(a, b);
      return o && *o > 0;
    }
    case ExpressionOp::ge: {
      auto o = order(a, b);
      return o && *o >= 0;
    }
    case ExpressionOp::in:
      return b.kind() == K::list && list_has(b, a);
    case ExpressionOp::not_in:
      return b.kind() == K::list && !list_has(b, a);
    case ExpressionOp::contains:
      if (a.kind() == K::string && b.kind() == K::string)
        return a.as_string().find(b.as_string()) != std::string::npos;
      return a.kind() == K::list && list_has(a, b);
    case ExpressionOp::has:
      return a.kind() == K::list && list_has(a, b);
    case ExpressionOp::starts_with:
      return a.kind() == K::string && b.kind() == K::string &&
             a.as_string().starts_with(b.as_string());
    default:
      return false;
  }
}

Value value_of(const ExpressionNode& node, const Facts& facts) {
  switch (node.op) {
    case ExpressionOp::literal:
      return node.literal;
    case ExpressionOp::name: {
      auto value = facts.lookup(node.name);
      return value ? std::move(*value) : Value();
    }
    default:
      return Value::boolean(truth_of(node, facts));
  }
}

bool truth_of(const ExpressionNode& node, const Facts& facts) {
  switch (node.op) {
    case ExpressionOp::literal:
    case ExpressionOp::name: {
      const Value value = value_of(node, facts);
      return value.kind() == Value::Kind::boolean && value.as_boolean();
    }
    case ExpressionOp::logical_and:
      return truth_of(*node.children[0], facts) && truth_of(*node.children[1], facts);
    case ExpressionOp::logical_or:
      return truth_of(*node.children[0], facts) || truth_of(*node.children[1], facts);
    case ExpressionOp::logical_not:
      return !truth_of(*node.children[0], facts);
    case ExpressionOp::exists: {
      const auto value = facts.lookup(node.name);
      return value && !value->is_null();
    }
    case ExpressionOp::matches: {
      const Value subject = value_of(*node.children[0], facts);
      return subject.kind() == Value::Kind::string &&
             RE2::PartialMatch(subject.as_string(), *node.regex);
    }
    default:
      return compare(node.op, value_of(*node.children[0], facts),
                     value_of(*node.children[1], facts));
  }
}

constexpr std::string_view kFactNames[] = {
    "channel",
    "channel_account",
    "intent",
    "intent_confidence",
    "sentiment",
    "sentiment_score",
    "escalate",
    "language",
    "text",
    "message_count",
    "customer.id",
    "customer.tier",
    "customer.tags",
    "customer.known",
    "customer.language",
    "customer.last_agent",
    "queue.name",
    "queue.length",
    "queue.oldest_wait",
    "time.hour",
    "time.minute",
    "time.weekday",
    "time.date",
    "time.business_hours",
    "time.holiday",
    "bot.turns",
    "bot.confidence",
};

}  // namespace

bool CompiledExpression::evaluate(const Facts& facts) const {
  return root_ && truth_of(*root_, facts);
}

bool is_routing_fact_name(std::string_view name) {
  constexpr std::string_view kAttributes = "customer.attributes.";
  if (name.starts_with(kAttributes) && name.size() > kAttributes.size()) return true;
  return std::find(std::begin(kFactNames), std::end(kFactNames), name) != std::end(kFactNames);
}

}  // namespace cc::routing
