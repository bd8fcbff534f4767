// Threads of execution started as co_spawn starts them, with the entry frame and the hand-over
// onto the executor from the frame pool (net/frame_pool.hpp). co_spawn's took three blocks from
// Asio's own cache, which each run of the event loop starts empty: the blocking client runs the
// loop anew for each call, and an HTTP/2 connection starts a writer for each request.
#pragma once

#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

using EntryPoint = Awaitable<asio::detail::awaitable_thread_entry_point>;

// Whether the calling thread is running executor's io_context now (false for other executors).
bool running_in(const asio::any_io_executor& executor) noexcept;

// Awaited by a thread's entry coroutine to go on on executor. For an io_context, the hand-over
// is posted with the context's own executor type: through the polymorphic executor Asio would
// allocate it.
inline auto post_to(asio::any_io_executor executor) {
  return asio::async_initiate<const UsePooled, void()>(
      [executor = std::move(executor)](auto handler) {
        // The handler is resumed by the executor it is posted to, without its own executor's
        // dispatch: that is the same executor.
        auto resume = pooled([handler = std::move(handler)]() mutable { std::move(handler)(); });
        if (const auto* context = executor.target<asio::io_context::executor_type>()) {
          asio::post(*context, std::move(resume));
        } else {
          asio::post(executor, std::move(resume));
        }
      },
      use_pooled);
}

// Starts entry as a thread of execution on executor. It runs on the calling thread up to its
// first suspension: it awaits post_to(executor) first unless it is on executor's thread already.
void launch(const asio::any_io_executor& executor, EntryPoint entry);

// co_spawn(executor, op, asio::detached): op runs on executor, and what it throws is dropped.
void spawn_detached(const asio::any_io_executor& executor, asio::awaitable<void> op);

}  // namespace httpxx::detail
