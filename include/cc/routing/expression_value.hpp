#pragma once
// Values of the routing condition language and the Facts a condition is evaluated against.
// A Value is null, a boolean, a number (double), a string or a list of values. Facts is what
// the routing service implements over one task (channel, intent, customer.*, queue.*, time.*).
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cc::routing {

class Value {
 public:
  enum class Kind { null, boolean, number, string, list };

  Value() = default;
  static Value boolean(bool b);
  static Value number(double n);
  static Value string(std::string s);
  static Value list(std::vector<Value> items);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool as_boolean() const { return boolean_; }
  double as_number() const { return number_; }
  const std::string& as_string() const { return string_; }
  const std::vector<Value>& as_list() const { return list_; }

  // Same kind and same content; values of different kinds are never equal (no coercion).
  friend bool operator==(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::null;
  bool boolean_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Value> list_;
};

std::string_view to_string(Value::Kind kind);

// The facts about one routing task. lookup() returns nothing for a name it does not know or a
// fact that is absent (then EXISTS is false and every comparison with it is false).
class Facts {
 public:
  virtual ~Facts() = default;
  virtual std::optional<Value> lookup(std::string_view name) const = 0;
};

// Facts from a map: for tests, the simulator and callers that gather facts up front.
class MapFacts final : public Facts {
 public:
  MapFacts& set(std::string name, Value value);
  std::optional<Value> lookup(std::string_view name) const override;

 private:
  std::unordered_map<std::string, Value> values_;
};

}  // namespace cc::routing
