#include "transport/io_watchdog.hpp"

#include <asio/dispatch.hpp>

#include "net/byte_stream.hpp"
#include "net/pooled_spawn.hpp"
#include "transport/driven_event_loop.hpp"

namespace httpxx::detail {

IoWatchdog::IoWatchdog(asio::any_io_executor executor, std::weak_ptr<ByteStream> stream)
    : timer_(executor),
      stream_(std::move(stream)),
      keep_wait_when_idle_(asio::has_service<DrivenEventLoop>(asio::query(executor, asio::execution::context))) {}

void IoWatchdog::arm(Clock::time_point deadline) {
  expired_ = false;
  deadline_ = deadline;
  if (deadline == Clock::time_point::max()) return;
  if (timer_at_ == Clock::time_point::max() || deadline < timer_at_) start_wait(deadline);
}

void IoWatchdog::release_when_idle() noexcept {
  if (keep_wait_when_idle_) return;
  // Inline when called on the loop running the timer, the usual case: the pool is released
  // there. Asio's dispatch would run it inline too, but through the polymorphic executor it
  // allocates the function first.
  const auto executor = timer_.get_executor();
  if (running_in(executor)) {
    if (deadline_ == Clock::time_point::max()) drop_wait();
    return;
  }
  try {
    asio::dispatch(executor, pooled([self = shared_from_this()] {
      if (self->deadline_ == Clock::time_point::max()) self->drop_wait();
    }));
  } catch (...) {
    // Left pending, the wait fires once and is not renewed: the loop's work ends then.
  }
}

void IoWatchdog::shut_down() noexcept {
  deadline_ = Clock::time_point::max();
  drop_wait();
}

void IoWatchdog::drop_wait() noexcept {
  if (timer_at_ == Clock::time_point::max()) return;
  ++generation_;
  timer_at_ = Clock::time_point::max();
  timer_.cancel();
}

void IoWatchdog::start_wait(Clock::time_point at) {
  timer_at_ = at;
  const auto generation = ++generation_;
  timer_.expires_at(at);
  timer_.async_wait(pooled([weak = weak_from_this(), generation](const std::error_code&) {
    auto self = weak.lock();
    if (!self || generation != self->generation_) return;   // superseded or gone
    self->on_timer();
  }));
}

void IoWatchdog::on_timer() {
  timer_at_ = Clock::time_point::max();
  if (deadline_ == Clock::time_point::max()) return;   // nothing in flight
  if (Clock::now() >= deadline_) {
    expired_ = true;
    deadline_ = Clock::time_point::max();
    if (auto stream = stream_.lock()) stream->cancel();
  } else {
    start_wait(deadline_);   // the deadline moved on since the timer was set
  }
}

}  // namespace httpxx::detail
