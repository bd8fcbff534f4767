// Timeouts: the client's limits (connect, read, write, pool) apply to each step of a request, and
// a request can tighten them or add a total deadline for the whole exchange. httpbin's /delay/N
// answers after N seconds, which is slower than the limits set here.
//
// Usage: timeouts [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <chrono>
#include <iostream>
#include <string>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

using namespace std::chrono_literals;

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  httpxx::ClientOptions client_options;
  client_options.timeout.connect = 2s;   // establishing TCP (and TLS)
  client_options.timeout.read = 1s;      // the longest wait for the next bytes of the response
  httpxx::Client client(std::move(client_options));
  int status = 0;

  httpxx::Response fast = client.get(base + "/delay/0");
  std::cout << "GET /delay/0 -> " << fast.status_code() << " in " << fast.elapsed().count()
            << " s\n";

  try {
    client.get(base + "/delay/3");
    std::cerr << "GET /delay/3 should have exceeded the 1 s read limit\n";
    status = 1;
  } catch (const httpxx::ReadTimeout& e) {
    std::cout << "GET /delay/3 -> ReadTimeout: " << e.what() << '\n';
  }

  // A generous read limit, but the whole request must finish within 1.5 s.
  httpxx::RequestOptions options;
  options.timeout = httpxx::Timeout{.connect = 2s, .read = 10s, .write = 10s, .pool = 10s, .total = 1.5s};
  const auto start = std::chrono::steady_clock::now();
  try {
    client.get(base + "/delay/3", std::move(options));
    std::cerr << "GET /delay/3 should have exceeded the 1.5 s total limit\n";
    status = 1;
  } catch (const httpxx::TimeoutException& e) {
    const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - start;
    std::cout << "GET /delay/3 with a total limit -> TimeoutException after " << waited.count()
              << " s: " << e.what() << '\n';
  }
  return status;
}
