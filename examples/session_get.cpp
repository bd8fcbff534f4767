// One Client used as a session: its connection pool keeps the connection open between requests,
// so every GET after the first skips the TCP handshake. nginx's /connection names the connection
// that served a request, which shows the reuse.
//
// Usage: session_get [BASE_URL]   (HTTPXX_TEST_NGINX_HTTP, when set, wins)

#include <iostream>
#include <string>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_NGINX_HTTP", argc, argv);
  try {
    httpxx::Client client;
    std::string first_connection;
    for (int i = 0; i < 3; ++i) {
      httpxx::Response response = client.get(base + "/connection");
      response.raise_for_status();
      std::string connection = response.text();
      connection.erase(connection.find_last_not_of('\n') + 1);
      std::cout << "GET /connection -> " << response.status_code() << ' '
                << response.http_version() << ", served on connection " << connection << '\n';
      if (first_connection.empty()) first_connection = connection;
      if (connection != first_connection) {
        std::cerr << "the session opened a new connection\n";
        return 1;
      }
    }
    httpxx::Response file = client.get(base + "/1k.bin");
    file.raise_for_status();
    std::cout << "GET /1k.bin -> " << file.status_code() << ", " << file.content().size()
              << " bytes in " << file.elapsed().count() << " s\n";
    std::cout << "pool: " << client.describe() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
