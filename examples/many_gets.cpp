// Many GETs at once from threads that share one Client: the client is safe to use from several
// threads, and its pool hands each request a free connection (opening new ones as needed).
// The results are gathered once every thread has finished.
//
// Usage: many_gets [BASE_URL]   (HTTPXX_TEST_NGINX_HTTP, when set, wins)

#include <cstddef>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

struct Result {
  int status = 0;
  std::size_t bytes = 0;
  std::exception_ptr error;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  const std::vector<std::string> paths = {"/1k.bin", "/index.html", "/text.txt", "/protocol",
                                          "/1k.bin", "/index.html", "/text.txt", "/protocol"};
  httpxx::Client client;
  std::vector<Result> results(paths.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          httpxx::Response response = client.get(base + paths[i]);
          results[i] = {response.status_code(), response.content().size(), nullptr};
        } catch (...) {
          results[i].error = std::current_exception();
        }
      });
    }
  }  // Each jthread joins here, so every result is written before it is read.

  std::size_t total = 0;
  int status = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    try {
      if (results[i].error) std::rethrow_exception(results[i].error);
      std::cout << "GET " << paths[i] << " -> " << results[i].status << ", " << results[i].bytes
                << " bytes\n";
      total += results[i].bytes;
      if (results[i].status != 200) status = 1;
    } catch (const std::exception& e) {
      std::cerr << "GET " << paths[i] << " failed: " << e.what() << '\n';
      status = 1;
    }
  }
  std::cout << paths.size() << " responses, " << total << " bytes; pool: " << client.describe()
            << '\n';
  return status;
}
