#include "client/event_loop_driver.hpp"

#include <stdexcept>
#include <thread>

#include "transport/driven_event_loop.hpp"

namespace httpxx::detail {

EventLoopDriver::EventLoopDriver() : context_(1) {
  // Run only until each call completes: idle connections need not disarm their timers.
  asio::make_service<DrivenEventLoop>(context_);
}

EventLoopDriver::~EventLoopDriver() {
  // Handlers still queued (an abandoned idle watchdog, a connection closing) are destroyed with
  // the context; run what is ready first so that they finish cleanly.
  context_.restart();
  context_.poll();
}

void EventLoopDriver::check_not_on_loop() {
  if (driver_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    throw std::logic_error(
        "httpxx::Client was called from a handler running on its own event loop (an event hook "
        "or a callback of the same client): that would deadlock; use AsyncClient there");
  }
}

// The waiters count themselves under mutex_ before they test their condition and sleep; the
// calls below change that condition before they read the count (both sequentially consistent).
// So either a waiter sees the change and does not sleep, or the count is seen and the waiter is
// woken under the mutex. A thread alone on its client takes no lock.
void EventLoopDriver::wake_waiters() {
  if (waiters_.load() == 0) return;
  { std::lock_guard lock(mutex_); }
  changed_.notify_all();
}

void EventLoopDriver::complete(std::atomic<bool>& done) {
  done.store(true);
  wake_waiters();   // the caller's storage is not touched after this
}

bool EventLoopDriver::try_take_loop() {
  std::thread::id none;
  return driver_.compare_exchange_strong(none, std::this_thread::get_id());
}

void EventLoopDriver::hand_over_loop() {
  driver_.store(std::thread::id());
  wake_waiters();   // a waiting thread takes over the loop for its own call
}

void EventLoopDriver::drive(const std::atomic<bool>& done, bool driving) {
  while (!driving) {
    // The driving thread completes our call, or hands the loop over.
    std::unique_lock lock(mutex_);
    waiters_.fetch_add(1);
    changed_.wait(lock, [&] { return done.load() || driver_.load() == std::thread::id(); });
    waiters_.fetch_sub(1);
    if (done.load()) return;
    driving = try_take_loop();   // or another waiter took it first
  }
  try {
    while (!done.load(std::memory_order_acquire)) {
      if (context_.run_one() == 0) context_.restart();
    }
  } catch (...) {
    hand_over_loop();
    throw;
  }
  hand_over_loop();
}

}  // namespace httpxx::detail
