#include "net/deadline.hpp"

#include <utility>

#include "net/pooled_awaitable.hpp"

namespace httpxx::detail {

DeadlineGuard::DeadlineGuard(const asio::any_io_executor& executor, Deadline deadline,
                             std::function<void()> on_expiry)
    : deadline_(deadline) {
  if (deadline == Deadline::max()) return;
  state_ = std::make_shared<State>();
  state_->on_expiry = std::move(on_expiry);
  timer_ = std::make_unique<asio::steady_timer>(executor, deadline);
  // The handler owns the state, so it stays valid when it runs after the guard is gone; the
  // armed flag then keeps it from touching objects that may no longer exist.
  timer_->async_wait(pooled([state = state_](const std::error_code& ec) {
    if (ec || !state->armed) return;
    state->fired = true;
    state->on_expiry();
  }));
}

DeadlineGuard::~DeadlineGuard() {
  if (!state_) return;
  state_->armed = false;
  timer_->cancel();
}

bool DeadlineGuard::expired() const noexcept {
  if (state_ && state_->fired) return true;
  return deadline_ != Deadline::max() && Deadline::clock::now() >= deadline_;
}

}  // namespace httpxx::detail
