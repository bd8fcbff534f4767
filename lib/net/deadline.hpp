// Bounds an operation by a Deadline: a timer racing it that runs a cancel action when it fires.
#pragma once

#include "net/byte_stream.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace httpxx::detail {

// While alive, arms a timer for deadline; when it fires, on_expiry runs once (it cancels the
// socket, resolver or stream being waited on) and expired() turns true. The guard must be
// destroyed before whatever on_expiry touches: once destroyed, on_expiry never runs, even if
// the timer's completion was already queued. Deadline::max() arms nothing.
class DeadlineGuard {
 public:
  DeadlineGuard(const asio::any_io_executor& executor, Deadline deadline, std::function<void()> on_expiry);
  DeadlineGuard(const DeadlineGuard&) = delete;
  DeadlineGuard& operator=(const DeadlineGuard&) = delete;
  ~DeadlineGuard();

  // Whether the deadline passed (also true when it had passed before the guard was made).
  bool expired() const noexcept;

 private:
  struct State {
    std::function<void()> on_expiry;
    bool armed = true;
    bool fired = false;
  };
  Deadline deadline_;
  std::shared_ptr<State> state_;
  std::unique_ptr<asio::steady_timer> timer_;
};

}  // namespace httpxx::detail
