// One AsyncClient used as a session inside a coroutine: its connection pool keeps the connection
// open between requests, so every GET after the first skips the TCP handshake. nginx's
// /connection names the connection that served a request, which shows the reuse.
//
// Usage: async_session_get [BASE_URL]   (HTTPXX_TEST_NGINX_HTTP, when set, wins)

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
  std::string first_connection;
  for (int i = 0; i < 3; ++i) {
    // The URL in its own statement: GCC 12 can destroy temporaries inside co_await twice.
    const std::string url = base + "/connection";
    httpxx::Response response = co_await client.get(url);
    response.raise_for_status();
    std::string connection = response.text();
    connection.erase(connection.find_last_not_of('\n') + 1);
    std::cout << "GET /connection -> " << response.status_code() << ' '
              << response.http_version() << ", served on connection " << connection << '\n';
    if (first_connection.empty()) first_connection = connection;
    if (connection != first_connection) throw std::runtime_error("the session opened a new connection");
  }
  const std::string file_url = base + "/1k.bin";
  httpxx::Response file = co_await client.get(file_url);
  file.raise_for_status();
  std::cout << "GET /1k.bin -> " << file.status_code() << ", " << file.content().size()
            << " bytes in " << file.elapsed().count() << " s\n";
  std::cout << "pool: " << client.describe() << '\n';
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  return example::run_to_completion(run(base));
}
