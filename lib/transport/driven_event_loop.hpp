// A mark on an event loop that is only ever run until a particular call completes, never left
// running on its own: the blocking Client's. On such a loop a pending timer holds nothing up,
// so an idle connection may leave its watchdog timer armed instead of cancelling it and arming
// it again for the next request (two timer-queue updates and a timerfd_settime(2) saved per
// request).
#pragma once

#include <asio/execution_context.hpp>

namespace httpxx::detail {

class DrivenEventLoop final : public asio::execution_context::service {
 public:
  using key_type = DrivenEventLoop;
  static inline asio::execution_context::id id;

  explicit DrivenEventLoop(asio::execution_context& context) : service(context) {}

 private:
  void shutdown() override {}
};

}  // namespace httpxx::detail
