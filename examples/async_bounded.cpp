// Bounded concurrency with coroutines: twelve URLs in a shared queue and four worker coroutines
// that each take the next URL when their previous request is done, so at most four requests are
// in flight. Everything runs on one thread, so the queue needs no lock. httpbin's /delay/1 makes
// the overlap visible: twelve one-second requests take about three seconds.
//
// Usage: async_bounded [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <iostream>
#include <string>

#include <asio/co_spawn.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

constexpr int worker_count = 4;
constexpr int request_count = 12;

struct Shared {
  std::deque<std::string> queue;
  int in_flight = 0, peak = 0, failures = 0;
};

asio::awaitable<void> worker(int id, httpxx::AsyncClient& client, Shared& shared) {
  while (!shared.queue.empty()) {
    const std::string url = std::move(shared.queue.front());
    shared.queue.pop_front();
    shared.peak = std::max(shared.peak, ++shared.in_flight);
    try {
      httpxx::Response response = co_await client.get(url);
      std::cout << "worker " << id << ": " << url << " -> " << response.status_code() << '\n';
      if (response.status_code() != 200) ++shared.failures;
    } catch (const std::exception& e) {
      std::cerr << "worker " << id << ": " << url << " failed: " << e.what() << '\n';
      ++shared.failures;
    }
    --shared.in_flight;
  }
}

asio::awaitable<int> run(std::string base) {
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor);
  Shared shared;
  for (int i = 0; i < request_count; ++i) shared.queue.push_back(base + "/delay/1");

  const auto start = std::chrono::steady_clock::now();
  int running = worker_count;
  asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
  for (int id = 0; id < worker_count; ++id) {
    asio::co_spawn(executor, worker(id, client, shared), [&](std::exception_ptr) {
      if (--running == 0) all_done.cancel();
    });
  }
  asio::error_code ignored;   // operation_aborted is the expected wake-up
  co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));

  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::cout << request_count << " requests in " << elapsed.count() << " s, at most "
            << shared.peak << " in flight\n";
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return shared.failures == 0 && shared.peak <= worker_count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  return example::run_to_completion(run(base));
}
