#pragma once
// Addresses of the servers that tests/servers/run_with_servers.py started for this test program.

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <doctest/doctest.h>

namespace httpxx_test {

// The value of an HTTPXX_TEST_* variable, e.g. server("HTTPXX_TEST_NGINX_HTTP") gives
// "http://127.0.0.1:PORT". A missing variable fails the test: an integration test that cannot
// reach its server must not pass by skipping.
inline std::string server(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') {
    const std::string message = std::string(variable) +
                                " is not set: run the test under tests/servers/run_with_servers.py"
                                " (meson test does)";
    // Recorded first, so the test fails even where the exception below is swallowed (a detached
    // coroutine, a destructor); the exception then stops the test case.
    FAIL_CHECK(message);
    throw std::runtime_error(message);
  }
  return value;
}

}  // namespace httpxx_test
