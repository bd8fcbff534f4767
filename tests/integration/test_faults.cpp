// Misbehaving servers, timeouts and connection errors: each failure maps to its exception class
// with a message that says what and why, and the pool stays healthy afterwards.

#include <doctest/doctest.h>

#include "client_drivers.hpp"
#include "test_env.hpp"

using httpxx_test::AsyncDriver;
using httpxx_test::server;
using httpxx_test::SyncDriver;
using namespace std::chrono_literals;

namespace {

std::string faults() { return server("HTTPXX_TEST_FAULTS"); }

template <class Exception, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.what();
  }
  FAIL("expected an exception");
  return {};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// After a failure the pool holds nothing active: no leaked slot, no half-used connection.
template <class Driver>
void check_pool_clean(Driver& client) {
  CHECK(contains(client.describe(), "Requests: 0 active, 0 queued"));
}

}  // namespace

TEST_CASE_TEMPLATE("malformed responses raise RemoteProtocolError", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  for (const char* path : {"/truncated", "/garbage", "/bad-chunk", "/both-lengths"}) {
    CAPTURE(path);
    const auto message = message_of<httpxx::RemoteProtocolError>([&] { client.get(faults() + path); });
    CHECK(contains(message, "127.0.0.1"));
    check_pool_clean(client);
  }
  // The client is still fine.
  CHECK(client.get(faults() + "/conn-id").status_code() == 200);
}

TEST_CASE_TEMPLATE("the error's request is attached", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  try {
    client.get(faults() + "/garbage");
    FAIL("no exception");
  } catch (const httpxx::RequestError& e) {
    CHECK(e.request().url().path() == "/garbage");
  }
}

TEST_CASE_TEMPLATE("extra bytes after a response make the connection unusable", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  auto response = client.get(faults() + "/wrong-length");
  CHECK(response.content() == "0123456789");
  const auto first = client.get(faults() + "/conn-id").text();
  const auto second = client.get(faults() + "/conn-id").text();
  CHECK(first == second);   // the polluted connection was dropped, the new one is reused
}

