#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "client/blocking_driver.hpp"

namespace httpxx::detail {

// The blocking Client's event loop, run by the calling threads themselves (as curl's easy
// interface runs its own): no extra thread, no hand-off per request. Of the threads waiting in
// call(), one at a time drives the loop until its own call completes; the others wait for
// theirs, which the driving thread completes as it runs the loop, or take over the driving when
// it leaves. So calls from several threads proceed concurrently on one connection pool.
class EventLoopDriver final : public BlockingDriver {
 public:
  EventLoopDriver();
  ~EventLoopDriver() override;
  asio::io_context& context() noexcept { return context_; }

  // Runs op to completion on the loop and returns its result: the awaitable itself is spawned,
  // with no wrapping coroutine. Throws std::logic_error when called from a handler running on
  // this loop (a deadlock).
  template <class T>
  T call(asio::awaitable<T> op);
  void run(asio::awaitable<void> op) override { call(std::move(op)); }

 private:
  void check_not_on_loop();
  // Sets done and wakes the threads waiting in drive().
  void complete(std::atomic<bool>& done);
  // Drives the loop, or waits for the thread driving it, until done is set.
  void drive(const std::atomic<bool>& done);

  asio::io_context context_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool driving_ = false;
};

namespace event_loop {

// Awaits op and leaves its result in result: the result is moved once, out of op's frame,
// rather than through co_spawn's completion handler and its binders.
template <class T>
asio::awaitable<void> store_result(asio::awaitable<T> op, std::optional<T>& result) {
  result.emplace(co_await std::move(op));
}

}  // namespace event_loop

template <class T>
T EventLoopDriver::call(asio::awaitable<T> op) {
  check_not_on_loop();
  std::atomic<bool> done = false;
  std::exception_ptr error;
  const auto on_done = [this, &done, &error](std::exception_ptr e) {
    error = std::move(e);
    complete(done);
  };
  if constexpr (std::is_void_v<T>) {
    asio::co_spawn(context_, std::move(op), on_done);
    drive(done);
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> result;
    asio::co_spawn(context_, event_loop::store_result(std::move(op), result), on_done);
    drive(done);
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

}  // namespace httpxx::detail
