#pragma once
// Runs a blocking, CPU-bound function (password hashing) on another executor, typically a small
// thread pool, and resumes the caller on its own executor with the result.
#include <boost/asio/post.hpp>

#include "cc/async/completion.hpp"

namespace cc::async {

template <class Executor, class F>
auto run_on(Executor executor, F f) -> boost::asio::awaitable<std::invoke_result_t<F>> {
  using R = std::invoke_result_t<F>;
  return await_completion<R>([executor, f = std::move(f)](Completion<R> completion) mutable {
    boost::asio::post(executor, [f = std::move(f), completion = std::move(completion)]() mutable {
      try {
        std::move(completion).succeed(f());
      } catch (...) {
        std::move(completion).fail(std::current_exception());
      }
    });
  });
}

}  // namespace cc::async
