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

void EventLoopDriver::complete(std::atomic<bool>& done) {
  {
    std::lock_guard lock(mutex_);
    done.store(true, std::memory_order_release);
  }
  changed_.notify_all();
}

bool EventLoopDriver::try_take_loop() {
  std::lock_guard lock(mutex_);
  if (driver_.load(std::memory_order_relaxed) != std::thread::id()) return false;
  driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  return true;
}

void EventLoopDriver::hand_over_loop() {
  {
    std::lock_guard lock(mutex_);
    driver_.store(std::thread::id(), std::memory_order_relaxed);
  }
  changed_.notify_all();   // a waiting thread takes over the loop for its own call
}

void EventLoopDriver::drive(const std::atomic<bool>& done, bool driving) {
  if (!driving) {
    std::unique_lock lock(mutex_);
    // The driving thread completes our call, or hands the loop over.
    const auto loop_free = [this] { return driver_.load(std::memory_order_relaxed) == std::thread::id(); };
    changed_.wait(lock, [&] { return loop_free() || done.load(std::memory_order_acquire); });
    if (done.load(std::memory_order_acquire)) return;
    driver_.store(std::this_thread::get_id(), std::memory_order_relaxed);
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
