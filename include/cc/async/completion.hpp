#pragma once
// Bridges work done elsewhere (a database thread, a batch flusher, a CPU pool) back into a
// coroutine. await_completion<T>(start) suspends the caller; start receives a Completion<T> and
// may finish it from any thread; the caller resumes on its own executor with the value or the
// exception.
//
// These helpers are deliberately not coroutines themselves: GCC 12 mishandles closures passed by
// value as coroutine parameters (their captures are destroyed from a stale copy), so a closure
// is only ever stored inside Asio's initiation object, never in a coroutine frame.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <type_traits>
#include <utility>

#include "cc/domain/error.hpp"

namespace cc::async {

template <class T>
class Completion {
 public:
  using Handler = boost::asio::any_completion_handler<void(std::exception_ptr, T)>;
  Completion(Handler handler, boost::asio::any_io_executor executor)
      : handler_(std::move(handler)), executor_(std::move(executor)) {}

  void succeed(T value) && { finish(nullptr, std::move(value)); }
  void fail(std::exception_ptr error) && { finish(std::move(error), placeholder()); }

 private:
  // The value passed beside an exception is never seen: use_awaitable rethrows instead.
  static T placeholder() {
    if constexpr (std::is_default_constructible_v<T>) {
      return T{};
    } else {
      return T(Error::unavailable("failed"));
    }
  }
  void finish(std::exception_ptr error, T value) {
    boost::asio::post(executor_, [handler = std::move(handler_), error = std::move(error),
                                  value = std::move(value)]() mutable {
      std::move(handler)(std::move(error), std::move(value));
    });
  }
  Handler handler_;
  boost::asio::any_io_executor executor_;  // the waiting coroutine's: it resumes there
};

template <class T, class Start>
boost::asio::awaitable<T> await_completion(Start start) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                     void(std::exception_ptr, T)>(
      [start = std::move(start)](auto handler) mutable {
        boost::asio::any_io_executor executor = boost::asio::get_associated_executor(handler);
        start(Completion<T>(typename Completion<T>::Handler(std::move(handler)), std::move(executor)));
      },
      boost::asio::use_awaitable);
}

}  // namespace cc::async
