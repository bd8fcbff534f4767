// Many requests at once: gathered coroutines, bounded pools, several threads sharing one blocking
// Client, and cancellation that never leaks a pooled connection.

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using namespace std::chrono_literals;

TEST_CASE("AsyncClient: 200 GETs gathered, at most 10 connections, and then the loop is done") {
  httpxx::ClientOptions options;
  options.limits.max_connections = 10;
  // Connection timers stay armed while requests are in flight; the last request to finish
  // releases them all. With an hour's read timeout, a timer left behind would hold run() for
  // the hour, and run_for would end with the loop still busy.
  options.timeout = httpxx::Timeout::all(std::chrono::hours(1));
  AsyncDriver driver(std::move(options));
  auto& client = driver.client();
  const auto url = server("HTTPXX_TEST_NGINX_HTTP") + "/1k.bin";
  int ok = 0;
  for (int i = 0; i < 200; ++i) {
    asio::co_spawn(driver.context(), [&]() -> asio::awaitable<void> {
      auto response = co_await client.get(url);
      if (response.content().size() == 1024) ++ok;
    }, asio::detached);
  }
  driver.context().run_for(60s);
  CHECK(driver.context().stopped());
  CHECK(ok == 200);
  const auto state = client.describe();
  CHECK(state.find("Requests: 0 active, 0 queued") != std::string::npos);
  CHECK(state.find("0 active, 10 idle") != std::string::npos);
}

TEST_CASE("Client: calls from several threads proceed at the same time") {
  // The server answers only once four requests of the same group are waiting: if the client
  // serialised its callers, the first would never be answered and time out.
  httpxx::Client client;
  const auto url = server("HTTPXX_TEST_FAULTS") + "/barrier?n=4&group=threads";
  std::atomic<int> ok = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (client.get(url).text() == "released") ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == 4);
  // And many calls per thread share the pool correctly.
  std::atomic<int> fetched = 0;
  threads.clear();
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        if (client.get(server("HTTPXX_TEST_NGINX_HTTP") + "/1k.bin").content().size() == 1024) ++fetched;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(fetched == 200);
  CHECK(client.describe().find("Requests: 0 active, 0 queued") != std::string::npos);
}

TEST_CASE("cancellation and timeouts at random never leak a pooled connection") {
  using namespace asio::experimental::awaitable_operators;
  httpxx::ClientOptions options;
  options.limits.max_connections = 8;
  AsyncDriver driver(std::move(options));
  auto& client = driver.client();
  auto& context = driver.context();
  const auto slow = server("HTTPXX_TEST_FAULTS") + "/slow-chunks?n=4&delay_ms=3";
  std::mt19937 random(20261121);
  int completed = 0, failed = 0;
  constexpr int total = 2000, in_flight = 40;
  int started = 0;
  std::function<void()> start_one;
  start_one = [&] {
    if (started == total) return;
    const int kind = static_cast<int>(random() % 3);
    const auto limit = std::chrono::milliseconds(1 + random() % 15);
    ++started;
    asio::co_spawn(context, [&, kind, limit]() -> asio::awaitable<void> {
      try {
        if (kind == 0) {            // a request timeout
          httpxx::RequestOptions request;
          request.timeout = httpxx::Timeout::all(limit);
          co_await client.get(slow, std::move(request));
        } else if (kind == 1) {     // cancelled by a racing timer
          asio::steady_timer timer(context, limit);
          co_await (client.get(slow) || timer.async_wait(asio::use_awaitable));
        } else {                    // a streamed body abandoned part-way
          auto response = co_await client.stream("GET", slow);
          auto chunks = response.aiter_raw();
          co_await chunks.next();
        }
        ++completed;
      } catch (const std::exception&) {
        ++failed;
      }
      start_one();
    }, asio::detached);
  };
  for (int i = 0; i < in_flight; ++i) start_one();
  context.run();
  CHECK(completed + failed == total);
  CHECK(completed > 0);
  CHECK(failed > 0);
  CHECK(client.describe().find("Requests: 0 active, 0 queued") != std::string::npos);
  // And the pool still works.
  CHECK(driver.get(server("HTTPXX_TEST_NGINX_HTTP") + "/1k.bin").content().size() == 1024);
}
