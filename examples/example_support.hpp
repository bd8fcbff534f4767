// What the examples share: where the server they talk to is, and, for the coroutine examples,
// running the example's coroutine to completion and turning its outcome into an exit status.
#pragma once

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

namespace example {

// The test harness's server when it runs the example (the environment variable), else the first
// argument, else a local default.
inline std::string server_url(const char* variable, int argc, char** argv) {
  if (const char* env = std::getenv(variable)) return env;
  return argc > 1 ? argv[1] : "http://127.0.0.1:8080";
}

// Runs op on an io_context of its own until it completes: the exit status is what op returned,
// or 1 after printing what it threw. io_context::run() returns when op is done and the client
// closed: nothing else is left pending.
inline int run_to_completion(asio::awaitable<int> op) {
  asio::io_context io;
  int status = 1;
  asio::co_spawn(io, std::move(op), [&status](std::exception_ptr error, int result) {
    try {
      if (error) std::rethrow_exception(error);
      status = result;
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << '\n';
    }
  });
  io.run();
  return status;
}

}  // namespace example
