// Coroutines whose frames come from the frame pool, and the use_pooled completion token
// (lib/net/pooled_awaitable.hpp): they behave as asio::awaitable and asio::use_awaitable do.

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <variant>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "net/pooled_awaitable.hpp"
#include "net/pooled_spawn.hpp"
#include "net_test_support.hpp"

using httpxx::detail::Awaitable;
using httpxx::detail::running_in;
using httpxx::detail::spawn_detached;
using httpxx::detail::use_pooled;
using httpxx::test::run;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

Awaitable<int> pooled_answer() { co_return 42; }

asio::awaitable<int> asio_double(int value) { co_return value * 2; }

// A pooled coroutine awaiting an Asio coroutine and a pooled one.
Awaitable<std::string> pooled_sum() {
  const int doubled = co_await asio_double(10);
  const int answer = co_await pooled_answer();
  co_return std::to_string(doubled + answer);
}

// Records whether it ran on its executor's thread, then throws if asked to.
asio::awaitable<void> record(bool& ran, bool& on_executor, bool fail) {
  on_executor = running_in(co_await asio::this_coro::executor);
  ran = true;
  if (fail) throw std::runtime_error("dropped");
  co_return;
}

Awaitable<void> pooled_throw() {
  co_await pooled_answer();
  throw std::runtime_error("thrown in a pooled frame");
}

// Waits on a timer with the pooled token: the error comes back through redirect_error.
Awaitable<std::error_code> pooled_wait(asio::steady_timer& timer) {
  std::error_code ec;
  co_await timer.async_wait(asio::redirect_error(use_pooled, ec));
  co_return ec;
}

}  // namespace

TEST_CASE("an Asio coroutine awaits a pooled one, which awaits both kinds") {
  asio::io_context io;
  std::string sum;
  run(io, [&]() -> asio::awaitable<void> {
    CHECK(co_await pooled_answer() == 42);
    sum = co_await pooled_sum();
  }());
  CHECK(sum == "62");
}

TEST_CASE("an exception thrown in a pooled coroutine reaches the awaiting one") {
  asio::io_context io;
  std::string caught;
  run(io, [&]() -> asio::awaitable<void> {
    try {
      co_await pooled_throw();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  }());
  CHECK(caught == "thrown in a pooled frame");
}

TEST_CASE("a pooled coroutine is spawned as an asio::awaitable is") {
  asio::io_context io;
  int result = 0;
  asio::co_spawn(io, pooled_answer(), [&](std::exception_ptr e, int value) {
    CHECK(!e);
    result = value;
  });
  io.run();
  CHECK(result == 42);
}

TEST_CASE("an operation awaited with use_pooled completes with its results and errors") {
  asio::io_context io;
  std::error_code expired, cancelled;
  bool threw_aborted = false;
  run(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(io, 1ms);
    expired = co_await pooled_wait(timer);

    asio::steady_timer forever(io, 1h);
    asio::post(io, [&] { forever.cancel(); });
    cancelled = co_await pooled_wait(forever);

    // Without redirect_error, an error is thrown, as with use_awaitable.
    forever.expires_after(1h);
    asio::post(io, [&] { forever.cancel(); });
    try {
      co_await forever.async_wait(use_pooled);
    } catch (const std::system_error& e) {
      threw_aborted = e.code() == asio::error::operation_aborted;
    }
  }());
  CHECK(!expired);
  CHECK(cancelled == asio::error::operation_aborted);
  CHECK(threw_aborted);
}

TEST_CASE("cancelling the awaiting coroutine cancels the pooled operation") {
  // awaitable_operators' || cancels the loser through the cancellation slot that the pooled
  // handler forwards: the hour-long wait ends when the short one does.
  asio::io_context io;
  std::error_code long_wait;
  std::size_t winner = 99;
  run(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer hour(io, 1h);
    asio::steady_timer soon(io, 5ms);
    const auto result = co_await (pooled_wait(hour) || soon.async_wait(asio::use_awaitable));
    winner = result.index();
    if (winner == 0) long_wait = std::get<0>(result);
  }(), std::chrono::seconds(10));
  CHECK(winner == 1);
}

TEST_CASE("a detached thread started off its executor's thread runs on it, and its failure is dropped") {
  asio::io_context io;
  bool ran = false, on_executor = false, failed_ran = false, failed_on_executor = false;
  spawn_detached(io.get_executor(), record(ran, on_executor, false));
  spawn_detached(io.get_executor(), record(failed_ran, failed_on_executor, true));
  CHECK(!ran);   // not before the loop runs it
  io.run();      // the exception of the second does not escape the loop
  CHECK(ran);
  CHECK(on_executor);
  CHECK(failed_ran);
  CHECK(failed_on_executor);
}

TEST_CASE("a detached thread started on its executor's thread runs at once up to its first suspension") {
  asio::io_context io;
  bool ran = false, on_executor = false, ran_at_once = false;
  run(io, [&]() -> asio::awaitable<void> {
    spawn_detached(io.get_executor(), record(ran, on_executor, false));
    ran_at_once = ran;
    co_return;
  }());
  CHECK(ran_at_once);
  CHECK(on_executor);
}
