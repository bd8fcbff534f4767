#include "client/event_loop_driver.hpp"

#include <stdexcept>

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
  if (context_.get_executor().running_in_this_thread()) {
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

void EventLoopDriver::drive(const std::atomic<bool>& done) {
  std::unique_lock lock(mutex_);
  while (!done.load(std::memory_order_acquire)) {
    if (driving_) {
      changed_.wait(lock);   // the driving thread completes our call, or hands over the loop
      continue;
    }
    driving_ = true;
    lock.unlock();
    try {
      while (!done.load(std::memory_order_acquire)) {
        if (context_.run_one() == 0) context_.restart();
      }
    } catch (...) {
      lock.lock();
      driving_ = false;
      changed_.notify_all();
      throw;
    }
    lock.lock();
    driving_ = false;
    changed_.notify_all();   // a waiting thread takes over the loop for its own call
  }
}

}  // namespace httpxx::detail
