#include "net/pooled_spawn.hpp"

#include <asio/cancellation_signal.hpp>

namespace httpxx::detail {

namespace {

EntryPoint detached_entry(asio::any_io_executor executor, asio::awaitable<void> op) {
  if (!running_in(executor)) co_await post_to(executor);
  try {
    co_await std::move(op);
  } catch (...) {
    // Detached: as with asio::detached, nothing is told of the failure.
  }
}

}  // namespace

bool running_in(const asio::any_io_executor& executor) noexcept {
  const auto* context = executor.target<asio::io_context::executor_type>();
  return context && context->running_in_this_thread();
}

void launch(const asio::any_io_executor& executor, EntryPoint entry) {
  asio::detail::awaitable_handler<asio::any_io_executor, void>(std::move(entry), executor, asio::cancellation_slot(),
                                                               asio::cancellation_state())
      .launch();
}

void spawn_detached(const asio::any_io_executor& executor, asio::awaitable<void> op) {
  launch(executor, detached_entry(executor, std::move(op)));
}

}  // namespace httpxx::detail
