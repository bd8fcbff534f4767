// POST a JSON body with an Authorization header, then read fields of the JSON that httpbin echoes
// back. RequestOptions::json serialises the body and sets Content-Type: application/json.
//
// Usage: post_json [BASE_URL]   (HTTPXX_TEST_HTTPBIN, when set, wins)

#include <iostream>
#include <string>

#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

}  // namespace

int main(int argc, char** argv) {
  const std::string base = example::server_url("HTTPXX_TEST_HTTPBIN", argc, argv);
  try {
    httpxx::Client client;
    httpxx::RequestOptions options;
    options.headers.set("Authorization", "Bearer example-token");
    options.json = {{"name", "httpxx"}, {"tags", {"http", "c++20"}}, {"stars", 5}};
    httpxx::Response response = client.post(base + "/post", std::move(options));
    response.raise_for_status();

    const nlohmann::json echo = response.json();
    std::cout << "POST /post -> " << response.status_code() << ", " << response.content().size()
              << " bytes\n"
              << "  server saw Content-Type: " << echo["headers"]["Content-Type"] << '\n'
              << "  server saw Authorization: " << echo["headers"]["Authorization"] << '\n'
              << "  server parsed the body as: " << echo["json"].dump() << '\n';
    if (echo["json"]["name"] != "httpxx" || echo["headers"]["Authorization"] != "Bearer example-token") {
      std::cerr << "the echo does not match what was sent\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
