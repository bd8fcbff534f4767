// Timeouts from a coroutine: the client's limits (connect, read, write, pool) apply to each step
// of a request, and a request can tighten them or add a total deadline for the whole exchange.
// httpbin's /delay/N answers after N seconds, which is slower than the limits set here.
//
// Usage: async_timeouts [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <chrono>
#include <iostream>
#include <string>

#include <asio/this_coro.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

using namespace std::chrono_literals;

asio::awaitable<int> run(std::string base) {
  httpxx::ClientOptions client_options;
  client_options.timeout.connect = 2s;   // establishing TCP (and TLS)
  client_options.timeout.read = 1s;      // the longest wait for the next bytes of the response
  // The executor in its own statement: GCC 12 destroys temporaries of a co_await expression twice.
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor, std::move(client_options));
  int status = 0;

  const std::string fast_url = base + "/delay/0", slow_url = base + "/delay/3";
  httpxx::Response fast = co_await client.get(fast_url);
  std::cout << "GET /delay/0 -> " << fast.status_code() << " in " << fast.elapsed().count()
            << " s\n";

  try {
    co_await client.get(slow_url);
    std::cerr << "GET /delay/3 should have exceeded the 1 s read limit\n";
    status = 1;
  } catch (const httpxx::ReadTimeout& e) {
    std::cout << "GET /delay/3 -> ReadTimeout: " << e.what() << '\n';
  }

  // A generous read limit, but the whole request must finish within 1.5 s.
  // Options in their own statement: GCC 12 rejects a braced list inside co_await.
  httpxx::RequestOptions options;
  options.timeout = httpxx::Timeout{.connect = 2s, .read = 10s, .write = 10s, .pool = 10s, .total = 1.5s};
  const auto start = std::chrono::steady_clock::now();
  try {
    co_await client.get(slow_url, std::move(options));
    std::cerr << "GET /delay/3 should have exceeded the 1.5 s total limit\n";
    status = 1;
  } catch (const httpxx::TimeoutException& e) {
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - start;
    std::cout << "GET /delay/3 with a total limit -> TimeoutException after " << waited.count()
              << " s: " << e.what() << '\n';
  }
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  return example::run_to_completion(run(base));
}
