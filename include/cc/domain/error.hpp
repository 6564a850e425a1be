#pragma once
// Typed errors and Result<T>: every expected failure in the project travels as a value.
// The api module maps each ErrorCode to one HTTP status and problem type.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cc {

enum class ErrorCode {
  invalid,             // the input breaks a rule (422, with the field)
  malformed,           // the input cannot be parsed at all (400)
  not_found,
  conflict,
  invalid_transition,
  unauthorized,
  forbidden,
  too_large,
  unsupported_media,   // the body's media type is not one the endpoint reads (415)
  rate_limited,
  unavailable,         // a dependency (PostgreSQL) is down: retry later (503)
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string detail;
  std::string field;  // JSON path of the offending field, when there is one

  static Error invalid(std::string detail, std::string field = {}) {
    return {ErrorCode::invalid, std::move(detail), std::move(field)};
  }
  static Error not_found(std::string detail) { return {ErrorCode::not_found, std::move(detail), {}}; }
  static Error conflict(std::string detail) { return {ErrorCode::conflict, std::move(detail), {}}; }
  static Error unauthorized(std::string detail) {
    return {ErrorCode::unauthorized, std::move(detail), {}};
  }
  static Error forbidden(std::string detail) { return {ErrorCode::forbidden, std::move(detail), {}}; }
  static Error unavailable(std::string detail) {
    return {ErrorCode::unavailable, std::move(detail), {}};
  }
};

// A value or an Error. Deliberately small: has_value(), value(), error(), and -> / *.
template <class T>
class [[nodiscard]] Result {
 public:
  // Default: "no result yet" (an unavailable error), so Result fits APIs that default-construct
  // their values, such as co_spawn's completion handler on the exception path.
  Result() : state_(std::in_place_index<1>, Error{ErrorCode::unavailable, "no result", {}}) {}
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> state_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace cc
