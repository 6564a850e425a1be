#pragma once
// A move-only std::function (C++23's std::move_only_function is not in C++20): queues hold jobs
// that own move-only state such as a completion handler.
#include <memory>
#include <utility>

namespace cc::async {

template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
 public:
  UniqueFunction() = default;
  template <class F>
  UniqueFunction(F f) : callable_(std::make_unique<Model<F>>(std::move(f))) {}  // NOLINT: implicit

  R operator()(Args... args) { return callable_->call(std::forward<Args>(args)...); }
  explicit operator bool() const { return callable_ != nullptr; }

 private:
  struct Concept {
    virtual ~Concept() = default;
    virtual R call(Args... args) = 0;
  };
  template <class F>
  struct Model final : Concept {
    explicit Model(F f) : function(std::move(f)) {}
    R call(Args... args) override { return function(std::forward<Args>(args)...); }
    F function;
  };
  std::unique_ptr<Concept> callable_;
};

}  // namespace cc::async
