// Many GETs at once from one thread: a coroutine per request, all spawned together on the same
// AsyncClient, then gathered. A timer that never expires on its own serves as the "all done"
// signal: the last request to finish cancels it.
//
// Usage: async_many_gets [BASE_URL]   (HTTPXX_TEST_NGINX_HTTP, when set, wins)

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

asio::awaitable<std::size_t> fetch(httpxx::AsyncClient& client, std::string url) {
  httpxx::Response response = co_await client.get(url);
  response.raise_for_status();
  std::cout << "GET " << url << " -> " << response.status_code() << ", "
            << response.content().size() << " bytes\n";
  co_return response.content().size();
}

asio::awaitable<int> run(std::string base) {
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor);
  const std::vector<std::string> paths = {"/1k.bin", "/index.html", "/text.txt", "/protocol",
                                          "/1k.bin", "/index.html", "/text.txt", "/protocol"};
  std::size_t pending = paths.size(), total = 0;
  int failures = 0;
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  for (const std::string& path : paths) {
    asio::co_spawn(executor, fetch(client, base + path),
                   [&](std::exception_ptr error, std::size_t bytes) {
                     try {
                       if (error) std::rethrow_exception(error);
                       total += bytes;
                     } catch (const std::exception& e) {
                       std::cerr << "a GET failed: " << e.what() << '\n';
                       ++failures;
                     }
                     if (--pending == 0) all_done.cancel();
                   });
  }
  asio::error_code ignored;   // operation_aborted is the expected wake-up
  co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));

  std::cout << paths.size() << " requests, " << total << " bytes; pool: " << client.describe()
            << '\n';
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  return example::run_to_completion(run(base));
}
