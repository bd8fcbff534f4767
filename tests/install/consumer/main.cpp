// A program outside the project, built against an installed httpxx: the pkg-config file and the
// CMake package must give it everything (include path, C++20, the Asio defines, libraries).

#include <iostream>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <httpxx/httpxx.hpp>

namespace {

// A coroutine compiles only with the Asio defines (clang: ASIO_HAS_CO_AWAIT and
// ASIO_HAS_STD_COROUTINE) and C++20.
asio::awaitable<void> print_joined(httpxx::URL base) {
  std::cout << "joined " << base.join("../b?x=1").href() << '\n';
  co_return;
}

}  // namespace

int main() {
  const httpxx::URL url("https://example.org/a/c");
  httpxx::Headers headers{{"Accept", "text/plain"}};
  headers.add("X-Test", "1");
  std::cout << "host " << url.host() << '\n';
  for (const auto& [name, value] : headers) {
    std::cout << name << ": " << value << '\n';
  }
  asio::io_context io;
  asio::co_spawn(io, print_joined(url), asio::detached);
  io.run();
  std::cout << "version " << httpxx::version << '\n';
  return 0;
}
