// Handling every kind of failure through httpxx's exception tree, most specific first: each case
// provokes one failure on purpose and reports which handler caught it. The tree follows httpx:
// HTTPError > RequestError > TransportError > {TimeoutException, NetworkError > ConnectError,
// ProtocolError > RemoteProtocolError, ...}; HTTPStatusError comes from raise_for_status();
// InvalidURL is a std::invalid_argument, raised before anything is sent.
//
// Usage: errors   (reads HTTPXX_TEST_HTTPBIN, and HTTPXX_TEST_FAULTS for a malformed response)

#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>

#include <httpxx/httpxx.hpp>

namespace {

std::string env_or(const char* name, const char* fallback) {
  return std::getenv(name) ? std::getenv(name) : fallback;
}

// Names the handler that caught the failure, and what it says.
std::string classify(const std::function<void()>& attempt) {
  try {
    attempt();
    return "no error";
  } catch (const httpxx::InvalidURL& e) {
    return std::string("InvalidURL: ") + e.what();
  } catch (const httpxx::ConnectError& e) {
    return std::string("ConnectError: ") + e.what();
  } catch (const httpxx::TimeoutException& e) {
    return std::string("TimeoutException: ") + e.what();
  } catch (const httpxx::RemoteProtocolError& e) {
    return std::string("RemoteProtocolError: ") + e.what();
  } catch (const httpxx::HTTPStatusError& e) {
    return std::string("HTTPStatusError: ") + e.what();
  } catch (const httpxx::TransportError& e) {   // any other failure of the connection
    return std::string("TransportError: ") + e.what();
  } catch (const httpxx::HTTPError& e) {         // anything else httpxx raises for a request
    return std::string("HTTPError: ") + e.what();
  }
}

}  // namespace

int main() {
  const std::string httpbin = env_or("HTTPXX_TEST_HTTPBIN", "http://127.0.0.1:8080");
  const std::string faults = env_or("HTTPXX_TEST_FAULTS", "http://127.0.0.1:8081");
  httpxx::ClientOptions options;
  options.timeout = httpxx::Timeout::all(httpxx::Duration(1));
  httpxx::Client client(std::move(options));

  struct Case {
    std::string label, expected;
    std::function<void()> attempt;
  };
  const Case cases[] = {
      {"a malformed URL", "InvalidURL", [&] { client.get("http://127.0.0.1:port/"); }},
      {"a closed port", "ConnectError", [&] { client.get("http://127.0.0.1:1/"); }},
      {"a server slower than the read limit", "TimeoutException",
       [&] { client.get(httpbin + "/delay/3"); }},
      {"a response that is not HTTP", "RemoteProtocolError", [&] { client.get(faults + "/garbage"); }},
      {"a 404 checked with raise_for_status()", "HTTPStatusError",
       [&] { client.get(httpbin + "/status/404").raise_for_status(); }},
      {"an unsupported scheme", "TransportError", [&] { client.get("ftp://127.0.0.1/"); }},
  };
  int status = 0;
  for (const Case& c : cases) {
    std::cout << c.label << ":\n";
    const std::string caught = classify(c.attempt);
    std::cout << "  " << caught << '\n';
    if (!caught.starts_with(c.expected + ": ")) status = 1;
  }
  return status;
}
