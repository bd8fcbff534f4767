// Bounded concurrency: twelve requests, at most four in flight. A counting semaphore admits four
// threads at a time, and Limits::max_connections keeps the pool to four connections as well, so
// the bound holds even if more threads were let through. httpbin's /delay/1 makes the overlap
// visible: twelve one-second requests take about three seconds.
//
// Usage: bounded [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

constexpr int max_in_flight = 4;
constexpr int request_count = 12;

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  httpxx::ClientOptions options;
  options.limits.max_connections = max_in_flight;
  httpxx::Client client(std::move(options));

  std::counting_semaphore<max_in_flight> slots(max_in_flight);
  std::atomic<int> in_flight = 0, peak = 0, failures = 0;
  std::mutex print;
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < request_count; ++i) {
      threads.emplace_back([&, i] {
        slots.acquire();
        const int now = ++in_flight;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {}
        try {
          httpxx::Response response = client.get(base + "/delay/1");
          const std::scoped_lock lock(print);
          std::cout << "request " << i << " -> " << response.status_code() << " (" << now
                    << " in flight)\n";
          if (response.status_code() != 200) ++failures;
        } catch (const std::exception& e) {
          const std::scoped_lock lock(print);
          std::cerr << "request " << i << " failed: " << e.what() << '\n';
          ++failures;
        }
        --in_flight;
        slots.release();
      });
    }
  }  // Each jthread joins here.
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::cout << request_count << " requests in " << elapsed.count() << " s, at most " << peak
            << " in flight\n";
  return failures == 0 && peak <= max_in_flight ? 0 : 1;
}
