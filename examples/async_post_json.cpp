// POST a JSON body with an Authorization header from a coroutine, then read fields of the JSON
// that httpbin echoes back. RequestOptions::json serialises the body and sets
// Content-Type: application/json.
//
// Usage: async_post_json [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <iostream>
#include <stdexcept>
#include <string>

#include <asio/this_coro.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

asio::awaitable<int> run(std::string base) {
  // The executor in its own statement: GCC 12 destroys temporaries of a co_await expression twice.
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor);
  // Options in their own statement: GCC 12 rejects a braced list inside co_await.
  httpxx::RequestOptions options;
  options.headers.set("Authorization", "Bearer example-token");
  options.json = {{"name", "httpxx"}, {"tags", {"http", "c++20"}}, {"stars", 5}};
  const std::string url = base + "/post";
  httpxx::Response response = co_await client.post(url, std::move(options));
  response.raise_for_status();

  const nlohmann::json echo = response.json();
  std::cout << "POST /post -> " << response.status_code() << ", " << response.content().size()
            << " bytes\n"
            << "  server saw Content-Type: " << echo["headers"]["Content-Type"] << '\n'
            << "  server saw Authorization: " << echo["headers"]["Authorization"] << '\n'
            << "  server parsed the body as: " << echo["json"].dump() << '\n';
  if (echo["json"]["name"] != "httpxx" || echo["headers"]["Authorization"] != "Bearer example-token") {
    throw std::runtime_error("the echo does not match what was sent");
  }
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  return example::run_to_completion(run(base));
}
