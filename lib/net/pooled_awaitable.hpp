// httpxx's own coroutines and the operations they await, with their memory from the thread's
// frame pool (net/frame_pool.hpp) rather than from Asio's two-block cache.
//
// Awaitable<T> is an asio::awaitable<T> whose coroutine frame comes from the pool: a coroutine
// declared to return it is awaited, spawned and combined exactly as any asio::awaitable (it
// converts to one without touching the frame). use_pooled is the completion token of the
// operations those coroutines await: like asio::use_awaitable, with the operation's small
// coroutine and its reactor operation taken from the pool too. pooled(handler) does the same
// for a plain handler.
//
// Both build on Asio 1.22's awaitable_frame, as the reference result in httpxx/response.hpp
// does: only allocation differs, the frames are Asio's.
#pragma once

#include <coroutine>
#include <cstddef>
#include <type_traits>
#include <utility>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_allocator.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/use_awaitable.hpp>

#include "net/frame_pool.hpp"

namespace httpxx::detail {

template <class T>
class PooledFrame;

template <class T = void>
class Awaitable : public asio::awaitable<T> {
 public:
  using promise_type = PooledFrame<T>;
  Awaitable(asio::awaitable<T>&& frame) noexcept : asio::awaitable<T>(std::move(frame)) {}
};

template <class T>
class PooledFrame : public asio::detail::awaitable_frame<T, asio::any_io_executor> {
  using Base = asio::detail::awaitable_frame<T, asio::any_io_executor>;

 public:
  static void* operator new(std::size_t size) { return frame_pool::allocate(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { frame_pool::deallocate(frame, size); }

  Awaitable<T> get_return_object() noexcept {
    auto awaitable = Base::get_return_object();
    this->coro_ = std::coroutine_handle<PooledFrame>::from_promise(*this);   // this promise's own type
    return awaitable;
  }

  // Awaiting another awaitable: Asio's awaiter takes the caller's handle typed by Asio's frame,
  // which this frame is.
  using Base::await_transform;
  template <class U>
  auto await_transform(asio::awaitable<U, asio::any_io_executor> awaited) const {
    struct Awaiter {
      asio::awaitable<U, asio::any_io_executor> awaited;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<PooledFrame> caller) {
        // Asio uses the handle only to reach the promise, which the handle of either type finds
        // at the same place: this class adds no member to Asio's frame.
        static_assert(sizeof(PooledFrame) == sizeof(Base) && alignof(PooledFrame) == alignof(Base));
        awaited.await_suspend(std::coroutine_handle<Base>::from_promise(caller.promise()));
      }
      U await_resume() { return awaited.await_resume(); }
    };
    return Awaiter{Base::await_transform(std::move(awaited))};
  }
};

// The completion token.
struct UsePooled {};
inline constexpr UsePooled use_pooled{};

// Asio's handler for an awaiting coroutine, with the pool as the allocator of the operation it
// completes (Asio allocates a socket's and a timer's pending operations through it).
template <class Handler>
class PooledHandler {
 public:
  using executor_type = typename Handler::executor_type;
  using cancellation_slot_type = asio::cancellation_slot;
  using allocator_type = frame_pool::Allocator<void>;

  explicit PooledHandler(Handler handler) : handler_(std::move(handler)) {}

  executor_type get_executor() const noexcept { return handler_.get_executor(); }
  cancellation_slot_type get_cancellation_slot() const noexcept { return handler_.get_cancellation_slot(); }
  allocator_type get_allocator() const noexcept { return {}; }

  template <class... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  Handler handler_;
};

// A handler of httpxx's own (a timer's, a posted function's) whose operation comes from the pool.
template <class Handler>
auto pooled(Handler handler) {
  return asio::bind_allocator(frame_pool::Allocator<void>(), std::move(handler));
}

}  // namespace httpxx::detail

namespace asio {

// As async_result<use_awaitable_t>: a coroutine that suspends its caller's thread of execution
// and hands it to the operation's handler, which resumes it with the results.
template <typename R, typename... Args>
class async_result<httpxx::detail::UsePooled, R(Args...)> {
  using awaitable_handler = detail::awaitable_handler<any_io_executor, std::decay_t<Args>...>;

 public:
  using handler_type = httpxx::detail::PooledHandler<awaitable_handler>;
  using return_type = httpxx::detail::Awaitable<typename awaitable_handler::awaitable_type::value_type>;

  template <typename Initiation, typename... InitArgs>
  static return_type initiate(Initiation initiation, httpxx::detail::UsePooled, InitArgs... args) {
    co_await [&](auto* frame) { return start(frame, initiation, args...); };
    for (;;) {
    }   // never reached: the handler completes this frame
  }

 private:
  template <typename Initiation, typename... InitArgs>
  static awaitable_handler* start(detail::awaitable_frame_base<any_io_executor>* frame, Initiation& initiation,
                                  InitArgs&... args) {
    std::move(initiation)(handler_type(awaitable_handler(frame->detach_thread())), std::move(args)...);
    return nullptr;
  }
};

}  // namespace asio
