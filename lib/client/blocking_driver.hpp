#pragma once

#include <asio/awaitable.hpp>

namespace httpxx::detail {

// Runs asynchronous work to completion on behalf of a blocking caller. The blocking Client owns
// one; its streamed responses keep it, so they can read their bodies after the call returned.
class BlockingDriver {
 public:
  virtual ~BlockingDriver() = default;
  // Runs op to completion from the calling thread and rethrows whatever it threw.
  virtual void run(asio::awaitable<void> op) = 0;
};

}  // namespace httpxx::detail
