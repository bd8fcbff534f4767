#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>

#include <asio/io_context.hpp>

#include "client/blocking_driver.hpp"
#include "net/pooled_spawn.hpp"

namespace httpxx::detail {

// The blocking Client's event loop, run by the calling threads themselves (as curl's easy
// interface runs its own): no extra thread, no hand-off per request. Of the threads waiting in
// call(), one at a time drives the loop until its own call completes; the others wait for
// theirs, which the driving thread completes as it runs the loop, or take over the driving when
// it leaves. So calls from several threads proceed concurrently on one connection pool.
// A call made while no thread drives starts on the calling thread at once, as the driver: its
// request is sent before the loop is entered, which then only waits for the answer. Posted
// instead, it would queue behind the loop's reactor, which would poll the sockets (an
// epoll_wait) before the call even began.
class EventLoopDriver final : public BlockingDriver {
 public:
  EventLoopDriver();
  ~EventLoopDriver() override;
  asio::io_context& context() noexcept { return context_; }

  // Runs op to completion on the loop and returns its result. Throws std::logic_error when
  // called by the thread driving this loop, from a hook or callback of a call it runs: that
  // call could never complete.
  template <class T>
  T call(asio::awaitable<T> op);
  void run(asio::awaitable<void> op) override { call(std::move(op)); }

 private:
  void check_not_on_loop();
  // The bottom frame of a call's thread of execution, in place of co_spawn's (net/pooled_spawn.hpp):
  // it moves onto the loop unless its thread drives it already, awaits op, and leaves op's
  // result or exception in the caller's storage (a result is moved once, out of op's frame).
  template <class T, class Result>
  EntryPoint run_call(asio::awaitable<T> op, Result& result, std::exception_ptr& error, std::atomic<bool>& done,
                      bool driving);
  // Sets done and wakes the threads waiting in drive().
  void complete(std::atomic<bool>& done);
  // Wakes the threads waiting in drive(), if any, to test their conditions again.
  void wake_waiters();
  // Makes the calling thread the driver if none is; false when another thread drives.
  bool try_take_loop();
  // Ends the calling thread's driving and lets a waiting thread take the loop over.
  void hand_over_loop();
  // Drives the loop, or waits for the thread driving it, until done is set; driving says the
  // calling thread is the driver already.
  void drive(const std::atomic<bool>& done, bool driving);

  asio::io_context context_;
  // For the threads waiting in drive() only; the loop is taken and calls complete without it.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<int> waiters_ = 0;
  // The driving thread, none when the loop is free.
  std::atomic<std::thread::id> driver_{};
};

template <class T>
T EventLoopDriver::call(asio::awaitable<T> op) {
  check_not_on_loop();
  std::atomic<bool> done = false;
  std::exception_ptr error;
  std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> result;
  const bool driving = try_take_loop();
  try {
    launch(context_.get_executor(), run_call(std::move(op), result, error, done, driving));
  } catch (...) {
    if (driving) hand_over_loop();
    throw;
  }
  drive(done, driving);
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

template <class T, class Result>
EntryPoint EventLoopDriver::run_call(asio::awaitable<T> op, Result& result, std::exception_ptr& error,
                                     std::atomic<bool>& done, bool driving) {
  if (!driving) co_await post_to(context_.get_executor());   // onto the loop the driver runs
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(op);
    } else {
      result.emplace(co_await std::move(op));
    }
  } catch (...) {
    error = std::current_exception();
  }
  complete(done);   // the caller's storage is not touched after this
}

}  // namespace httpxx::detail
