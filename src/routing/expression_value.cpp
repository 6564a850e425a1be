#include "cc/routing/expression_value.hpp"

namespace cc::routing {

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::boolean;
  v.boolean_ = b;
  return v;
}

Value Value::number(double n) {
  Value v;
  v.kind_ = Kind::number;
  v.number_ = n;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::string;
  v.string_ = std::move(s);
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::list;
  v.list_ = std::move(items);
  return v;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Value::Kind::null:
      return true;
    case Value::Kind::boolean:
      return a.boolean_ == b.boolean_;
    case Value::Kind::number:
      return a.number_ == b.number_;
    case Value::Kind::string:
      return a.string_ == b.string_;
    case Value::Kind::list:
      return a.list_ == b.list_;
  }
  return false;
}

std::string_view to_string(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::null:
      return "null";
    case Value::Kind::boolean:
      return "boolean";
    case Value::Kind::number:
      return "number";
    case Value::Kind::string:
      return "string";
    case Value::Kind::list:
      return "list";
  }
  return "null";
}

MapFacts& MapFacts::set(std::string name, Value value) {
  values_.insert_or_assign(std::move(name), std::move(value));
  return *this;
}

std::optional<Value> MapFacts::lookup(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace cc::routing