TEST_CASE_TEMPLATE("oversized headers are refused", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  const auto message = message_of<httpxx::RemoteProtocolError>([&] { client.get(faults() + "/huge-headers"); });
  CHECK_MESSAGE(contains(message, "header fields"), message);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("many headers within the limits are fine", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  auto response = client.get(faults() + "/many-headers?n=200");
  CHECK(response.headers().get("X-Header-199") == "value-199");
}

TEST_CASE_TEMPLATE("a close-delimited body ends at EOF", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  auto response = client.get(faults() + "/close-delimited");
  CHECK(response.text().starts_with("close-delimited line 0\n"));
  CHECK(contains(response.text(), "close-delimited line 99\n"));
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("1xx interim responses: 103 skipped, 100-continue honoured", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  CHECK(client.get(faults() + "/103").text() == "ok");
  httpxx::RequestOptions options;
  options.content = std::string(100000, 'x');
  options.headers = {{"Expect", "100-continue"}};
  auto echo = client.request("POST", faults() + "/100-continue", std::move(options)).json();
  CHECK(echo["continue_sent"] == true);
  CHECK(echo["body_length"] == 100000);
}

TEST_CASE_TEMPLATE("Expect: 100-continue: a server that ignores it gets the body after a short wait", Driver,
                   SyncDriver, AsyncDriver) {
  Driver client;
  httpxx::RequestOptions options;
  options.content = std::string(100000, 'x');
  options.headers = {{"Expect", "100-continue"}};
  auto echo = client.request("POST", faults() + "/echo", std::move(options)).json();
  CHECK(echo["body_length"] == 100000);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("Expect: 100-continue: a final answer first keeps the body back and retires the connection",
                   Driver, SyncDriver, AsyncDriver) {
  Driver client;
  httpxx::RequestOptions options;
  options.content = std::string(100000, 'x');
  options.headers = {{"Expect", "100-continue"}};
  auto rejected = client.request("POST", faults() + "/expectation-failed", std::move(options));
  CHECK(rejected.status_code() == 417);
  const auto rejected_on = rejected.text();
  // The server may still be waiting for the body, so that connection carries nothing more.
  CHECK(client.get(faults() + "/conn-id").text() != rejected_on);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("a stall in the head raises ReadTimeout naming the limit", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.timeout.read = 0.3s;
  Driver client(std::move(options));
  const auto message = message_of<httpxx::ReadTimeout>([&] { client.get(faults() + "/stall-headers"); });
  CHECK(contains(message, "read timeout of 0.3 s"));
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("a stall in the body raises ReadTimeout while streaming", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.timeout.read = 0.3s;
  Driver client(std::move(options));
  auto response = client.stream("GET", faults() + "/stall-body");
  CHECK(response.status_code() == 200);
  std::string seen;
  CHECK_THROWS_AS(client.each_chunk(response, 0, [&](const std::string& chunk) {
    seen += chunk;
    return true;
  }), httpxx::ReadTimeout);
  CHECK(seen.size() == 10);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("the total deadline bounds the whole request", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.timeout = httpxx::Timeout::all(10s);
  options.timeout.total = 0.4s;
  Driver client(std::move(options));
  // Chunks keep arriving (so no read times out), but the whole takes longer than the total.
  const auto message = message_of<httpxx::ReadTimeout>([&] { client.get(faults() + "/slow-chunks?n=20&delay_ms=100"); });
  CHECK(contains(message, "total timeout of 0.4 s"));
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("a per-request timeout overrides the client's", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  httpxx::RequestOptions options;
  options.timeout = httpxx::Timeout::all(0.2s);
  CHECK_THROWS_AS(client.get(faults() + "/stall-headers", std::move(options)), httpxx::ReadTimeout);
}

TEST_CASE_TEMPLATE("a reset connection raises a network or protocol error", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  try {
    client.get(faults() + "/reset");
    FAIL("no exception");
  } catch (const httpxx::ReadError& e) {
    CHECK(contains(e.what(), "127.0.0.1"));
  } catch (const httpxx::RemoteProtocolError& e) {
    CHECK(contains(e.what(), "127.0.0.1"));
  }
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("connection refused raises ConnectError", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  // Port 1 on loopback: nothing listens there.
  const auto message = message_of<httpxx::ConnectError>([&] { client.get("http://127.0.0.1:1/"); });
  CHECK(contains(message, "127.0.0.1"));
  CHECK(contains(message, "refused"));
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("unsupported schemes and invalid URLs", Driver, SyncDriver, AsyncDriver) {
  Driver client;
  CHECK_THROWS_AS(client.get("ftp://127.0.0.1/"), httpxx::UnsupportedProtocol);
  CHECK_THROWS_AS(client.get("http://[::1/"), httpxx::InvalidURL);
  CHECK_THROWS_AS(client.get("relative/path"), httpxx::InvalidURL);
}

TEST_CASE_TEMPLATE("a stale pooled connection is retried once for idempotent requests", Driver, SyncDriver,
                   AsyncDriver) {
  Driver client;
  // The server answers, then drops the connection when the next request arrives on it.
  CHECK(client.get(faults() + "/close-on-next-request").text() == "ok");
  auto retried = client.get(faults() + "/conn-id");
  CHECK(retried.status_code() == 200);
  // A POST is not repeated: its failure is reported.
  CHECK(client.get(faults() + "/close-on-next-request").text() == "ok");
  httpxx::RequestOptions options;
  options.content = "payload";
  CHECK_THROWS_AS(client.request("POST", faults() + "/echo", std::move(options)), httpxx::RemoteProtocolError);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("PoolTimeout when every connection stays busy", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.limits.max_connections = 1;
  options.timeout.pool = 0.2s;
  Driver client(std::move(options));
  auto held = client.stream("GET", faults() + "/stall-body");
  const auto message = message_of<httpxx::PoolTimeout>([&] { client.get(faults() + "/conn-id"); });
  CHECK(contains(message, "pool timeout of 0.2 s"));
  CHECK(contains(client.describe(), "Requests: 1 active, 0 queued"));
  client.close(held);
  CHECK(client.get(faults() + "/conn-id").status_code() == 200);
  check_pool_clean(client);
}

TEST_CASE_TEMPLATE("uds: requests go through a Unix domain socket", Driver, SyncDriver, AsyncDriver) {
  httpxx::ClientOptions options;
  options.uds = server("HTTPXX_TEST_NGINX_UDS");
  Driver client(std::move(options));
  // The URL names the host for the Host header; the connection goes to the socket.
  auto response = client.get("http://localhost/1k.bin");
  CHECK(response.status_code() == 200);
  CHECK(response.content().size() == 1024);
  CHECK(client.get("http://localhost/connection").text() == client.get("http://localhost/connection").text());
}
