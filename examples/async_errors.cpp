// Handling every kind of failure from a coroutine through httpxx's exception tree (as in httpx;
// see errors.cpp), most specific first: each case provokes one failure on purpose.
// Usage: async_errors   (reads HTTPXX_TEST_HTTPBIN, and HTTPXX_TEST_FAULTS for a malformed response)

#include <cstdlib>
#include <iostream>
#include <string>

#include <asio/this_coro.hpp>
#include <httpxx/httpxx.hpp>

#include "example_support.hpp"

namespace {

std::string env_or(const char* name, const char* fallback) {
  return std::getenv(name) ? std::getenv(name) : fallback;
}

// GETs url and checks the status; names the handler that caught the failure.
asio::awaitable<std::string> classify(httpxx::AsyncClient& client, std::string url) {
  std::string caught = "no error";
  try {
    httpxx::Response response = co_await client.get(url);
    response.raise_for_status();
  } catch (const httpxx::InvalidURL& e) {
    caught = std::string("InvalidURL: ") + e.what();
  } catch (const httpxx::ConnectError& e) {
    caught = std::string("ConnectError: ") + e.what();
  } catch (const httpxx::TimeoutException& e) {
    caught = std::string("TimeoutException: ") + e.what();
  } catch (const httpxx::RemoteProtocolError& e) {
    caught = std::string("RemoteProtocolError: ") + e.what();
  } catch (const httpxx::HTTPStatusError& e) {
    caught = std::string("HTTPStatusError: ") + e.what();
  } catch (const httpxx::TransportError& e) {   // any other failure of the connection
    caught = std::string("TransportError: ") + e.what();
  } catch (const httpxx::HTTPError& e) {         // anything else httpxx raises for a request
    caught = std::string("HTTPError: ") + e.what();
  }
  co_return caught;
}

asio::awaitable<int> run() {
  const std::string httpbin = env_or("HTTPXX_TEST_HTTPBIN", "http://127.0.0.1:8080"),
                    faults = env_or("HTTPXX_TEST_FAULTS", "http://127.0.0.1:8081");
  // Options in their own statement: GCC 12 rejects a braced list inside co_await.
  httpxx::ClientOptions options;
  options.timeout = httpxx::Timeout::all(httpxx::Duration(1));
  // The executor in its own statement: GCC 12 destroys temporaries of a co_await expression twice.
  auto executor = co_await asio::this_coro::executor;
  httpxx::AsyncClient client(executor, std::move(options));

  const std::string cases[][3] = {   // what goes wrong, the handler expected, the URL
      {"a malformed URL", "InvalidURL", "http://127.0.0.1:port/"},
      {"a closed port", "ConnectError", "http://127.0.0.1:1/"},
      {"a server slower than the read limit", "TimeoutException", httpbin + "/delay/3"},
      {"a response that is not HTTP", "RemoteProtocolError", faults + "/garbage"},
      {"a 404 checked with raise_for_status()", "HTTPStatusError", httpbin + "/status/404"},
      {"an unsupported scheme", "TransportError", "ftp://127.0.0.1/"},
  };
  int status = 0;
  for (const auto& [label, expected, url] : cases) {
    const std::string caught = co_await classify(client, url);
    std::cout << label << ":\n  " << caught << '\n';
    if (!caught.starts_with(expected + ": ")) status = 1;
  }
  // Closing lets io_context::run() return: an idle HTTP/2 connection keeps a read pending.
  co_await client.aclose();
  co_return status;
}

}  // namespace

int main() {
  return example::run_to_completion(run());
}
