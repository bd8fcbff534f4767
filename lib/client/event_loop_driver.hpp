#pragma once

#include <condition_variable>
#include <mutex>

#include <asio/io_context.hpp>

#include "client/blocking_driver.hpp"

namespace httpxx::detail {

// The blocking Client's event loop, run by the calling threads themselves (as curl's easy
// interface runs its own): no extra thread, no hand-off per request. Of the threads waiting in
// run(), one at a time drives the loop until its own call completes; the others wait for theirs,
// which the driving thread completes as it runs the loop, or take over the driving when it
// leaves. So calls from several threads proceed concurrently on one connection pool.
class EventLoopDriver final : public BlockingDriver {
 public:
  EventLoopDriver();
  ~EventLoopDriver() override;
  asio::io_context& context() noexcept { return context_; }
  // Throws std::logic_error when called from a handler running on this loop (a deadlock).
  void run(std::function<asio::awaitable<void>()> op) override;

 private:
  asio::io_context context_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool driving_ = false;
};

}  // namespace httpxx::detail
