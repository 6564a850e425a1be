#pragma once
// co_spawn with a completion handler that logs what a coroutine threw: nothing runs detached
// silently (CONVENTIONS.md).
#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <spdlog/spdlog.h>
#include <string>

namespace cc::async {

template <class Executor, class Awaitable>
void spawn_logged(Executor executor, Awaitable&& awaitable, std::string what) {
  boost::asio::co_spawn(executor, std::forward<Awaitable>(awaitable),
                        [what = std::move(what)](std::exception_ptr error) {
                          if (!error) return;
                          try {
                            std::rethrow_exception(error);
                          } catch (const std::exception& e) {
                            spdlog::error("{} failed: {}", what, e.what());
                          } catch (...) {
                            spdlog::error("{} failed with an unknown exception", what);
                          }
                        });
}

}  // namespace cc::async
