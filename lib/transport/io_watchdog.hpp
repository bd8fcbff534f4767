#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

namespace httpxx::detail {

class ByteStream;

// Bounds every read and write of one connection by a deadline, with a single timer per
// connection. Arming only moves a deadline; the timer is re-armed when it fires before the current
// deadline (or when a nearer deadline arrives), so a busy connection costs no timer operation per
// read or write, nor per request: the wait stays pending while the connection goes idle between
// requests, and when it fires with nothing in flight it is not renewed. When a deadline passes,
// the stream's pending operations are cancelled and expired() tells the operation why it was
// aborted.
class IoWatchdog : public std::enable_shared_from_this<IoWatchdog> {
 public:
  using Clock = std::chrono::steady_clock;

  // Holds the stream weakly: the connection may be destroyed on another thread while a timer
  // completion is queued, and the completion must then find nothing to cancel.
  IoWatchdog(asio::any_io_executor executor, std::weak_ptr<ByteStream> stream);
  IoWatchdog(const IoWatchdog&) = delete;
  IoWatchdog& operator=(const IoWatchdog&) = delete;

  void arm(Clock::time_point deadline);   // for the operation about to start
  void disarm() noexcept { deadline_ = Clock::time_point::max(); }
  bool expired() const noexcept { return expired_; }
  // Nothing is in flight in the connection's pool: drops the pending wait unless an operation
  // is armed, so that a loop left with idle connections only runs out of work (its user's
  // io_context::run() returns). On a DrivenEventLoop the wait stays: it fires once, finds nothing
  // in flight and is not renewed. Callable from any thread: the work runs on the timer's executor.
  void release_when_idle() noexcept;
  // The connection closed: drops the pending wait on every loop, so that the timer holds nothing
  // of the loop when the connection outlives it.
  void shut_down() noexcept;

 private:
  void drop_wait() noexcept;
  void start_wait(Clock::time_point at);
  void on_timer();

  asio::steady_timer timer_;
  std::weak_ptr<ByteStream> stream_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_at_ = Clock::time_point::max();   // max: no wait pending
  std::uint64_t generation_ = 0;
  bool expired_ = false;
  bool keep_wait_when_idle_ = false;   // the executor's loop is a DrivenEventLoop
};

}  // namespace httpxx::detail
